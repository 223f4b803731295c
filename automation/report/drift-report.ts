import { DriftReport, StackDrift } from "../driver/drift";
import { fenced, plural, resourceLines, tableCell } from "./markdown";

/** What the policy pack said about a deployed stack, when it ran. */
function packLines(s: StackDrift): string[] {
  if (s.policyError !== undefined) {
    return [`:x: \`${s.stack}\`: the policy pack's preview failed: ${tableCell(s.policyError, 1_000)}`, ""];
  }
  if (!s.policy || s.policy.length === 0) return [];
  return [
    `### \`${s.stack}\`: the policy pack's findings (a mandatory one fails the check)`,
    "",
    "| Severity | Rule | Resource | Finding |",
    "| :-- | :-- | :-- | :-- |",
    ...s.policy.map(
      (f) =>
        `| ${f.severity === "mandatory" ? ":x: mandatory" : "advisory"} | \`${f.rule}\` | \`${f.resource}\` | ${tableCell(f.message)} |`,
    ),
    "",
  ];
}

/** The Markdown report of `drift`: what drifted where, with the differing properties. */
export function renderDriftReport(reports: readonly DriftReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`## Drift: ${report.env}`, "", "| Stack | Status | Resources |", "| :-- | :-- | --: |");
    for (const s of report.stacks) {
      const status =
        s.error !== undefined
          ? ":x: check failed"
          : s.missing
            ? "not deployed"
            : s.drifted
              ? ":warning: drifted"
              : "in sync";
      lines.push(`| \`${s.stack}\` | ${status} | ${s.changes && s.drifted ? s.changes.resources.length : ""} |`);
    }
    lines.push("");
    for (const s of report.stacks) {
      if (s.error !== undefined) lines.push(`:x: \`${s.stack}\`: ${tableCell(s.error, 1_000)}`, "");
      lines.push(...packLines(s));
      if (s.drifted && s.changes) {
        lines.push(
          `### \`${s.stack}\`: the cloud differs from the state`,
          "",
          "Values read as `state => cloud`. `pulumi refresh` adopts the cloud's values; `up` puts the declared ones back.",
          "",
          fenced(
            s.changes.resources.map(resourceLines).join("\n") || "(the CLI reported changes without resource events)",
            "diff",
          ),
          "",
        );
      }
    }
    if ("error" in report.manifests) {
      lines.push(`:x: The manifest comparison failed: ${tableCell(report.manifests.error, 1_000)}`, "");
    } else if ("skipped" in report.manifests) {
      lines.push(`Manifests: not compared (${report.manifests.skipped}).`, "");
    } else if (report.manifests.changes.length > 0) {
      const files = report.manifests.changes;
      lines.push(
        `### Manifests: the state repo differs from the catalog (${plural(files.length, "file")})`,
        "",
        "Hydrating the catalog would change these files; `up` (or `hydrate`) writes them.",
        "",
      );
      for (const f of files) lines.push(`\`${f.path}\` (${f.app}, ${f.status})`, "", fenced(f.diff, "diff"), "");
    } else {
      lines.push("Manifests: the state repo matches the catalog.", "");
    }
    lines.push(...clusterLines(report));
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The cluster against the state repo: Argo CD's own verdict, read from the live Applications. */
function clusterLines(report: DriftReport): string[] {
  const cluster = report.cluster;
  if (!cluster) return [];
  if ("reason" in cluster) return [`Cluster: Argo CD not asked (${tableCell(cluster.reason, 500)}).`, ""];
  if (cluster.applications.length === 0)
    return [`Cluster: every Application Synced and Healthy (${cluster.from}).`, ""];
  return [
    `### Cluster: Argo CD reports ${plural(cluster.applications.length, "Application")} diverging (${cluster.from})`,
    "",
    "| Application | Sync | Health | Revision | Out of sync |",
    "| :-- | :-- | :-- | :-- | :-- |",
    ...cluster.applications.map(
      (a) =>
        `| \`${a.name}\` | ${a.sync} | ${a.health} | ${a.revision ? `\`${a.revision.slice(0, 12)}\`` : ""} | ` +
        `${tableCell(a.outOfSync.join(", "), 500)} |`,
    ),
    "",
    "Self-heal puts an automated Application back; otherwise sync it, or commit the live change to the catalog.",
    "",
  ];
}
