import { clusterContext } from "../doctor/checks";
import { CheckContext } from "../doctor/probe";
import { Environment } from "../../stack";
import { ArgoSource } from "./gather";
import { Kubectl, kubectlAt } from "./status";

export interface ArgoSourceOptions {
  /** kubeconfig of the cluster; by default the file holding a context for the environment's cluster. */
  readonly kubeconfig?: string;
  /** kubeconfig context; by default the one for the environment's cluster (named as `aws eks update-kubeconfig` names it). */
  readonly context?: string;
}

/** Builds the kubectl client for a kubeconfig file and context; tests pass one that replays recorded objects. */
export type KubectlFactory = (kubeconfig: string | undefined, context: string | undefined) => Kubectl;

/**
 * Where to ask the environment's Argo CD: the kubectl client with the kubeconfig and context given,
 * or found for the cluster; or why it cannot be asked (no kubectl, no context). `status` and
 * `drift` read the live Applications through it, `promote` the source environment's.
 */
export function argoSourceFor(
  ctx: CheckContext,
  env: Environment,
  options: ArgoSourceOptions = {},
  kubectl: KubectlFactory = kubectlAt,
): ArgoSource {
  if (!ctx.which("kubectl")) return { reason: "kubectl is not on PATH" };
  const cluster = clusterContext(ctx, env);
  const context = options.context ?? cluster.found?.context;
  const kubeconfig = options.kubeconfig ?? (options.context ? undefined : cluster.found?.file);
  if (!options.kubeconfig && !context) {
    return {
      reason: `no kubeconfig context for cluster ${cluster.cluster} (aws eks update-kubeconfig --name ${cluster.cluster} --region ${cluster.region})`,
    };
  }
  return {
    kubectl: kubectl(kubeconfig, context),
    from: `context ${context ?? "(current)"}${kubeconfig ? ` in ${kubeconfig}` : ""}`,
  };
}
