import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import type { Fleet } from "../../environments";
import { declarationOf } from "../../environments";
import { renderEnvironmentReport, RenderedEnvironment } from "../../gitops/render/environment";
import { AppChanges } from "../../gitops/state-repo/diff";
import { assertWritableInside, readProjectFile } from "../../input-files";
import { readGuardrailsConfig } from "../../policy/config";
import { mandatoryViolations, targetText } from "../../policy/engine";
import { Environment } from "../../stack";
import { CATALOG_DIR } from "../bump-image";
import { setScalarIn } from "../scaffold/yaml-splice";
import { GateResult } from "./gates";
import { manifestDiff } from "./manifest-diff";
import { PromotedValue } from "./resolve";

/** One value written into the target's env file. */
export interface TargetEdit {
  readonly key: readonly string[];
  readonly previous?: string;
  readonly value: string;
}

/** One app's change in the target: its env file's edits and the manifests they change. */
export interface TargetChange {
  readonly app: string;
  /** `gitops/apps/<app>/<env>.yaml`. */
  readonly file: string;
  readonly edits: readonly TargetEdit[];
  /** The rendered manifests that change; undefined when none does (nothing to promote). */
  readonly manifests?: AppChanges;
}

export interface TargetOutcome {
  readonly changes: readonly TargetChange[];
  /** The render and guardrails gates, judged on the whole target environment after the edits. */
  readonly gates: readonly GateResult[];
}

/**
 * Writes each app's values into its env file of `to` in the checkout at `rootDir` (comment-
 * preserving, touching only the values' characters), renders the environment before and after and
 * judges the render: validation and the guardrails, as hydration will. A file whose edit changes no
 * manifest is put back as it was. The render before the edits must succeed: a target catalog that
 * does not render is bad input, thrown as an InputError.
 */
export function promoteIntoTarget(
  rootDir: string,
  fleet: Fleet,
  to: Environment,
  carried: readonly { readonly app: string; readonly values: readonly PromotedValue[] }[],
): TargetOutcome {
  const render = (): RenderedEnvironment =>
    renderEnvironmentReport(to, {
      catalogDir: path.join(rootDir, CATALOG_DIR),
      environments: fleet.environments.map((e) => e.name),
      guardrails: readGuardrailsConfig(rootDir, to),
      tier: declarationOf(fleet, to).tier,
    });
  const before = render();
  const written = carried.map(({ app, values }) => writeValues(rootDir, app, to, values));
  let after: RenderedEnvironment;
  try {
    after = render();
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
  const byApp = new Map(manifestDiff(before.files, after.files).map((c) => [c.app, c]));
  const changes = written.map(({ change, original }) => {
    const manifests = byApp.get(change.app);
    if (manifests) return { ...change, manifests };
    fs.writeFileSync(path.join(rootDir, change.file), original);
    return change;
  });
  return { changes, gates: [renderGate(to, after), guardrailsGate(to, after)] };
}

function writeValues(
  rootDir: string,
  app: string,
  to: Environment,
  values: readonly PromotedValue[],
): { change: TargetChange; original: string } {
  const file = path.join(CATALOG_DIR, app, `${to}.yaml`);
  const full = path.join(rootDir, file);
  assertWritableInside(full, rootDir, file);
  const original = readProjectFile(full, rootDir, file);
  let text = original;
  const edits: TargetEdit[] = [];
  for (const value of values) {
    const edit = setScalarIn(text, file, value.key, value.value);
    text = edit.text;
    if (edit.changed)
      edits.push({
        key: value.key,
        ...(edit.previous === undefined ? {} : { previous: edit.previous }),
        value: value.value,
      });
  }
  if (text !== original) fs.writeFileSync(full, text);
  return { change: { app, file, edits }, original };
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
