import { Finding, PolicyReport } from "../../policy/engine";
import { splitStackName } from "../../stack";
import { EnvironmentPreview } from "../driver/preview";
import { tableCell } from "./markdown";

/**
 * The table that opens the pull-request comment: one row per environment and stack, with what
 * the preview would add, change, replace and delete, the state repo's manifest files that change
 * (on the gitops stack's row: the gitops layer owns the state repo) and the guardrails' violations
 * (resources on their stack's row, hydrated manifests on the gitops row). It is never trimmed.
 */

const HEAD = [
  "| Environment | Stack | Add | Change | Replace | Delete | Manifest files | Guardrails |",
  "| :-- | :-- | --: | --: | --: | --: | --: | :-- |",
];

interface Row {
  readonly stack: string;
  /** Add, change, replace, delete, or one text spanning them. */
  readonly counts: readonly [number, number, number, number] | string;
}

export function summaryTable(environments: readonly EnvironmentPreview[]): string[] {
  const lines = [...HEAD];
  for (const env of environments) {
    const rows = stackRows(env);
    const gitopsRow = rows.findIndex((r) => splitStackName(r.stack)?.layer === "gitops");
    if (gitopsRow < 0) rows.push({ stack: "", counts: "" });
    const stateRepoRow = gitopsRow < 0 ? rows.length - 1 : gitopsRow;
    rows.forEach((row, n) => {
      const counts = typeof row.counts === "string" ? [row.counts, "", "", ""] : row.counts.map(String);
      const manifests = n === stateRepoRow ? manifestCell(env) : "";
      const guardrails = guardrailsCell(env, row.stack, n === stateRepoRow);
      const stack = row.stack ? `\`${row.stack}\`` : "(state repo)";
      lines.push(`| \`${env.env}\` | ${stack} | ${counts.join(" | ")} | ${manifests} | ${guardrails} |`);
    });
  }
  return lines;
}

function stackRows(env: EnvironmentPreview): Row[] {
  if (env.synthDiff) {
    return env.synthDiff.stacks.map((s) => ({
      stack: s.stack,
      counts: [s.added.length, s.changed.length, 0, s.removed.length] as const,
    }));
  }
  return env.stacks.map((s) => {
    const c = s.changes?.counts;
    if (c) return { stack: s.stack, counts: [c.create, c.update, c.replace, c.delete] as const };
    return { stack: s.stack, counts: s.missing ? "not deployed yet" : ":x: failed" };
  });
}

function manifestCell(env: EnvironmentPreview): string {
  if ("error" in env.manifests) return ":x: unavailable";
  if ("skipped" in env.manifests) return "not previewed";
  return String(env.manifests.changes.length);
}

/** Violations of one stack's resources, and of the manifests on the state repo's row. */
function guardrailsCell(env: EnvironmentPreview, stack: string, stateRepoRow: boolean): string {
  if (env.policy === undefined) return "";
  if ("error" in env.policy) return stateRepoRow ? ":x: could not run" : "";
  const violations = env.policy.report.violations.filter(
    (f) => ("resource" in f && f.stack === stack) || (stateRepoRow && "file" in f),
  );
  return tableCell(violationCounts(violations, env.policy.report));
}

function violationCounts(violations: readonly Finding[], report: PolicyReport): string {
  const mandatory = violations.filter((f) => f.severity === "mandatory").length;
  const advisory = violations.length - mandatory;
  const parts = [mandatory > 0 && `:x: ${mandatory} mandatory`, advisory > 0 && `${advisory} advisory`].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : report.evaluated.length > 0 ? "pass" : "";
}
