import { policyNotes } from "../../policy/report";
import type { Paint } from "../output";
import { EnvironmentManifestDiff, ManifestDiffReport } from "./at-ref";
import { blastRadius, filesText, namesText } from "./summary";

/**
 * `hydrate --diff` for people: the blast radius, then per environment a summary line and the
 * unified diff of every changed file, app by app, and the guardrails' findings on those files.
 */
export function renderManifestDiff(report: ManifestDiffReport, paint: Paint): string {
  const lines = [
    paint("bold", `Rendered manifests: the working tree against ${report.ref} (${report.commit.slice(0, 12)})`),
    ...report.notes.map((note) => paint("yellow", `note: ${note}`)),
  ];
  const rows = blastRadius(report.environments.map((e) => ({ ...e, changes: e.apps.flatMap((a) => a.files) })));
  if (rows.length > 0) {
    lines.push("", paint("bold", "Blast radius:"));
    for (const row of rows) {
      const tier = row.tier ? ` (${row.tier} tier)` : "";
      lines.push(`  ${row.env}${tier}: ${namesText(row.apps, (app) => app)}; ${row.objects}`);
    }
  }
  const quiet = report.environments.filter((e) => !e.hasChanges && e.notes.length === 0).map((e) => e.env);
  for (const env of report.environments.filter((e) => !quiet.includes(e.env))) {
    lines.push("", ...renderEnvironmentManifestDiff(env, paint));
  }
  if (quiet.length > 0) lines.push("", `No changes in ${quiet.join(", ")}.`);
  if (!report.hasChanges) {
    lines.push("", `No changes: the catalog renders to the same manifests at ${report.ref} and in the working tree.`);
  }
  return `${lines.join("\n")}\n`;
}

/** One environment: its summary line and notes, the diff app by app, and the guardrails on the changed files. */
export function renderEnvironmentManifestDiff(env: EnvironmentManifestDiff, paint: Paint): string[] {
  const files = env.apps.flatMap((a) => a.files);
  const summary = env.hasChanges
    ? `${env.apps.length} app${env.apps.length === 1 ? "" : "s"} changed; ${filesText(files)}`
    : "no changes";
  const lines = [
    paint("bold", `${env.env}: ${summary}`),
    ...env.notes.map((note) => paint("yellow", `  note: ${note}`)),
  ];
  for (const app of env.apps) {
    const style = app.status === "added" ? "green" : app.status === "removed" ? "red" : "yellow";
    lines.push(paint(style, `  ${app.app} (${app.status})`));
    for (const file of app.files)
      lines.push(
        ...file.diff
          .replace(/\n$/, "")
          .split("\n")
          .map((l) => diffLine(l, paint)),
      );
  }
  lines.push(...guardrailLines(env));
  return lines;
}

function diffLine(line: string, paint: Paint): string {
  if (line.startsWith("+++") || line.startsWith("---")) return paint("bold", line);
  if (line.startsWith("@@")) return paint("cyan", line);
  if (line.startsWith("+")) return paint("green", line);
  if (line.startsWith("-")) return paint("red", line);
  return line;
}

/** The guardrails' findings on the files this change adds or modifies: the ones a reviewer of the diff owns. */
function guardrailLines(env: EnvironmentManifestDiff): string[] {
  if (!env.policy) return [];
  const changed = new Set(env.apps.flatMap((a) => a.files.filter((f) => f.status !== "deleted").map((f) => f.path)));
  const onChanged = {
    ...env.policy,
    violations: env.policy.violations.filter((f) => "file" in f && changed.has(f.file)),
    suppressed: env.policy.suppressed.filter((f) => "file" in f && changed.has(f.file)),
    undetermined: [],
    unusedSuppressions: [],
  };
  return policyNotes(onChanged).map((note) => `  ${note}`);
}
