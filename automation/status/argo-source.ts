import { Environment } from "../../stack";
import { clusterContext } from "../doctor/checks";
import { CheckContext } from "../doctor/probe";
import type { ArgoSource } from "./gather";
import { Kubectl, kubectlAt } from "./status";

/** `--kubeconfig` and `--context`, as `status` and `promote` take them. */
export interface ClusterSelection {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Builds the kubectl client for a kubeconfig file and context; tests pass one that replays recorded objects. */
export type KubectlFactory = (kubeconfig: string | undefined, context: string | undefined) => Kubectl;

/**
 * Where `env`'s Argo CD is asked: the given kubeconfig and context, else the context whose cluster is
 * the environment's (`aws eks update-kubeconfig --name <clusterName>` writes it), or why neither works.
 */
export function argoSourceFor(
  env: Environment,
  selection: ClusterSelection,
  ctx: CheckContext,
  kubectl: KubectlFactory = kubectlAt,
): ArgoSource {
  const cluster = clusterContext(ctx, env);
  const context = selection.context ?? cluster.found?.context;
  const kubeconfig = selection.kubeconfig ?? (selection.context ? undefined : cluster.found?.file);
  if (!ctx.which("kubectl")) return { reason: "kubectl is not on PATH" };
  if (!selection.kubeconfig && !context) {
    return {
      reason: `no kubeconfig context for cluster ${cluster.cluster} (aws eks update-kubeconfig --name ${cluster.cluster} --region ${cluster.region})`,
    };
  }
  return {
    kubectl: kubectl(kubeconfig, context),
    from: `context ${context ?? "(current)"}${kubeconfig ? ` in ${kubeconfig}` : ""}`,
  };
}
