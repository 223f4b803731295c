import { Finding, mandatoryViolations, PolicyReport, SuppressedFinding } from "../../policy/engine";
import { PackFinding } from "../driver/engine-events";
import { PolicyPreview } from "../driver/preview";
import { escapeHtml, plural, tableCell } from "./markdown";
import type { Item, Section } from "./preview-comment";

/**
 * The guardrails' part of the pull-request comment, per environment: the verdict in the headline
 * and a summary line, then the violations and the suppressions with their written reasons as
 * tables (rows the comment's trimming may cut, never the summary), suppressions that matched
 * nothing, and how many findings could not be judged offline. Then what the policy pack reported
 * in the real preview of each stack, beside the offline verdict, saying which findings only the pack
 * could judge. Messages never hold secrets: rules show only values that are never secret, offline a
 * secret is `[secret]`, and the pack reads values the engine has already masked (docs/guardrails.md).
 */

/** What the policy pack reported in an environment's real preview; `ran` is false offline. */
export interface PackVerdict {
  readonly ran: boolean;
  /** The stacks the pack judged (previewed); a stack not deployed yet is not previewed. */
  readonly stacks: readonly string[];
  readonly findings: readonly PackFinding[];
}

const keyOf = (f: Finding): string => ("resource" in f ? `${f.rule} ${f.stack} ${f.resource}` : `${f.rule} ${f.file}`);

/** The pack's mandatory findings the offline engine did not report as violations (those are counted already). */
function packOnlyMandatory(report: PolicyReport | undefined, pack: PackVerdict): number {
  const offline = new Set((report?.violations ?? []).map(keyOf));
  return pack.findings.filter((f) => f.severity === "mandatory" && !offline.has(keyOf(f))).length;
}

export function policyHeadline(policy: PolicyPreview | undefined, pack: PackVerdict): string | undefined {
  if (policy === undefined) return undefined;
  if ("error" in policy) return ":x: guardrails could not run";
  const blocking = mandatoryViolations(policy.report).length + packOnlyMandatory(policy.report, pack);
  return blocking > 0 ? `:x: ${plural(blocking, "mandatory guardrail violation")}` : "guardrails pass";
}

/** Frame lines; each table goes through `add`, which returns the slot its rendering fills. */
export function policyLines(
  env: string,
  policy: PolicyPreview | undefined,
  pack: PackVerdict,
  add: (section: Section) => string,
): string[] {
  if (policy === undefined) return [];
  const lines = ["#### Guardrails", ""];
  if ("error" in policy) {
    return [
      ...lines,
      `:x: The guardrails could not judge ${env}: ${tableCell(policy.error, 1_000)}`,
      "",
      ...packLines(env, undefined, pack, add),
    ];
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
  return [...lines, ...packLines(env, report, pack, add)];
}

/** The policy pack's part: its findings beside the offline verdict, or why it did not run. */
function packLines(
  env: string,
  report: PolicyReport | undefined,
  pack: PackVerdict,
  add: (section: Section) => string,
): string[] {
  const judgeable = (report?.undetermined ?? []).filter((f) => "resource" in f);
  if (!pack.ran) {
    return [
      `The policy pack did not run: this preview is offline. ${plural(judgeable.length, "resource finding")} ` +
        "undetermined offline wait for a preview with cloud credentials.",
      "",
    ];
  }
  if (pack.stacks.length === 0) {
    return ["The policy pack judged no stack: none is deployed yet, and the first `up` runs it.", ""];
  }
  const violations = new Set((report?.violations ?? []).map(keyOf));
  const undetermined = new Set(judgeable.map(keyOf));
  const judgedByPack = judgeable.filter((f) => pack.findings.some((p) => keyOf(p) === keyOf(f))).length;
  const blocking = pack.findings.filter((f) => f.severity === "mandatory").length;
  const stacks = pack.stacks.map((s) => `\`${s}\``).join(", ");
  const lines = [
    `Policy pack (\`policy/\`, run by \`pulumi preview\` on ${stacks}): ` +
      `${blocking > 0 ? `:x: ${plural(blocking, "mandatory violation")}` : "no mandatory violation"}, ` +
      `${plural(pack.findings.length - blocking, "advisory finding")}. ` +
      `Of ${plural(judgeable.length, "resource finding")} undetermined offline, the pack found ${judgedByPack} violated ` +
      "and reported nothing on the others.",
    "",
  ];
  if (pack.findings.length === 0) return lines;
  const offlineVerdict = (f: PackFinding): string =>
    undetermined.has(keyOf(f))
      ? "undetermined offline: only the pack could judge it"
      : violations.has(keyOf(f))
        ? "also found offline"
        : "not seen offline (a resource only the engine declares, or a value only the cloud knows)";
  const section = findingTable(
    `${env}/policy-pack`,
    `${plural(pack.findings.length, "policy pack finding")} (${env})`,
    ["Severity", "Rule", "Where", "Finding", "Offline"],
    pack.findings.map((f) => [
      f.severity === "mandatory" ? ":x: mandatory" : "advisory",
      code(f.rule),
      where(f),
      tableCell(f.message),
      offlineVerdict(f),
    ]),
    blocking > 0,
  );
  lines.push(add(section), "");
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
