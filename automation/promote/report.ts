import { Paint } from "../output";
import { GateResult } from "./gates";
import { AppOutcome, editLine, PromotionReport } from "./promote";

/**
 * The promotion as the terminal shows it: per app what it is (promoted, unchanged, held, refused),
 * what moves and every gate with what it saw and needed; the target's render gates; the branch; and
 * the rendered-manifest diff of every promoted app.
 */

const STATUS_STYLE: Record<AppOutcome["status"], Parameters<Paint>[0]> = {
  promoted: "green",
  unchanged: "dim",
  held: "yellow",
  refused: "red",
  tagged: "yellow",
  blocked: "red",
};

function gateLines(gates: readonly GateResult[], paint: Paint, indent: string): string[] {
  const width = Math.max(...gates.map((g) => g.gate.length));
  return gates.map((g) => {
    const status =
      g.status === "passed"
        ? paint("green", "passed ")
        : g.status === "failed"
          ? paint("red", "FAILED ")
          : paint("yellow", "skipped");
    const detail = g.status === "failed" ? `${g.seen}; needed ${g.needed}` : g.seen;
    const reason = g.status === "skipped" ? ` (reason: ${g.reason})` : "";
    return `${indent}${g.gate.padEnd(width)}  ${status}  ${detail}${reason}`;
  });
}

export function renderPromotionText(report: PromotionReport, paint: Paint): string {
  const lines = [
    paint("bold", `promote ${report.from} -> ${report.to}`) +
      ` (based on ${report.base.branch ? `${report.base.branch} at ` : ""}${report.base.commit.slice(0, 12)})`,
    `source: ${report.from}'s state repo ${report.stateRepo}; Argo CD ${report.argo ? `read from ${report.argo}` : "not read (every live gate skipped)"}` +
      (report.soak ? `; soak ${report.soak}` : ""),
    "",
  ];
  for (const outcome of report.apps) {
    lines.push(`${paint("bold", outcome.app)}  ${paint(STATUS_STYLE[outcome.status], outcome.status)}`);
    if (outcome.status === "refused" || outcome.status === "tagged") {
      lines.push(`  ${outcome.reason}`, "");
      continue;
    }
    const { evidence } = outcome;
    for (const value of evidence.values)
      lines.push(`  ${value.shown} (${value.file} at ${evidence.revision.slice(0, 12)})`);
    if ("change" in outcome) {
      for (const edit of outcome.change.edits) lines.push(`  ${editLine(edit)}`);
    }
    lines.push(...gateLines(evidence.gates, paint, "  "), "");
  }
  if (report.targetGates.length > 0)
    lines.push(`render of ${report.to}:`, ...gateLines(report.targetGates, paint, "  "), "");
  if (report.branch) lines.push(`branch ${paint("bold", report.branch)} (commit ${report.commit?.slice(0, 12)})`);
  else lines.push(nothingCommitted(report));
  return `${lines.join("\n")}\n`;
}

function nothingCommitted(report: PromotionReport): string {
  if (report.apps.some((a) => a.status === "blocked"))
    return `nothing committed: the render of ${report.to} failed a gate`;
  if (report.apps.some((a) => a.status === "refused")) return "nothing committed: an app was refused (bad input)";
  if (report.apps.every((a) => a.status === "unchanged" || a.status === "tagged")) {
    const tagged = report.apps.some((a) => a.status === "tagged") ? " (of the apps it runs by digest)" : "";
    return `nothing to promote: ${report.to} already runs what ${report.from} runs${tagged}`;
  }
  return "nothing committed";
}

/** The unified diff of every promoted app's rendered manifests, file by file. */
export function renderPromotionDiff(report: PromotionReport): string {
  return report.apps
    .flatMap((a) => (a.status === "promoted" ? (a.change.manifests?.files ?? []).map((f) => f.diff) : []))
    .join("");
}
