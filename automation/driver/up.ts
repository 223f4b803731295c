import { InputError } from "../../config";
import { Environment, Layer, LAYERS, stackIdentity } from "../../stack";
import { PackFinding, StackChanges } from "./engine-events";
import { HydrateResult } from "./gitops-steps";
import { PHASE_NAMES, PlatformPhaseError, PlatformStep, runPlatformPhases } from "./platform-phases";
import { DriverContext, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `up`: the environment's stacks in deployment order: infra, then platform in its phases
 * (automation/driver/platform-phases.ts), then hydrate the catalog into the state repo and push,
 * then gitops (whose Applications point at what was just pushed). Every stack is judged by the
 * policy pack; a mandatory violation stops the update before the resource it rejects is changed.
 * It stops at the first failure and says how to resume.
 */

export interface UpResult {
  readonly env: Environment;
  readonly stacks: readonly StackChanges[];
  /** The platform's phases that ran, in order; its ups are in `stacks` too. */
  readonly platform?: readonly PlatformStep[];
  readonly hydrate?: HydrateResult;
  /** The step that stopped `up`: why, and what the policy pack reported there. */
  readonly failed?: { readonly step: string; readonly reason: string; readonly policy: readonly PackFinding[] };
}

/** Something failed; what did run is kept so the summary can still be printed. */
export class UpStoppedError extends Error {
  override readonly name = "UpStoppedError";
  constructor(
    message: string,
    readonly partial: UpResult,
  ) {
    super(message);
  }
}

export async function runUp(env: Environment, layers: readonly Layer[], context: DriverContext): Promise<UpResult> {
  const stacks: StackChanges[] = [];
  const platform: PlatformStep[] = [];
  let hydrate: HydrateResult | undefined;
  const partial = (): UpResult => ({ env, stacks, ...(platform.length > 0 ? { platform } : {}), hydrate });
  for (const [index, layer] of layers.entries()) {
    const target = stackIdentity(layer, env);
    let step = target.name;
    try {
      if (layer === "platform") {
        context.log(`up: [${index + 1}/${layers.length}] ${target.name}, in phases`);
        await runPlatformPhases(env, context, (done) => {
          platform.push(done);
          if (done.kind === "up") stacks.push(done.changes);
        });
        continue;
      }
      if (layer === "gitops") {
        step = `hydrate (${env})`;
        context.log(`up: [${index + 1}/${layers.length}] hydrate ${env} into its state repo`);
        hydrate = await context.gitops.hydrate(env);
        context.log(`up: hydrate: ${describeHydrate(hydrate)}`);
        step = target.name;
      }
      context.log(`up: [${index + 1}/${layers.length}] ${target.name}`);
      const { changes } = await runStackOperation(target, "up", context);
      stacks.push(changes);
      context.log(`up: ${target.name}: ${describeCounts(changes)}`);
    } catch (err) {
      // Bad input (a missing passphrase, an invalid config) is reported as such, not as a failed step.
      if (err instanceof InputError) throw err;
      const phases = err instanceof PlatformPhaseError ? err : undefined;
      const reason =
        phases?.reason ??
        (err instanceof StackOperationError ? err.reason : err instanceof Error ? err.message : String(err));
      const policy = phases?.policy ?? (err instanceof StackOperationError ? (err.changes?.policy ?? []) : []);
      const failedStep = phases?.step ?? step;
      throw new UpStoppedError(stoppedMessage(env, layers, layer, failedStep, reason, context.invocation, phases), {
        ...partial(),
        failed: { step: failedStep, reason, policy },
      });
    }
  }
  return partial();
}

function stoppedMessage(
  env: Environment,
  layers: readonly Layer[],
  failedLayer: Layer,
  step: string,
  reason: string,
  invocation: string,
  phases?: PlatformPhaseError,
): string {
  const failedAt = layers.indexOf(failedLayer);
  const done = [...layers.slice(0, failedAt).map((l) => stackIdentity(l, env).name), ...(phases?.done ?? [])];
  // When hydration failed, the gitops stack itself did not run either.
  const notRun = [
    ...(phases?.notRun ?? []),
    ...layers.slice(step.startsWith("hydrate") ? failedAt : failedAt + 1).map((l) => stackIdentity(l, env).name),
  ];
  const resume =
    layers.length === 1
      ? `${invocation} up --env ${env} --layer ${failedLayer}`
      : `${invocation} up --env ${env} --from ${failedLayer}`;
  return [
    `up: ${step} failed: ${reason}`,
    `Done: ${done.length > 0 ? done.join(", ") : "nothing"}. Not run: ${notRun.length > 0 ? notRun.join(", ") : "nothing"}.`,
    `Fix the cause, then resume with: ${resume}`,
  ].join("\n");
}

/** The layers `up` runs: one with --layer, the rest of the order with --from, else all. */
export function upLayers(options: { layer?: Layer; from?: Layer }): readonly Layer[] {
  if (options.layer) return [options.layer];
  if (options.from) return LAYERS.slice(LAYERS.indexOf(options.from));
  return LAYERS;
}

export function describeCounts(changes: StackChanges): string {
  const { create, update, replace, delete: deleted, same } = changes.counts;
  const parts = [
    create && `${create} created`,
    update && `${update} updated`,
    replace && `${replace} replaced`,
    deleted && `${deleted} deleted`,
  ].filter(Boolean);
  return `${parts.length > 0 ? parts.join(", ") : "no changes"}${same ? ` (${same} unchanged)` : ""}`;
}

export function describeHydrate(result: HydrateResult): string {
  if (!result.changed) return "the state repo already matches the catalog (no commit)";
  const counts = `${result.added.length} added, ${result.modified.length} modified, ${result.deleted.length} deleted`;
  return `${counts}; pushed ${result.commit ? result.commit.slice(0, 12) : "(no commit id)"}`;
}

/** A line of the summary for one of the platform's steps: what, and how it went. */
function describePlatformStep(stack: string, step: PlatformStep): [string, string, readonly PackFinding[]] {
  if (step.kind === "up") {
    return [stack, `${PHASE_NAMES[step.phase]}: ${describeCounts(step.changes)}`, step.changes.policy];
  }
  if (step.kind === "argocd") return ["argo cd", `available (${step.workloads.length} workloads rolled out)`, []];
  return ["hand-off", `${step.applications.length} Applications Synced and Healthy; no object with two owners`, []];
}

/**
 * The per-step summary `up` prints on stdout, in the order the steps ran: each stack with its
 * changes and what the policy pack reported (the platform's ups labelled with their phase), the
 * hydration, and the step that stopped `up`.
 */
export function renderUpSummary(result: UpResult): string {
  const lines = [`up ${result.env}:`];
  const line = (what: string, text: string, policy: readonly PackFinding[] = []) =>
    lines.push(
      `  ${what.padEnd(22)} ${text}`,
      ...policy.map((f) => `      ${f.severity.padEnd(9)} ${f.rule}  ${f.resource}: ${f.message}`),
    );
  const platform = stackIdentity("platform", result.env).name;
  const gitops = stackIdentity("gitops", result.env).name;
  for (const stack of result.stacks) {
    if (stack.stack === gitops && result.hydrate) line("hydrate", describeHydrate(result.hydrate));
    if (stack.stack !== platform || !result.platform) line(stack.stack, describeCounts(stack), stack.policy);
    else if (stack === result.platform.find((s) => s.kind === "up")?.changes) {
      for (const step of result.platform) line(...describePlatformStep(platform, step));
    }
  }
  if (result.hydrate && !result.stacks.some((s) => s.stack === gitops))
    line("hydrate", describeHydrate(result.hydrate));
  if (result.failed) line(result.failed.step, `failed: ${result.failed.reason.split("\n")[0]}`, result.failed.policy);
  return `${lines.join("\n")}\n`;
}
