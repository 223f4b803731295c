import type { EnvironmentManifestDiff } from "../manifest-diff/at-ref";
import { renderEnvironmentManifestDiff } from "../manifest-diff/text";
import type { Paint } from "../output";
import { ResourceRecord } from "./mock-engine";
import { refOf } from "./normalize";
import { SynthResult, SynthStack } from "./synth";

/** One property that differs between two synths, by its path inside the resource record. */
export interface PropertyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface StackDiff {
  readonly stack: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly resource: string; readonly changes: readonly PropertyChange[] }[];
}

export interface SynthDiff {
  readonly env: string;
  readonly base: string;
  readonly stacks: readonly StackDiff[];
  /** With the gitops layer: the environment's catalog rendered at `base` and here, file by file (`hydrate --diff`). */
  readonly manifests?: EnvironmentManifestDiff;
  /** Whether a stack's resources or, with the gitops layer, a rendered manifest changed. */
  readonly hasChanges: boolean;
}

/** Compares the synth at `base` with the current one, resource by resource (`type::name`). */
export function diffSynth(before: SynthResult, after: SynthResult, base: string): SynthDiff {
  const names = [...new Set([...after.stacks, ...before.stacks].map((s) => s.stack))];
  const stacks = names.map((name) =>
    diffStack(
      name,
      before.stacks.find((s) => s.stack === name),
      after.stacks.find((s) => s.stack === name),
    ),
  );
  const hasChanges = stacks.some((s) => s.added.length + s.removed.length + s.changed.length > 0);
  return { env: after.env, base, stacks, hasChanges };
}

function diffStack(name: string, before: SynthStack | undefined, after: SynthStack | undefined): StackDiff {
  const old = byRef(before?.resources ?? []);
  const current = byRef(after?.resources ?? []);
  const changed = [...current]
    .filter(([ref]) => old.has(ref))
    .map(([ref, record]) => ({ resource: ref, changes: diffValues(comparable(old.get(ref)!), comparable(record), "") }))
    .filter((c) => c.changes.length > 0);
  return {
    stack: name,
    added: [...current.keys()].filter((ref) => !old.has(ref)),
    removed: [...old.keys()].filter((ref) => !current.has(ref)),
    changed,
  };
}

function byRef(resources: readonly ResourceRecord[]): Map<string, ResourceRecord> {
  return new Map(resources.map((r) => [refOf(r.type, r.name), r]));
}

function comparable(r: ResourceRecord): unknown {
  return { parent: r.parent, inputs: r.inputs, options: r.options };
}

/** Paths whose values differ, descending into maps and lists; a whole list is one value when lengths differ. */
export function diffValues(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((v, i) => diffValues(v, after[i], `${path}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `diff` with the rendered-manifest diff of its environment: changes in either are changes. */
export function withManifests(diff: SynthDiff, manifests: EnvironmentManifestDiff): SynthDiff {
  return { ...diff, manifests, hasChanges: diff.hasChanges || manifests.hasChanges };
}

/** The human view of a synth diff, in the spirit of `pulumi preview`, then the manifests' diff. */
export function renderSynthDiff(diff: SynthDiff, paint: Paint): string {
  const lines: string[] = [];
  for (const s of diff.stacks) {
    const summary = `${s.added.length} to add, ${s.changed.length} to change, ${s.removed.length} to delete`;
    lines.push(paint("bold", `${s.stack}: ${summary} (against ${diff.base})`));
    for (const ref of s.added) lines.push(paint("green", `  + ${ref}`));
    for (const ref of s.removed) lines.push(paint("red", `  - ${ref}`));
    for (const c of s.changed) {
      lines.push(paint("yellow", `  ~ ${c.resource}`));
      for (const p of c.changes) lines.push(`      ${p.path}: ${show(p.before)} => ${show(p.after)}`);
    }
  }
  if (diff.manifests) lines.push(...renderEnvironmentManifestDiff(diff.manifests, paint));
  if (!diff.hasChanges) lines.push("No changes.");
  return `${lines.join("\n")}\n`;
}

function show(value: unknown): string {
  return value === undefined ? "(none)" : JSON.stringify(value);
}
