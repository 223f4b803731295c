import { ARGOCD_NAMESPACE } from "../../platform/components";
import { kubectlJson, Observation, pollCluster, PollOptions } from "./cluster-poll";

/**
 * The check after the hand-off: every handed-over release's child Application is Synced and
 * Healthy, and no object has two owners: none that Pulumi's state holds is also synced by an
 * Application, and no Helm release that a Pulumi `helm.v3.Release` installs is also rendered by one.
 */

/** kube-prometheus-stack's CRDs, admission hooks and Prometheus take longest to sync and turn healthy. */
export const VERIFY_WAIT = { timeoutMs: 15 * 60_000, intervalMs: 10_000 } as const;

/** The platform's Applications (the root and its children) carry this label (platform/applications.ts). */
export const PLATFORM_APPLICATIONS = "gitops-platform/layer=platform";

/** An object as both sides name it. */
export interface ObjectRef {
  /** API group; "" for the core group. */
  readonly group: string;
  readonly kind: string;
  /** "" for a cluster-scoped object. */
  readonly namespace: string;
  readonly name: string;
}

/** What Pulumi's state holds in the cluster: objects it applies, and Helm releases it installs. */
export interface PulumiHeld {
  readonly objects: readonly ObjectRef[];
  readonly releases: readonly { readonly namespace: string; readonly name: string }[];
}

/** The fields of an Application the check reads, as the API serves them (argoproj.io/v1alpha1). */
export interface ApplicationObject {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    readonly source?: { readonly helm?: { readonly releaseName?: string } };
    readonly destination?: { readonly namespace?: string };
  };
  readonly status?: {
    readonly sync?: { readonly status?: string };
    readonly health?: { readonly status?: string; readonly message?: string };
    readonly operationState?: { readonly phase?: string; readonly message?: string };
    readonly conditions?: readonly { readonly type: string; readonly message?: string }[];
    readonly resources?: readonly {
      readonly group?: string;
      readonly kind: string;
      readonly namespace?: string;
      readonly name: string;
    }[];
  };
}

interface StateResource {
  readonly type?: string;
  readonly outputs?: {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly metadata?: { readonly name?: string; readonly namespace?: string };
    readonly name?: string;
    readonly namespace?: string;
  };
}

const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** What a stack's state (`pulumi stack export`: `{ deployment: { resources } }`) holds in the cluster. */
export function pulumiHeld(exported: {
  readonly deployment?: { readonly resources?: readonly unknown[] };
}): PulumiHeld {
  const resources = (exported.deployment?.resources ?? []) as readonly StateResource[];
  const objects: ObjectRef[] = [];
  const releases: { namespace: string; name: string }[] = [];
  for (const { type, outputs } of resources) {
    if (!type?.startsWith("kubernetes:") || type.startsWith("kubernetes:providers") || !outputs) continue;
    if (type === HELM_RELEASE_TYPE) {
      if (outputs.name) releases.push({ namespace: outputs.namespace ?? "", name: outputs.name });
      continue;
    }
    const name = outputs.metadata?.name;
    if (!outputs.apiVersion || !outputs.kind || !name) continue;
    const group = outputs.apiVersion.includes("/") ? outputs.apiVersion.split("/")[0] : "";
    objects.push({ group, kind: outputs.kind, namespace: outputs.metadata?.namespace ?? "", name });
  }
  return { objects, releases };
}

const show = (o: ObjectRef) =>
  `${o.group ? `${o.kind}.${o.group}` : o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

/** Every object and Helm release with two owners: Pulumi's state and an Application. */
export function doubleOwners(held: PulumiHeld, applications: readonly ApplicationObject[]): string[] {
  const found: string[] = [];
  const key = (o: ObjectRef) => `${o.group}|${o.kind}|${o.namespace}|${o.name}`;
  const pulumiObjects = new Set(held.objects.map(key));
  for (const app of applications) {
    const by = `Application ${app.metadata.namespace ?? ARGOCD_NAMESPACE}/${app.metadata.name}`;
    for (const r of app.status?.resources ?? []) {
      const ref = { group: r.group ?? "", kind: r.kind, namespace: r.namespace ?? "", name: r.name };
      if (pulumiObjects.has(key(ref))) found.push(`${show(ref)}: held by Pulumi's state and synced by ${by}`);
    }
    const release = app.spec.source?.helm?.releaseName ?? app.metadata.name;
    const namespace = app.spec.destination?.namespace ?? "";
    if (held.releases.some((r) => r.name === release && r.namespace === namespace)) {
      found.push(`Helm release ${namespace}/${release}: installed by a Pulumi helm.v3.Release and rendered by ${by}`);
    }
  }
  return found;
}

/** How an Application stands, in one line: sync/health, and why when Argo CD says. */
function standing(app: ApplicationObject): string {
  const status = app.status ?? {};
  const parts = [`${status.sync?.status ?? "Unknown"}/${status.health?.status ?? "Unknown"}`];
  const operation = status.operationState;
  if (operation?.phase && operation.phase !== "Succeeded")
    parts.push(`sync ${operation.phase}: ${operation.message ?? ""}`.trim());
  if (status.health?.message) parts.push(status.health.message);
  for (const condition of status.conditions ?? []) parts.push(`${condition.type}: ${condition.message ?? ""}`.trim());
  return `${app.metadata.name} ${parts.join("; ")}`;
}

/** One look at the platform's Applications: done when each of `names` is Synced and Healthy. */
export function handoffState(
  list: { readonly items: readonly ApplicationObject[] },
  names: readonly string[],
): Observation<readonly string[]> {
  const waiting = names.flatMap((name) => {
    const app = list.items.find((a) => a.metadata.name === name);
    if (!app) return [`${name} not created yet (the root Application renders it)`];
    const ok = app.status?.sync?.status === "Synced" && app.status.health?.status === "Healthy";
    return ok ? [] : [standing(app)];
  });
  return waiting.length > 0 ? { done: false, waiting } : { done: true, value: names };
}

/** Thrown when an object has two owners: waiting cannot fix it. */
export class DoubleOwnerError extends Error {
  override readonly name = "DoubleOwnerError";
}

/**
 * Waits until each Application of `expected.applications` is Synced and Healthy in the cluster
 * `kubeconfigPath` points at, then checks that no object has two owners; returns the Applications
 * verified. Throws ClusterWaitError at the deadline (VERIFY_WAIT unless `options` says otherwise)
 * with each one's last state, DoubleOwnerError for an object with two owners.
 */
export async function verifyHandoff(
  kubeconfigPath: string,
  expected: { readonly applications: readonly string[]; readonly pulumi: PulumiHeld },
  options: Partial<PollOptions> = {},
): Promise<readonly string[]> {
  const args = ["get", "applications.argoproj.io", "-n", ARGOCD_NAMESPACE, "-l", PLATFORM_APPLICATIONS, "-o", "json"];
  let applications: readonly ApplicationObject[] = [];
  const verified = await pollCluster(kubeconfigPath, "hand-off", { ...VERIFY_WAIT, ...options }, async (kubectl) => {
    const list = await kubectlJson<{ items: ApplicationObject[] }>(kubectl, args);
    applications = list.items;
    return handoffState(list, expected.applications);
  });
  const doubles = doubleOwners(expected.pulumi, applications);
  if (doubles.length > 0) {
    throw new DoubleOwnerError(
      `hand-off: ${doubles.length} with two owners:\n${doubles.map((d) => `  - ${d}`).join("\n")}\n` +
        "Give each to one owner: drop it from the platform program or from the release's values, then run up again.",
    );
  }
  return verified;
}
