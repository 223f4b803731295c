import { CONFIG_NAMESPACE, InputError } from "../../config";
import { COMPONENTS, Component } from "../../platform/components";
import { parsePlatformConfig } from "../../platform/config";
import {
  EndState,
  endStateOf,
  NextUp,
  parsePlatformRun,
  PHASE_OUTPUT,
  planNextUp,
  PlatformRun,
} from "../../platform/phase";
import { PlatformPhase } from "../../platform/phase-names";
import { Environment, readEnvironmentConfig, stackIdentity } from "../../stack";
import { waitForArgoCd } from "./argocd-ready";
import { clusterKubeconfig, withKubeconfigFile } from "./cluster-access";
import { PackFinding, StackChanges } from "./engine-events";
import { pulumiHeld, PulumiHeld, verifyHandoff } from "./handoff-verify";
import { DriverContext, runStackOperation, StackOperationError } from "./stack-operation";
import { readStackOutputValues } from "./stack-outputs";

/**
 * The platform layer of `up`, in phases (platform/phase.ts): bootstrap up, wait until Argo CD is
 * available, hand-off up, verify that Argo CD took over. Where to start comes from the stack's own
 * record of its last up, so running again after any stop continues from there, and on a handed-over
 * cluster it is one up with no changes and a verification.
 */

/** The two checks in the cluster, against the cluster a kubeconfig file points at. */
export interface HandoffCluster {
  /** Waits until Argo CD's workloads are available; returns them as `kind/name`. */
  waitForArgoCd(): Promise<readonly string[]>;
  /** Waits until each Application is Synced and Healthy, then checks for two owners; returns the Applications. */
  verifyHandoff(expected: { applications: readonly string[]; pulumi: PulumiHeld }): Promise<readonly string[]>;
}

export type HandoffClusterFactory = (kubeconfigPath: string) => HandoffCluster;

/** The checks through the real kubectl client. */
export function kubectlHandoffCluster(log: (message: string) => void): HandoffClusterFactory {
  return (kubeconfigPath) => ({
    waitForArgoCd: () => waitForArgoCd(kubeconfigPath, { log }),
    verifyHandoff: (expected) => verifyHandoff(kubeconfigPath, expected, { log }),
  });
}

export type PlatformStep =
  | { readonly kind: "up"; readonly phase: PlatformPhase; readonly changes: StackChanges }
  | { readonly kind: "argocd"; readonly workloads: readonly string[] }
  | { readonly kind: "verify"; readonly applications: readonly string[] };

/** A phase failed: which one, why, the phases done before it and those it leaves not run. */
export class PlatformPhaseError extends Error {
  override readonly name = "PlatformPhaseError";
  constructor(
    readonly step: string,
    readonly reason: string,
    readonly done: readonly string[],
    readonly notRun: readonly string[],
    /** What the policy pack reported in the up that failed. */
    readonly policy: readonly PackFinding[] = [],
  ) {
    super(`${step} failed: ${reason}`);
  }
}

/** The platform stack's record of its last completed up; undefined for a stack never deployed. */
export async function readPlatformRun(env: Environment, context: DriverContext): Promise<PlatformRun | undefined> {
  const target = stackIdentity("platform", env);
  const outputs = await readStackOutputValues(target, context);
  return outputs ? parsePlatformRun(outputs, target.name) : undefined;
}

/** Each release's owner in the environment's config file: where it ends up. */
export function readEndState(env: Environment, rootDir: string): EndState {
  const { file, values } = readEnvironmentConfig(rootDir, env);
  return endStateOf(parsePlatformConfig(values[`${CONFIG_NAMESPACE}:platform`], file));
}

/** What the next up of the environment's platform stack does. */
export async function platformNextUp(env: Environment, context: DriverContext): Promise<NextUp> {
  return planNextUp(await readPlatformRun(env, context), readEndState(env, context.rootDir));
}

/** The platform's phase as a preview reports it, or why it could not be read. */
export type PlatformPhasePreview = { readonly next: NextUp } | { readonly error: string };

