import { InputError } from "../../config";
import { Environment, Layer, LAYERS, stackIdentity } from "../../stack";
import { PackFinding, StackChanges } from "./engine-events";
import { HydrateResult } from "./gitops-steps";
import { DriverContext, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `up`: the environment's stacks in deployment order: infra, then platform, then hydrate the
 * catalog into the state repo and push, then gitops (whose Applications point at what was just
 * pushed). Every stack is judged by the policy pack; a mandatory violation stops the update before
 * the resource it rejects is changed. It stops at the first failure and says how to resume.
 */

export interface UpResult {
  readonly env: Environment;
  readonly stacks: readonly StackChanges[];
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
  let hydrate: HydrateResult | undefined;
  for (const [index, layer] of layers.entries()) {
    const target = stackIdentity(layer, env);
    let step = target.name;
    try {
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
      const reason = err instanceof StackOperationError ? err.reason : err instanceof Error ? err.message : String(err);
      const policy = err instanceof StackOperationError ? (err.changes?.policy ?? []) : [];
      throw new UpStoppedError(stoppedMessage(env, layers, layer, step, reason, context.invocation), {
        env,
        stacks,
        hydrate,
        failed: { step, reason, policy },
      });
    }
  }
  return { env, stacks, hydrate };
}

function stoppedMessage(
  env: Environment,
  layers: readonly Layer[],
  failedLayer: Layer,
  step: string,
  reason: string,
  invocation: string,
): string {
  const failedAt = layers.indexOf(failedLayer);
  const done = layers.slice(0, failedAt).map((l) => stackIdentity(l, env).name);
  // When hydration failed, the gitops stack itself did not run either.
  const notRun = layers
    .slice(step.startsWith("hydrate") ? failedAt : failedAt + 1)
    .map((l) => stackIdentity(l, env).name);
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

/**
 * The per-step summary `up` prints on stdout, in the order the steps ran: each stack with its
 * changes and what the policy pack reported, the hydration, and the step that stopped `up`.
 */
export function renderUpSummary(result: UpResult): string {
  const lines = [`up ${result.env}:`];
  const findings = (policy: readonly PackFinding[]) =>
    policy.map((f) => `      ${f.severity.padEnd(9)} ${f.rule}  ${f.resource}: ${f.message}`);
  for (const stack of result.stacks) {
    if (stack.stack.startsWith("gitops-") && result.hydrate) {
      lines.push(`  ${"hydrate".padEnd(22)} ${describeHydrate(result.hydrate)}`);
    }
    lines.push(`  ${stack.stack.padEnd(22)} ${describeCounts(stack)}`, ...findings(stack.policy));
  }
  if (result.hydrate && !result.stacks.some((s) => s.stack.startsWith("gitops-"))) {
    lines.push(`  ${"hydrate".padEnd(22)} ${describeHydrate(result.hydrate)}`);
  }
  if (result.failed) {
    const reason = result.failed.reason.split("\n")[0];
    lines.push(`  ${result.failed.step.padEnd(22)} failed: ${reason}`, ...findings(result.failed.policy));
  }
  return `${lines.join("\n")}\n`;
}
