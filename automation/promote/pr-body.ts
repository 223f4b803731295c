import { fitComment, NOTE_SLOT, Section, slot } from "../report/comment-budget";
import { fenced, htmlCode, plural, tableCell } from "../report/markdown";
import { GITHUB_COMMENT_LIMIT } from "../report/preview-comment";
import { GateResult } from "./gates";
import { AppOutcome, promotedOf, PromotionReport, shortValue } from "./promote";

/**
 * The promotion's pull request: its evidence first (per app what moves, the source commit, and the
 * synced, healthy and soak gates with what each saw), the target's render gates, every skipped gate
 * with its written reason, the apps held back, then the rendered-manifest diff per app. It fits
 * GitHub's limit on a body (the same 65,536 characters as a comment): past it, the largest diffs lose
 * whole files first and a note at the top says what was cut.
 */

export const PULL_REQUEST_BODY_LIMIT = GITHUB_COMMENT_LIMIT;

export function promotionTitle(report: PromotionReport): string {
  const promoted = promotedOf(report);
  if (promoted.length === 1) {
    const { app, evidence } = promoted[0];
    return `Promote ${app} to ${report.to}: ${evidence.values.map((v) => shortValue(v.value)).join(", ")}`;
  }
  return `Promote ${plural(promoted.length, "app")} from ${report.from} to ${report.to}`;
}

const ICON: Record<GateResult["status"], string> = {
  passed: ":white_check_mark:",
  failed: ":x:",
  skipped: ":warning: skipped",
};

function gateCell(gates: readonly GateResult[], name: GateResult["gate"]): string {
  const gate = gates.find((g) => g.gate === name);
  return gate ? `${ICON[gate.status]} ${tableCell(gate.seen, 160)}` : "";
}

export function renderPromotionBody(report: PromotionReport, limit: number = PULL_REQUEST_BODY_LIMIT): string {
  const promoted = promotedOf(report);
  const sections: Section[] = [];
  const lines = [
    `<!-- gitops-platform:promote:${report.from}:${report.to} -->`,
    `## Promote \`${report.from}\` → \`${report.to}\``,
    "",
    NOTE_SLOT,
    `What \`${report.from}\` runs, read from its state repo at the commit its Argo CD runs (no registry is ` +
      `asked), set in the env files of \`${report.to}\`; each app's own settings there stay as they are. Based on ` +
      `${report.base.branch ? `\`${report.base.branch}\` at ` : ""}\`${report.base.commit.slice(0, 12)}\`` +
      `${report.soak ? `; soak required: ${report.soak}` : ""}.`,
    "",
    "| App | What moves | Change | Source commit | Synced | Healthy | Soak |",
    "| :-- | :-- | :-- | :-- | :-- | :-- | :-- |",
    ...promoted.map(({ app, evidence, change }) => {
      const moves = evidence.values.map((v) => `\`${tableCell(v.shown, 200)}\``).join("<br>");
      const edits = change.edits
        .map((e) => `\`${e.file}\` \`${e.field}\`: \`${e.previous ?? "(unset)"}\` → \`${shortValue(e.value)}\``)
        .join("<br>");
      const commit =
        `state repo \`${evidence.revision.slice(0, 12)}\`` +
        (evidence.sourceCommit ? `<br>catalog \`${evidence.sourceCommit.slice(0, 12)}\`` : "");
      const gates = ["synced", "healthy", "soak"] as const;
      return `| \`${app}\` | ${moves} | ${edits} | ${commit} | ${gates.map((g) => gateCell(evidence.gates, g)).join(" | ")} |`;
    }),
    "",
    `**Render of \`${report.to}\`** after the change: ${report.targetGates
      .map((g) => `${g.gate} ${ICON[g.status]} ${tableCell(g.seen, 300)}`)
      .join("; ")}.`,
    "",
  ];
  if (report.skips.length > 0) {
    lines.push(
      "> [!WARNING]",
      "> Gates skipped on purpose, with the reasons given:",
      ...report.skips.map((s) => `> - \`${s.gate}\`: ${tableCell(s.reason, 500)}`),
      "",
    );
  }
  lines.push(...notPromoted(report.apps));
  if (promoted.length > 0) lines.push("#### Manifests", "");
  for (const { app, change } of promoted) {
    const files = change.manifests?.files ?? [];
    lines.push(
      slotFor(sections, {
        where: `${report.to}/${app}`,
        summary: `${htmlCode(app)}: ${plural(files.length, "file")} (${report.to})`,
        kind: "file",
        items: files.map((f) => ({ text: `\`${f.path}\` (${f.status})\n\n${fenced(f.diff, "diff")}` })),
        render: (shown) => shown.map((i) => i.text).join("\n\n"),
      }),
      "",
    );
  }
  return fitComment(lines.join("\n"), sections, limit, {
    text: "pull request body",
    whole: `\`promote --from ${report.from} --to ${report.to}\` prints the whole diff`,
  });
}

/** The apps left out, each with why: held by a gate (not yet), refused (bad input), or unchanged. */
function notPromoted(apps: readonly AppOutcome[]): string[] {
  const held = apps.flatMap((a) =>
    a.status === "held"
      ? a.evidence.gates
          .filter((g) => g.status === "failed")
          .map((g) => `| \`${a.app}\` | \`${g.gate}\` | ${tableCell(g.seen, 200)} | ${tableCell(g.needed, 120)} |`)
      : [],
  );
  const refused = apps.flatMap((a) => (a.status === "refused" ? [`- \`${a.app}\`: ${tableCell(a.reason, 500)}`] : []));
  const tagged = apps.flatMap((a) => (a.status === "tagged" ? [`- \`${a.app}\`: ${tableCell(a.reason, 500)}`] : []));
  const unchanged = apps.filter((a) => a.status === "unchanged").map((a) => `\`${a.app}\``);
  const lines: string[] = [];
  if (held.length > 0) {
    lines.push(
      "**Held back** (not yet):",
      "",
      "| App | Gate | Seen | Needed |",
      "| :-- | :-- | :-- | :-- |",
      ...held,
      "",
    );
  }
  if (refused.length > 0) lines.push("**Refused** (cannot be promoted as they are):", "", ...refused, "");
  if (tagged.length > 0) lines.push("**Left out** (the source runs them by tag, not digest):", "", ...tagged, "");
  if (unchanged.length > 0) lines.push(`Already running what the source runs: ${unchanged.join(", ")}.`, "");
  return lines;
}

function slotFor(sections: Section[], section: Section): string {
  sections.push(section);
  return slot(sections.length - 1);
}
