import { InputError } from "../../config";
import { Environment, stackIdentity } from "../../stack";
import { clusterKubeconfig } from "./cluster-access";
import { ClusterTeardownFactory } from "./cluster-teardown";
import { StackChanges } from "./engine-events";
import { DriverContext, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `destroy`: the environment in reverse, in the order that avoids the classic teardown failures:
 * 1. the gitops stack (its Applications; the Kubernetes provider waits for their finalizers), then
 *    any Application left, while Argo CD still runs;
 * 2. the LoadBalancer Services and Ingresses, while their controllers still run;
 * 3. the platform stack;
 * 4. the infra stack.
 * Each step is idempotent, so after a failure the same command resumes the teardown.
 */

export type DestroyStep =
  | { readonly kind: "stack"; readonly stack: string; readonly changes: StackChanges }
  | { readonly kind: "cluster"; readonly what: string; readonly deleted: readonly string[] };

export class DestroyStoppedError extends Error {
  override readonly name = "DestroyStoppedError";
  constructor(
    message: string,
    readonly done: readonly DestroyStep[],
  ) {
    super(message);
  }
}

export async function runDestroy(
  env: Environment,
  context: DriverContext,
  clusterTeardown: ClusterTeardownFactory,
): Promise<readonly DestroyStep[]> {
  const done: DestroyStep[] = [];
  const step = async (label: string, action: () => Promise<DestroyStep | undefined>) => {
    context.log(`destroy: ${label}`);
    try {
      const result = await action();
      if (result) done.push(result);
    } catch (err) {
      if (err instanceof InputError) throw err;
      const reason = err instanceof StackOperationError ? err.reason : err instanceof Error ? err.message : String(err);
      throw new DestroyStoppedError(
        `destroy: ${label} failed: ${reason}\n` +
          `Every step is safe to repeat: fix the cause, then run again: ${context.invocation} destroy --env ${env} --yes`,
        done,
      );
    }
  };
  const destroyStack = (layer: "infra" | "platform" | "gitops") => async (): Promise<DestroyStep> => {
    const target = stackIdentity(layer, env);
    const { changes, missing } = await runStackOperation(target, "destroy", context);
    if (missing) context.log(`destroy: ${target.name} does not exist: nothing to destroy`);
    return { kind: "stack", stack: target.name, changes };
  };

  await step(`gitops-${env} (its Applications, while Argo CD still runs)`, destroyStack("gitops"));
  const kubeconfig = await clusterKubeconfig(env, context);
  if (kubeconfig) {
    const cluster = clusterTeardown(kubeconfig);
    await step("remaining Argo CD Applications, waiting for their finalizers", async () => ({
      kind: "cluster",
      what: "applications",
      deleted: await cluster.deleteApplications(),
    }));
    await step("LoadBalancer Services and Ingresses, waiting for their load balancers", async () => ({
      kind: "cluster",
      what: "load balancers",
      deleted: await cluster.deleteLoadBalancers(),
    }));
  } else {
    context.log(`destroy: infra-${env} exports no kubeconfig (no cluster): nothing to clean up inside it`);
  }
  await step(`platform-${env}`, destroyStack("platform"));
  await step(`infra-${env}`, destroyStack("infra"));
  return done;
}
