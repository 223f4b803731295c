import { blocksChange, PolicyReport } from "../../policy/engine";
import { Environment, Layer, LAYERS, stackIdentity } from "../../stack";
import { synthesizeAtRef } from "../synth/at-ref";
import { diffSynth, SynthDiff } from "../synth/diff";
import { evaluateEnvironment } from "../synth/policy";
import { synthesize } from "../synth/synth";
import { hasChanges, StackChanges } from "./engine-events";
import { ManifestChange } from "./gitops-steps";
import { PlatformPhasePreview, previewPlatformPhase } from "./platform-phases";
import { DriverContext, mandatoryPackFindings, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `preview`: every layer of an environment previewed with its engine events and judged by the
 * policy pack, plus the diff of the hydrated manifests against the state repo. Without cloud
 * credentials (a fork's pull request) the stacks cannot be previewed; the offline synth diff against
 * the base branch stands in for them.
 */

export interface StackPreview {
  readonly stack: string;
  /** What the engine reported, the policy pack's findings included; also kept when the preview failed. */
  readonly changes?: StackChanges;
  /** The stack does not exist yet: the first `up` creates it. The preview did not create it. */
  readonly missing?: boolean;
  /** Why the preview of this stack failed. */
  readonly error?: string;
}

export type ManifestPreview =
  | { readonly changes: readonly ManifestChange[] }
  | { readonly error: string }
  /** Not compared: the preview left the gitops layer out (`--layer`). */
  | { readonly skipped: string };

/** The guardrails' verdict on the environment, or why it could not be reached. */
export type PolicyPreview = { readonly report: PolicyReport } | { readonly error: string };

export interface EnvironmentPreview {
  readonly env: Environment;
  /** Engine previews, one per layer; empty when the preview ran offline. */
  readonly stacks: readonly StackPreview[];
  /** The offline stand-in for `stacks`. */
  readonly synthDiff?: SynthDiff;
  readonly manifests: ManifestPreview;
  /** The platform stack's phase and what its next up does, from the stack's record; absent offline. */
  readonly platformPhase?: PlatformPhasePreview;
  /** Listed in the comment; a mandatory violation fails the preview. */
  readonly policy?: PolicyPreview;
}

export interface PreviewReport {
  readonly environments: readonly EnvironmentPreview[];
  /** The commit previewed, when known (GITHUB_SHA in CI). */
  readonly commit?: string;
  /** Set when the preview ran without cloud credentials: why, and what it compared with instead. */
  readonly offline?: { readonly reason: string; readonly base: string };
}

/** Synth diff of `env`'s `layers` against the commit `base`: the offline stand-in for a cloud preview. */
export type SynthDiffSource = (env: Environment, base: string, layers?: readonly Layer[]) => Promise<SynthDiff>;

export function defaultSynthDiff(rootDir: string): SynthDiffSource {
  return async (env, base, layers = LAYERS) => {
    const before = synthesizeAtRef(rootDir, base, env, layers);
    const after = await synthesize({ env, layers, rootDir });
    return diffSynth(before, after, base);
  };
}

/** The guardrails' verdict on an environment's `layers` (synth --policy's; with gitops, the catalog too). */
export type PolicySource = (env: Environment, layers?: readonly Layer[]) => Promise<PolicyReport>;

export function defaultPolicySource(rootDir: string): PolicySource {
  return (env, layers) => evaluateEnvironment({ env, rootDir, layers });
}

export async function previewPolicy(
  env: Environment,
  policy: PolicySource,
  context: DriverContext,
  layers: readonly Layer[] = LAYERS,
): Promise<PolicyPreview> {
  context.log(`preview: ${env} guardrails (offline synth${layers.includes("gitops") ? " and hydrated catalog" : ""})`);
  try {
    return { report: await policy(env, layers) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

export async function previewEnvironment(
  env: Environment,
  context: DriverContext,
  layers: readonly Layer[] = LAYERS,
): Promise<EnvironmentPreview> {
  const stacks: StackPreview[] = [];
  for (const layer of layers) {
    const target = stackIdentity(layer, env);
    context.log(`preview: ${target.name}`);
    try {
      const { changes, missing } = await runStackOperation(target, "preview", context);
      stacks.push(missing ? { stack: target.name, missing } : { stack: target.name, changes });
    } catch (err) {
      // One failed stack (often a downstream one whose upstream is not deployed yet) must not hide the others.
      if (!(err instanceof StackOperationError)) throw err;
      context.log(`preview: ${err.message}`);
      stacks.push({ stack: target.name, error: err.reason, ...(err.changes ? { changes: err.changes } : {}) });
    }
  }
  const platformPhase = layers.includes("platform") ? await previewPlatformPhase(env, context) : undefined;
  return {
    env,
    stacks,
    ...(platformPhase ? { platformPhase } : {}),
    manifests: await previewManifests(env, context, layers),
  };
}

export async function offlinePreviewEnvironment(
  env: Environment,
  base: string,
  synthDiff: SynthDiffSource,
  context: DriverContext,
  layers: readonly Layer[] = LAYERS,
): Promise<EnvironmentPreview> {
  context.log(`preview: ${env} offline: synth diff against ${base}`);
  return {
    env,
    stacks: [],
    synthDiff: await synthDiff(env, base, layers),
    manifests: await previewManifests(env, context, layers),
  };
}

/** The hydrated catalog against the state repo: the gitops layer's part of a preview. */
async function previewManifests(
  env: Environment,
  context: DriverContext,
  layers: readonly Layer[],
): Promise<ManifestPreview> {
  if (!layers.includes("gitops")) return { skipped: "the preview leaves the gitops layer out" };
  try {
    return { changes: await context.gitops.manifestDiff(env) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

export function environmentHasChanges(e: EnvironmentPreview): boolean {
  return (
    e.stacks.some((s) => s.missing || (s.changes && hasChanges(s.changes))) ||
    (e.synthDiff?.hasChanges ?? false) ||
    ("changes" in e.manifests && e.manifests.changes.length > 0)
  );
}

export function environmentFailed(e: EnvironmentPreview): boolean {
  return (
    e.stacks.some((s) => s.error !== undefined || mandatoryPackFindings(s.changes).length > 0) ||
    "error" in e.manifests ||
    (e.platformPhase !== undefined && "error" in e.platformPhase) ||
    (e.policy !== undefined && ("error" in e.policy || blocksChange(e.policy.report)))
  );
}

export function previewHasChanges(report: PreviewReport): boolean {
  return report.environments.some(environmentHasChanges);
}

export function previewFailed(report: PreviewReport): boolean {
  return report.environments.some(environmentFailed);
}
