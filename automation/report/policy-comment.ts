import { Finding, mandatoryViolations, PolicyReport, SuppressedFinding } from "../../policy/engine";
import { PolicyPreview } from "../driver/preview";
import { escapeHtml, plural, tableCell } from "./markdown";
import type { Item, Section } from "./preview-comment";

/**
 * The guardrails' part of the pull-request comment, per environment: the verdict in the headline
 * and a summary line, then the violations and the suppressions with their written reasons as
 * tables (rows the comment's trimming may cut, never the summary), suppressions that matched
 * nothing, and how many findings could not be judged offline. Messages never hold secrets: rules
 * show only values that are never secret, and offline a secret is `[secret]` (docs/guardrails.md).
 */

export function policyHeadline(policy: PolicyPreview | undefined): string | undefined {
  if (policy === undefined) return undefined;
  if ("error" in policy) return ":x: guardrails could not run";
  const blocking = mandatoryViolations(policy.report).length;
  return blocking > 0 ? `:x: ${plural(blocking, "mandatory guardrail violation")}` : "guardrails pass";
}

/** Frame lines; each table goes through `add`, which returns the slot its rendering fills. */
export function policyLines(
  env: string,
  policy: PolicyPreview | undefined,
  add: (section: Section) => string,
): string[] {
  if (policy === undefined) return [];
  const lines = ["#### Guardrails", ""];
  if ("error" in policy) {
    return [...lines, `:x: The guardrails could not judge ${env}: ${tableCell(policy.error, 1_000)}`, ""];
  }
  const { report } = policy;
  lines.push(`${summary(report)} \`synth --env ${env} --policy\` lists every finding with its fix.`, "");
  if (report.violations.length > 0) {
    const blocking = mandatoryViolations(report).length;
    const section = findingTable(
      `${env}/guardrails`,
      `${plural(report.violations.length, "violation")} (${env})`,
      ["Severity", "Rule", "Where", "Finding"],
      report.violations.map((f) => [
        f.severity === "mandatory" ? ":x: mandatory" : "advisory",
        code(f.rule),
        where(f),
        tableCell(f.message),
      ]),
      blocking > 0,
    );
    lines.push(add(section), "");
  }
  if (report.suppressed.length > 0) {
    const section = findingTable(
      `${env}/suppressed`,
      `${report.suppressed.length} suppressed, with the reasons written in the config file (${env})`,
      ["Rule", "Where", "Finding", "Reason"],
      report.suppressed.map((f: SuppressedFinding) => [
        code(f.rule),
        where(f),
        tableCell(f.message),
        tableCell(f.reason),
      ]),
      false,
    );
    lines.push(add(section), "");
  }
  if (report.unusedSuppressions.length > 0) {
    const stale = report.unusedSuppressions.map((s) => `${code(s.rule)} ${code(s.resource ?? s.file ?? "")}`);
    lines.push(`Suppressions that matched nothing (stale?): ${stale.join(", ")}.`, "");
  }
  return lines;
}

function summary(report: PolicyReport): string {
  const blocking = mandatoryViolations(report).length;
  const counts = [
    blocking > 0 ? `:x: ${plural(blocking, "mandatory violation")}` : "no mandatory violation",
    plural(report.violations.length - blocking, "advisory finding"),
    `${report.suppressed.length} suppressed`,
    `${report.undetermined.length} undetermined (unknown offline; the policy pack judges them in a real preview)`,
  ];
  const { resources, manifests } = report.subjects;
  return `${report.evaluated.length} rules over ${plural(resources, "resource")} and ${plural(manifests, "manifest")}: ${counts.join(", ")}.`;
}

function findingTable(
  where: string,
  summary: string,
  head: readonly string[],
  rows: string[][],
  open: boolean,
): Section {
  const header = `| ${head.join(" | ")} |\n| ${head.map(() => ":--").join(" | ")} |`;
  return {
    where,
    summary: escapeHtml(summary),
    kind: "finding",
    items: rows.map((cells): Item => ({ text: `| ${cells.join(" | ")} |` })),
    render: (items) => [header, ...items.map((i) => i.text)].join("\n"),
    open,
  };
}

function where(f: Finding): string {
  return "resource" in f ? `${code(f.stack)} ${code(f.resource)}` : code(f.file);
}

function code(text: string): string {
  return `\`${tableCell(text, 200).replace(/`/g, "'")}\``;
}
