import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The namespaces apps deploy to, declared by the platform. The `apps` AppProject may create no
 * cluster-scoped resource (issue 4), and Argo CD refuses `CreateNamespace=true` under such a project
 * ("Namespace is not permitted in project", argoproj/argo-cd#22869), so Argo CD never creates an app
 * namespace: each literal entry of `appNamespaces` is a Namespace here. A glob entry (`apps-*`)
 * declares nothing: it lets a team deploy to namespaces it creates some other way.
 */

/**
 * Pod Security Admission at the `restricted` level: pods must run as non-root, drop every
 * capability, use the RuntimeDefault seccomp profile and never escalate privileges, which is what
 * the app spec renders by default. No version label, so the level is that of the cluster's
 * Kubernetes version.
 */
export const POD_SECURITY_RESTRICTED: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};

/** The entries of `appNamespaces` that name one namespace, not a glob; sorted, each once. */
export function literalNamespaces(appNamespaces: readonly string[]): string[] {
  return [...new Set(appNamespaces.filter((entry) => !entry.includes("*")))].sort();
}

export interface AppNamespacesArgs {
  /** `appNamespaces` of the platform config: plain data, since it decides which Namespaces exist. */
  readonly appNamespaces: readonly string[];
  readonly provider: k8s.Provider;
}

/** One Namespace per literal app namespace, with the restricted Pod Security level. */
export class AppNamespaces extends pulumi.ComponentResource {
  constructor(name: string, args: AppNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:platform:AppNamespaces", name, {}, opts);
    for (const namespace of literalNamespaces(args.appNamespaces)) {
      new k8s.core.v1.Namespace(
        `${name}-${namespace}`,
        {
          metadata: {
            name: namespace,
            labels: { "app.kubernetes.io/part-of": "gitops-platform", ...POD_SECURITY_RESTRICTED },
          },
        },
        // Leaving appNamespaces must not delete an app's objects with its namespace: `up` runs the
        // platform stack before the gitops one, which only then refuses the app (same as Bootstrap's).
        { parent: this, provider: args.provider, retainOnDelete: true },
      );
    }
    this.registerOutputs({});
  }
}