export async function previewPlatformPhase(env: Environment, context: DriverContext): Promise<PlatformPhasePreview> {
  try {
    return { next: await platformNextUp(env, context) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** How logs, summaries and the PR comment name the phases. */
export const PHASE_NAMES: Record<PlatformPhase, string> = { bootstrap: "bootstrap", handoff: "hand-off" };

const count = (list: readonly Component[]) => `${list.length} release${list.length === 1 ? "" : "s"}`;
const names = (list: readonly Component[]) => `(${list.join(", ")})`;

/** Where the stack stands, in words. */
function standing(next: NextUp): string {
  if (next.from === "new") return "not deployed yet";
  if (next.from === "bootstrap") return "bootstrapped, hand-off pending";
  if (next.argocdOwnsNow.length === 0) return "bootstrapped, every release with Pulumi";
  return `handed over (Argo CD owns ${count(next.argocdOwnsNow)})`;
}

/** Which phase the stack is in and what the next up does, in one line (the log, the PR comment). */
export function describeNextUp(next: NextUp): string {
  const parts: string[] = [];
  if (next.phase === "bootstrap") {
    parts.push(`bootstrap: ${count(next.installs)} installed by Pulumi`);
    parts.push(
      next.thenHandsOver.length > 0
        ? `hand-off to Argo CD follows ${names(next.thenHandsOver)}`
        : "no hand-off follows (every release stays with Pulumi)",
    );
  } else if (next.handsOver.length > 0) {
    const verb = next.handsOver.length === 1 ? "leaves" : "leave";
    parts.push(`hand-off: ${count(next.handsOver)} ${verb} the stack for Argo CD ${names(next.handsOver)}`);
  }
  if (next.handsBack.length > 0) {
    parts.push(
      `${count(next.handsBack)} back to Pulumi ${names(next.handsBack)}, whose helm install meets the running ` +
        "release: import it first (pulumi import kubernetes:helm.sh/v3:Release ...)",
    );
  }
  return `${standing(next)}; next up: ${parts.length > 0 ? parts.join(", ") : "no owner changes"}`;
}

/** Runs the platform's phases from where its record says it stands; each completed step is passed to `record`. */
export async function runPlatformPhases(
  env: Environment,
  context: DriverContext,
  record: (step: PlatformStep) => void,
): Promise<void> {
  const target = stackIdentity("platform", env);
  const endState = readEndState(env, context.rootDir);
  let run = await readPlatformRun(env, context);
  context.log(`up: ${target.name}: ${describeNextUp(planNextUp(run, endState))}`);

  const done: string[] = [];
  const stepLabels = {
    bootstrap: `${target.name} (bootstrap)`,
    argocd: `wait for Argo CD (${env})`,
    handoff: `${target.name} (hand-off)`,
    verify: `hand-off verification (${env})`,
  };
  /** The steps after `from`, which a stop at `from` leaves not run. */
  const after = (from: keyof typeof stepLabels) => {
    const order = Object.keys(stepLabels) as (keyof typeof stepLabels)[];
    const verifies = COMPONENTS.some((c) => endState[c] === "argocd");
    return order.slice(order.indexOf(from) + 1).flatMap((s) => (s === "verify" && !verifies ? [] : [stepLabels[s]]));
  };
  const step = async <T>(name: keyof typeof stepLabels, action: () => Promise<T>): Promise<T> => {
    context.log(`up: ${stepLabels[name]}`);
    try {
      const result = await action();
      done.push(stepLabels[name]);
      return result;
    } catch (err) {
      if (err instanceof InputError) throw err;
      const reason = err instanceof StackOperationError ? err.reason : err instanceof Error ? err.message : String(err);
      const policy = err instanceof StackOperationError ? (err.changes?.policy ?? []) : [];
      throw new PlatformPhaseError(stepLabels[name], reason, [...done], after(name), policy);
    }
  };
  const up = (phase: PlatformPhase) =>
    step(phase, async () => {
      const { changes, outputs } = await runStackOperation(target, "up", context);
      run = parsePlatformRun(outputs ?? {}, target.name);
      if (run?.phase !== phase) {
        throw new Error(
          `${target.name} completed its up but recorded ${PHASE_OUTPUT} ${JSON.stringify(run?.phase)}; expected "${phase}" ` +
            "(a program older than this driver records none)",
        );
      }
      record({ kind: "up", phase, changes });
    });
  let kubeconfig: string | undefined;
  const inCluster =
    <T>(use: (kubeconfigPath: string) => Promise<T>) =>
    async (): Promise<T> => {
      kubeconfig ??= await clusterKubeconfig(env, context);
      if (!kubeconfig) {
        throw new Error(
          `infra-${env} exports no kubeconfig: deploy the cluster first (${context.invocation} up --env ${env})`,
        );
      }
      return withKubeconfigFile(kubeconfig, use);
    };

  const first = run;
  if (!first) await up("bootstrap");
  if (run?.phase === "bootstrap") {
    const workloads = await step(
      "argocd",
      inCluster((path) => context.handoffCluster(path).waitForArgoCd()),
    );
    record({ kind: "argocd", workloads });
    await up("handoff");
  } else if (first) {
    await up("handoff");
  }

  const applications = COMPONENTS.filter((c) => run?.releaseOwners?.[c] === "argocd");
  if (applications.length === 0) return;
  const verified = await step(
    "verify",
    inCluster(async (path) => {
      const stack = await context.openStack(target, "select");
      const pulumi = pulumiHeld(await stack.exportStack());
      return context.handoffCluster(path).verifyHandoff({ applications, pulumi });
    }),
  );
  record({ kind: "verify", applications: verified });
}
