import { workloadIdentities } from "../infra/outputs";

/** The ops components, in the order they are installed. Each is one entry of the release table. */
export const COMPONENTS = ["kube-prometheus-stack", "argo-cd", "sealed-secrets", "external-dns", "logging"] as const;
export type Component = (typeof COMPONENTS)[number];

/** Who manages a release: Pulumi (bootstrap `helm.v3.Release`) or Argo CD (a child of the root Application). */
export const OWNERS = ["pulumi", "argocd"] as const;
export type Owner = (typeof OWNERS)[number];

export const ARGOCD_NAMESPACE = "argocd";

/**
 * The namespace of each release. external-dns and the logging agent go exactly where infra bound
 * their IAM roles (`workloadIdentities`), or their pods would get no AWS credentials.
 */
export const RELEASE_NAMESPACES: Record<Component, string> = {
  "kube-prometheus-stack": "monitoring",
  "argo-cd": ARGOCD_NAMESPACE,
  "sealed-secrets": "sealed-secrets",
  "external-dns": workloadIdentities.externalDns.namespace,
  logging: workloadIdentities.logging.namespace,
};

/** Namespaces no app may deploy to: the ops namespaces and Kubernetes' own. */
export const RESERVED_NAMESPACES: readonly string[] = [
  ...new Set([...Object.values(RELEASE_NAMESPACES), "default", "kube-system", "kube-public", "kube-node-lease"]),
];

/** Whether an Argo CD namespace glob (`apps-*`) matches `name`. */
export function globMatches(pattern: string, name: string): boolean {
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${regex}$`).test(name);
}

/** The sealed-secrets controller's name, which kubeseal looks for (`--controller-name`). */
export const SEALED_SECRETS_CONTROLLER = "sealed-secrets-controller";
