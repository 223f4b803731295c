import { ARGOCD_NAMESPACE } from "../../platform/components";
import { kubectlJson, Observation, pollCluster, PollOptions } from "./cluster-poll";

/**
 * The wait between the bootstrap and the hand-off: Argo CD's Deployments and StatefulSet (the
 * application controller) rolled out and available, judged as `kubectl rollout status` judges them
 * (k8s.io/kubectl pkg/polymorphichelpers/rollout_status.go), from `kubectl get -o json`.
 */

/** Argo CD's pods start in a few minutes once their images are pulled. */
export const ARGOCD_WAIT = { timeoutMs: 10 * 60_000, intervalMs: 10_000 } as const;

/** Every workload of the argo-cd chart carries this label (argo-helm's `argo-cd.labels` helper). */
export const ARGOCD_WORKLOADS = "app.kubernetes.io/part-of=argocd";

interface Condition {
  readonly type: string;
  readonly reason?: string;
}

/** The fields of a Deployment or StatefulSet the rollout judgement reads, as the API serves them. */
export interface Workload {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly generation?: number };
  readonly spec: {
    readonly replicas?: number;
    readonly updateStrategy?: { readonly type?: string; readonly rollingUpdate?: { readonly partition?: number } };
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
    readonly readyReplicas?: number;
    readonly currentRevision?: string;
    readonly updateRevision?: string;
    readonly conditions?: readonly Condition[];
  };
}

export type RolloutState = { readonly done: true } | { readonly done: false; readonly waiting: string };

/** Thrown when a rollout cannot finish by waiting (its progress deadline passed). */
export class RolloutFailedError extends Error {
  override readonly name = "RolloutFailedError";
}

/** Whether a Deployment or StatefulSet has rolled out, and if not, what it waits for. */
export function rolloutState(workload: Workload): RolloutState {
  const name = `${workload.kind.toLowerCase()} ${workload.metadata.name}`;
  const status = workload.status ?? {};
  const generation = workload.metadata.generation ?? 0;
  const observed = status.observedGeneration ?? 0;
  const replicas = workload.spec.replicas;
  const waiting = (what: string): RolloutState => ({ done: false, waiting: `${name}: ${what}` });
  if (workload.kind === "Deployment") {
    if (generation > observed) return waiting("spec update not observed yet");
    const progressing = status.conditions?.find((c) => c.type === "Progressing");
    if (progressing?.reason === "ProgressDeadlineExceeded") {
      throw new RolloutFailedError(`${name} exceeded its progress deadline`);
    }
    const updated = status.updatedReplicas ?? 0;
    if (replicas !== undefined && updated < replicas) {
      return waiting(`${updated} out of ${replicas} new replicas have been updated`);
    }
    if ((status.replicas ?? 0) > updated)
      return waiting(`${(status.replicas ?? 0) - updated} old replicas are pending termination`);
    if ((status.availableReplicas ?? 0) < updated) {
      return waiting(`${status.availableReplicas ?? 0} of ${updated} updated replicas are available`);
    }
    return { done: true };
  }
  if (observed === 0 || generation > observed) return waiting("spec update not observed yet");
  const ready = status.readyReplicas ?? 0;
  if (replicas !== undefined && ready < replicas) return waiting(`${replicas - ready} pods not ready`);
  const strategy = workload.spec.updateStrategy;
  if (strategy?.type !== "RollingUpdate") return { done: true };
  const partition = strategy.rollingUpdate?.partition;
  if (partition !== undefined && replicas !== undefined) {
    const updated = status.updatedReplicas ?? 0;
    return updated < replicas - partition
      ? waiting(`${updated} out of ${replicas - partition} new pods have been updated`)
      : { done: true };
  }
  if (status.updateRevision !== status.currentRevision) {
    return waiting(`rolling update to revision ${status.updateRevision ?? "?"} not complete`);
  }
  return { done: true };
}

/** One look at Argo CD's workloads: done with their names, or what each still waits for. */
export function argocdRollout(list: { readonly items: readonly Workload[] }): Observation<readonly string[]> {
  if (list.items.length === 0) {
    throw new RolloutFailedError(
      `no Deployment or StatefulSet labelled ${ARGOCD_WORKLOADS} in namespace ${ARGOCD_NAMESPACE}: ` +
        "Argo CD is not installed (the platform stack's bootstrap up installs it)",
    );
  }
  const waiting = list.items.flatMap((w) => {
    const state = rolloutState(w);
    return state.done ? [] : [state.waiting];
  });
  if (waiting.length > 0) return { done: false, waiting };
  return { done: true, value: list.items.map((w) => `${w.kind.toLowerCase()}/${w.metadata.name}`) };
}

/**
 * Waits until Argo CD's workloads in the cluster `kubeconfigPath` points at have rolled out and
 * are available; returns them as `kind/name`. Throws ClusterWaitError at the deadline (ARGOCD_WAIT
 * unless `options` says otherwise), naming what each workload still waited for.
 */
export function waitForArgoCd(kubeconfigPath: string, options: Partial<PollOptions> = {}): Promise<readonly string[]> {
  const args = ["get", "deployments,statefulsets", "-n", ARGOCD_NAMESPACE, "-l", ARGOCD_WORKLOADS, "-o", "json"];
  return pollCluster(kubeconfigPath, "Argo CD", { ...ARGOCD_WAIT, ...options }, async (kubectl) =>
    argocdRollout(await kubectlJson<{ items: Workload[] }>(kubectl, args)),
  );
}
