import type { Tier } from "../../environments";
import { blocksChange, PolicyReport } from "../../policy/engine";
import { Environment, Layer, LAYERS, stackIdentity } from "../../stack";
import { diffManifestsAtRef, ManifestDiffReport } from "../manifest-diff/at-ref";
import { synthesizeAtRef } from "../synth/at-ref";
import { diffSynth, SynthDiff } from "../synth/diff";
import { evaluateEnvironment } from "../synth/policy";
import { synthesize } from "../synth/synth";
import { hasChanges, StackChanges } from "./engine-events";
import { ManifestBaseline, ManifestChange, StateRepoUnreadableError } from "./gitops-steps";
import { PlatformPhasePreview, previewPlatformPhase } from "./platform-phases";
import { DriverContext, mandatoryPackFindings, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `preview`: every layer of an environment previewed with its engine events and judged by the
 * policy pack, plus the diff of the hydrated manifests against the state repo. Without cloud
 * credentials (a fork's pull request) the stacks cannot be previewed; the offline synth diff against
 * the base branch stands in for them, and the catalog rendered at the base branch stands in for the
 * state repo (as it does online when the state repo cannot be read).
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
  | {
      readonly changes: readonly ManifestChange[];
      readonly against: ManifestBaseline;
      /** What the reviewer should know about the comparison: why not the state repo, what the base lacked. */
      readonly notes?: readonly string[];
    }
  | { readonly error: string }
  /** Not compared: the preview left the gitops layer out (`--layer`). */
  | { readonly skipped: string };

/** The guardrails' verdict on the environment, or why it could not be reached. */
export type PolicyPreview = { readonly report: PolicyReport } | { readonly error: string };

export interface EnvironmentPreview {
  readonly env: Environment;
  /** Its declared tier: the blast radius marks what reaches production. */
  readonly tier?: Tier;
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

/** The working tree's rendered catalog of `envs` against the commit `base`: no state repo read. */
export type ManifestDiffSource = (base: string, envs: readonly Environment[]) => Promise<ManifestDiffReport>;

export function defaultManifestDiff(rootDir: string): ManifestDiffSource {
  return (base, envs) => diffManifestsAtRef({ rootDir, ref: base, envs, command: "preview" });
}

/**
 * The manifest preview of `env` from the rendered catalog at the base; `why` says why this and not
 * the state repo, when the state repo was meant.
 */
export type RenderedBaseline = (env: Environment, why?: string) => Promise<ManifestPreview>;

/** The render diff of one environment of `report`, as the preview shows it. */
export function renderedManifestPreview(report: ManifestDiffReport, env: Environment, why?: string): ManifestPreview {
  const diff = report.environments.find((e) => e.env === env);
  return {
    changes: diff?.apps.flatMap((app) => app.files) ?? [],
    against: { kind: "render", ref: report.ref, commit: report.commit },
    notes: [...(why ? [why] : []), ...report.notes, ...(diff?.notes ?? [])],
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
  againstBase?: RenderedBaseline,
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
    manifests: await previewManifests(env, context, layers, againstBase),
  };
}

/** Why a preview without the gitops layer shows no manifests: said in its summary, not as a section. */
export const GITOPS_LEFT_OUT = "the preview leaves the gitops layer out";

/** The offline preview: the synth diff and the rendered-manifest diff against `base`; no state repo read. */
export async function offlinePreviewEnvironment(
  env: Environment,
  base: string,
  synthDiff: SynthDiffSource,
  context: DriverContext,
  againstBase: RenderedBaseline,
  layers: readonly Layer[] = LAYERS,
): Promise<EnvironmentPreview> {
  context.log(`preview: ${env} offline: synth diff and rendered-manifest diff against ${base}`);
  return {
    env,
    stacks: [],
    synthDiff: await synthDiff(env, base, layers),
    manifests: layers.includes("gitops") ? await againstBase(env) : { skipped: GITOPS_LEFT_OUT },
  };
}

/**
 * The hydrated catalog against the state repo: the gitops layer's part of a preview. A state repo
 * this run cannot read (a fork's run has no token) is no failure: the catalog rendered at the base
 * stands in for it, and the comment says so.
 */
async function previewManifests(
  env: Environment,
  context: DriverContext,
  layers: readonly Layer[],
  againstBase: RenderedBaseline | undefined,
): Promise<ManifestPreview> {
  if (!layers.includes("gitops")) return { skipped: GITOPS_LEFT_OUT };
  try {
    return await context.gitops.manifestDiff(env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof StateRepoUnreadableError)) return { error: message };
    context.log(`preview: ${message}`);
    const why = `The ${message}; the catalog rendered at the base stands in for it.`;
    return againstBase ? againstBase(env, why) : { skipped: message };
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
