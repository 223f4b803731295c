import { Kubectl, kubectlAt } from "./cluster-access";
import { realSleep, Sleep } from "./operations";

/** How a check against the cluster polls: bounded by a deadline, with the real kubectl unless a test says otherwise. */
export interface PollOptions {
  /** Gives up after this long, reporting the last state it saw. */
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** Runs kubectl; by default the real client against the kubeconfig file the check was given. */
  readonly kubectl?: (kubeconfigPath: string) => Kubectl;
  /** Progress, to stderr: each new state seen. */
  readonly log?: (message: string) => void;
}

/** One look at the cluster: done, or what is still awaited (one line per object). */
export type Observation<T> =
  { readonly done: true; readonly value: T } | { readonly done: false; readonly waiting: readonly string[] };

/** The check ran out of time; the message names what it waited for and the last state it saw. */
export class ClusterWaitError extends Error {
  override readonly name = "ClusterWaitError";
}

/**
 * Looks at the cluster with `observe` until it is done or the deadline passes. A look that fails
 * outright (kubectl cannot reach the cluster, a precondition is broken) throws at once.
 */
export async function pollCluster<T>(
  kubeconfigPath: string,
  what: string,
  options: PollOptions,
  observe: (kubectl: Kubectl) => Promise<Observation<T>>,
): Promise<T> {
  const kubectl = (options.kubectl ?? kubectlAt)(kubeconfigPath);
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let last = "";
  for (;;) {
    const seen = await observe(kubectl);
    if (seen.done) return seen.value;
    const state = seen.waiting.join("; ");
    if (state !== last) options.log?.(`${what}: waiting for ${state}`);
    last = state;
    if (now() >= deadline) {
      throw new ClusterWaitError(
        `${what}: not done after ${Math.round(options.timeoutMs / 1000)} s. Still waiting for: ${state}`,
      );
    }
    await sleep(options.intervalMs);
  }
}

/** Runs kubectl and parses its JSON output; a failure is thrown with kubectl's own words. */
export async function kubectlJson<T>(kubectl: Kubectl, args: readonly string[]): Promise<T> {
  const result = await kubectl(args);
  if (result.code !== 0) {
    throw new Error(`kubectl ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as T;
}
