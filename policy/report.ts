import { Finding, mandatoryViolations, PolicyReport, targetText } from "./engine";
import { ruleById } from "./rules";

/** The styles the report uses; automation/output.ts's painter fits this shape. */
export type ReportPaint = (style: "bold" | "dim" | "red" | "yellow" | "green", text: string) => string;

/** The human view of a policy report: findings grouped by kind, each with its fix, then the verdict. */
export function renderPolicyReport(report: PolicyReport, paint: ReportPaint): string {
  const { resources, manifests } = report.subjects;
  const lines = [
    paint(
      "bold",
      `policy (${report.env}): ${report.evaluated.length} rules over ${resources} resources and ${manifests} manifests`,
    ),
  ];
  const section = <F extends Finding>(title: string, findings: readonly F[], render: (f: F) => string[]): void => {
    if (findings.length === 0) return;
    lines.push("", paint("bold", `${title} (${findings.length})`), ...findings.flatMap(render));
  };
  section("violations", report.violations, (f) => [
    `  ${paint(f.severity === "mandatory" ? "red" : "yellow", f.severity.padEnd(9))}  ${f.rule}  ${targetText(f)}`,
    `      ${f.message}`,
    paint("dim", `      fix: ${ruleById(f.rule)?.fix ?? "see docs/guardrails.md"}`),
  ]);
  section("undetermined: unknown offline, judged again by the policy pack", report.undetermined, (f) => [
    `  ${f.rule}  ${targetText(f)}`,
    paint("dim", `      ${f.message}`),
  ]);
  section("suppressed", report.suppressed, (f) => [
    `  ${f.rule}  ${targetText(f)}`,
    paint("dim", `      ${f.level}: ${f.message}`),
    `      reason: ${f.reason}`,
  ]);
  if (report.unusedSuppressions.length) {
    lines.push("", paint("bold", `suppressions that matched nothing (${report.unusedSuppressions.length})`));
    for (const s of report.unusedSuppressions) lines.push(`  ${s.rule}  ${s.resource ?? s.file}`);
  }
  const blocking = mandatoryViolations(report).length;
  lines.push(
    "",
    blocking
      ? paint("red", `${blocking} mandatory violation${blocking === 1 ? "" : "s"}: blocked`)
      : paint("green", "no mandatory violations"),
  );
  return `${lines.join("\n")}\n`;
}

/**
 * One line per thing a run that passed should still say, for stderr: advisory violations (with their
 * fix), suppressions applied (with their reason), suppressions that matched nothing, and how many
 * findings could not be judged.
 */
export function policyNotes(report: PolicyReport): string[] {
  return [
    ...report.violations.map(
      (f) => `policy: ${f.severity} ${f.rule} ${targetText(f)}: ${f.message}. Fix: ${ruleById(f.rule)?.fix ?? ""}`,
    ),
    ...report.suppressed.map(
      (f) => `policy: suppressed ${f.rule} ${targetText(f)}: ${f.message} (reason: ${f.reason})`,
    ),
    ...report.unusedSuppressions.map((s) => `policy: suppression matched nothing: ${s.rule} ${s.resource ?? s.file}`),
    ...(report.undetermined.length ? [`policy: ${report.undetermined.length} finding(s) undetermined offline`] : []),
  ];
}
