import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import type { Fleet } from "../../environments";
import { declarationOf } from "../../environments";
import { renderEnvironmentReportAsync, RenderedEnvironment } from "../../gitops/render/environment";
import { AppChanges, describeChanges } from "../../gitops/state-repo/diff";
import { planChanges } from "../../gitops/state-repo/working-copy";
import { assertWritableInside, readProjectFile } from "../../input-files";
import { readGuardrailsConfig } from "../../policy/config";
import { mandatoryViolations, targetText } from "../../policy/engine";
import { Environment } from "../../stack";
import { envFileOf } from "../bump-image";
import { bumpTargetOf } from "../bump-targets";
import { GateResult } from "./gates";
import { PromotedValue } from "./resolve";

/** One value written into a file of the target. */
export interface TargetEdit {
  /** Repo-relative: `gitops/apps/<app>/<env>.yaml`, or a Kustomize app's overlay. */
  readonly file: string;
  /** As bump-image names it: `image.tag`, `values.image.tag`, `images[web]`. */
  readonly field: string;
  readonly previous?: string;
  readonly value: string;
}

/** One app's change in the target: its edits and the manifests they change. */
export interface TargetChange {
  readonly app: string;
  readonly edits: readonly TargetEdit[];
  /** The rendered manifests that change; undefined when none does (nothing to promote). */
  readonly manifests?: AppChanges;
}

export interface TargetOutcome {
  readonly changes: readonly TargetChange[];
  /** The render and guardrails gates, judged on the whole target environment after the edits. */
  readonly gates: readonly GateResult[];
}

export interface TargetArgs {
  /** The checkout to edit (promote's temporary worktree). */
  readonly rootDir: string;
  /** Where chart and Kustomize renders are cached (the project checkout's, so a worktree needs no pull). */
  readonly cacheDir: string;
  readonly fleet: Fleet;
  readonly to: Environment;
  readonly carried: readonly { readonly app: string; readonly values: readonly PromotedValue[] }[];
}

/**
 * Writes each app's values into the target's files, where bump-image writes a tag (comment-
 * preserving, touching only the value's characters; the target's own settings stay), renders the
 * environment before and after, and judges the render as hydration will: validation and the
 * guardrails. An app whose edit changes no manifest is put back as it was. The render before the
 * edits must succeed: a target catalog that does not render is bad input, thrown as an InputError.
 */
export async function promoteIntoTarget(args: TargetArgs): Promise<TargetOutcome> {
  const { rootDir, to } = args;
  const render = (): Promise<RenderedEnvironment> =>
    renderEnvironmentReportAsync(to, {
      catalogDir: path.join(rootDir, "gitops", "apps"),
      environments: args.fleet.environments.map((e) => e.name),
      guardrails: readGuardrailsConfig(rootDir, to),
      tier: declarationOf(args.fleet, to).tier,
      rootDir,
      cacheDir: args.cacheDir,
    });
  const before = await render();
  const written = args.carried.map(({ app, values }) => writeValues(rootDir, app, to, values));
  let after: RenderedEnvironment;
  try {
    after = await render();
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const gate: GateResult = {
      gate: "render",
      status: "failed",
      seen: err.message,
      needed: `every app of ${to} renders and validates`,
    };
    return { changes: written.map((w) => w.change), gates: [gate] };
  }
  // The diff hydrate and the preview comment show of a state repo (gitops/state-repo/diff.ts).
  const diff = describeChanges(before.files, after.files, planChanges(before.files, after.files));
  const byApp = new Map(diff.map((c) => [c.app, c]));
  const changes = written.map(({ change, originals }) => {
    const manifests = byApp.get(change.app);
    if (manifests) return { ...change, manifests };
    for (const [file, text] of originals) fs.writeFileSync(path.join(rootDir, file), text);
    return change;
  });
  return { changes, gates: [renderGate(to, after), guardrailsGate(to, after)] };
}

function writeValues(
  rootDir: string,
  app: string,
  to: Environment,
  values: readonly PromotedValue[],
): { change: TargetChange; originals: Map<string, string> } {
  const originals = new Map<string, string>();
  const edits: TargetEdit[] = [];
  for (const value of values) {
    const target = bumpTargetOf(rootDir, app, to, envFileOf(rootDir, app, to));
    const file = path.relative(rootDir, target.file);
    assertWritableInside(target.file, rootDir, file);
    const text = readProjectFile(target.file, rootDir, file);
    if (!originals.has(file)) originals.set(file, text);
    const edit = target.edit(text, file, value.value);
    if (!edit.changed) continue;
    fs.writeFileSync(target.file, edit.text);
    edits.push({
      file,
      field: target.field,
      ...(edit.previous === undefined ? {} : { previous: edit.previous }),
      value: value.value,
    });
  }
  return { change: { app, edits }, originals };
}

/**
 * Whether the target's files already hold every value (nothing to promote), judged without writing:
 * an app a gate holds back is then reported as unchanged, not as "not yet".
 */
export function holdsAlready(rootDir: string, app: string, to: Environment, values: readonly PromotedValue[]): boolean {
  return values.every((value) => {
    const target = bumpTargetOf(rootDir, app, to, envFileOf(rootDir, app, to));
    const file = path.relative(rootDir, target.file);
    return !target.edit(readProjectFile(target.file, rootDir, file), file, value.value).changed;
  });
}

function renderGate(to: Environment, after: RenderedEnvironment): GateResult {
  return {
    gate: "render",
    status: "passed",
    seen: `${after.files.size} manifests of ${after.apps.length} apps render and validate`,
    needed: `every app of ${to} renders and validates`,
  };
}

function guardrailsGate(to: Environment, after: RenderedEnvironment): GateResult {
  const blocking = mandatoryViolations(after.policy);
  const advisory = after.policy.violations.length - blocking.length;
  const needed = `no mandatory guardrail violation in ${to}`;
  if (blocking.length === 0) {
    const seen = `${after.policy.evaluated.length} rules: no mandatory violation${advisory > 0 ? `, ${advisory} advisory` : ""}`;
    return { gate: "guardrails", status: "passed", seen, needed };
  }
  const listed = blocking.map((f) => `${f.rule} ${targetText(f)}: ${f.message}`);
  return { gate: "guardrails", status: "failed", seen: `${blocking.length} mandatory: ${listed.join("; ")}`, needed };
}
