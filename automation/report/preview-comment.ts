import { ChangeCounts, hasChanges, PackFinding, StackChanges } from "../driver/engine-events";
import {
  EnvironmentPreview,
  environmentFailed,
  environmentHasChanges,
  PreviewReport,
  StackPreview,
} from "../driver/preview";
import { splitStackName } from "../../stack";
import { StackDiff } from "../synth/diff";
import { fitComment, NOTE_SLOT, Section, slot } from "./comment-budget";
import { blastRadiusLines, manifestLines, manifestShare } from "./manifest-comment";
import { summaryTable } from "./fleet-summary";
import { escapeHtml, fenced, htmlCode, plural, resourceLines, showValue, tableCell } from "./markdown";
import { platformPhaseLines } from "./platform-phase";
import { PackVerdict, policyHeadline, policyLines } from "./policy-comment";

export type { Item, Section } from "./comment-budget";

/**
 * The pull-request comment: ONE Markdown comment for every environment previewed. The blast radius
 * of the rendered manifests and a summary table (environment x stack) first, the environments
 * without changes on one line, then a collapsible section per environment that changes: its
 * guardrails, the changed properties per stack, and the manifest diff per app. Values come from engine events, where secrets are already `[secret]`. The
 * comment always fits GitHub's limit: when the details do not, the largest sections lose whole
 * resources and files first (automation/report/comment-budget.ts), and a note at the top says so.
 */

/** GitHub rejects issue comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface CommentOptions {
  /** The hidden marker that finds this comment again to edit it in place. */
  readonly marker: string;
  /** Maximum length; GitHub's by default. */
  readonly limit?: number;
}

export function renderPreviewComment(report: PreviewReport, options: CommentOptions): string {
  const sections: Section[] = [];
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  return fitComment(renderFrame(report, options.marker, sections, limit), sections, limit);
}

function renderFrame(report: PreviewReport, marker: string, sections: Section[], limit: number): string {
  const title = report.offline ? `## Pulumi preview, offline: ${report.offline.reason}` : "## Pulumi preview";
  const lines = [`<!-- ${marker} -->`, title, ""];
  if (report.commit) lines.push(`Commit \`${report.commit.slice(0, 12)}\`.`, "");
  if (report.offline) {
    lines.push(
      "> [!NOTE]\n> The stacks were not previewed against the cloud, and the policy pack did not run; " +
        `this compares the offline synth of this commit with \`${report.offline.base}\` (\`synth --diff\`): what ` +
        "the program declares, not what the cloud would change. The manifests are the catalog rendered at both " +
        "commits (`hydrate --diff`): no state repo was read.",
      "",
    );
  }
  lines.push(NOTE_SLOT);
  const active = report.environments.filter((e) => environmentHasChanges(e) || environmentFailed(e));
  const quiet = report.environments.filter((e) => !active.includes(e));
  lines.push(...blastRadiusLines(active));
  if (active.length > 0) lines.push(...summaryTable(active), "");
  if (quiet.length > 0) {
    const names = quiet.map((e) => `\`${e.env}\``).join(", ");
    lines.push(
      `No changes in ${plural(quiet.length, "environment")}: ${names} (stacks, manifests and guardrails).`,
      "",
    );
  }
  const share = manifestShare(active, limit);
  for (const env of active) {
    lines.push(
      `<details${environmentFailed(env) ? " open" : ""}>`,
      `<summary><b>${escapeHtml(env.env)}</b>: ${escapeHtml(environmentHeadline(env))}</summary>`,
      "",
    );
    lines.push(...platformPhaseLines(env.platformPhase));
    // The guardrails first: a mandatory violation is why a preview fails.
    lines.push(...policyLines(env.env, env.policy, packVerdict(env), (section) => addSection(sections, section)));
    if (env.synthDiff) lines.push(...synthLines(env.synthDiff.stacks, env.env, sections));
    else lines.push(...stackLines(env.stacks, sections));
    lines.push(...manifestLines(env, share, (section) => addSection(sections, section)), "</details>", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function environmentHeadline(env: EnvironmentPreview): string {
  // A stack the policy pack blocked previewed fine: the guardrails' part of the headline says why it fails.
  const failed = env.stacks.filter((s) => s.error !== undefined && !s.changes?.policy.some(isMandatory)).length;
  const missing = env.stacks.filter((s) => s.missing).length;
  const stackText = env.synthDiff
    ? env.synthDiff.hasChanges
      ? "declared resources change (offline synth)"
      : "no declared changes (offline synth)"
    : countsText(sumCounts(env.stacks.flatMap((s) => (s.changes ? [s.changes.counts] : []))));
  const manifests =
    "error" in env.manifests
      ? "manifest diff unavailable"
      : "skipped" in env.manifests
        ? undefined
        : env.manifests.changes.length > 0
          ? `${plural(env.manifests.changes.length, "manifest file")} change`
          : "no manifest changes";
  const policy = policyHeadline(env.policy, packVerdict(env));
  return [
    stackText,
    missing > 0 && `${plural(missing, "stack")} not deployed yet`,
    manifests,
    policy,
    failed > 0 && `:x: ${plural(failed, "stack")} failed to preview`,
  ]
    .filter(Boolean)
    .join("; ");
}

const isMandatory = (f: PackFinding): boolean => f.severity === "mandatory";

function packVerdict(env: EnvironmentPreview): PackVerdict {
  const judged = env.stacks.flatMap((s) => (s.changes ? [{ stack: s.stack, findings: s.changes.policy }] : []));
  return {
    ran: env.synthDiff === undefined,
    stacks: judged.map((s) => s.stack),
    findings: judged.flatMap((s) => s.findings),
  };
}

function sumCounts(all: readonly ChangeCounts[]): ChangeCounts {
  return all.reduce(
    (a, c) => ({
      create: a.create + c.create,
      update: a.update + c.update,
      replace: a.replace + c.replace,
      delete: a.delete + c.delete,
      // Stryker disable next-line ArithmeticOperator: the headline counts changes; nothing reads the sum of `same`
      same: a.same + c.same,
    }),
    { create: 0, update: 0, replace: 0, delete: 0, same: 0 },
  );
}

function countsText(c: ChangeCounts): string {
  const parts = [
    c.create && `${c.create} to create`,
    c.update && `${c.update} to update`,
    c.replace && `${c.replace} to replace`,
    c.delete && `${c.delete} to delete`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "no resource changes";
}

function stackLines(stacks: readonly StackPreview[], sections: Section[]): string[] {
  const lines: string[] = [];
  for (const s of stacks) {
    if (s.missing) lines.push(missingStackNote(s.stack), "");
    if (s.error !== undefined) lines.push(`:x: \`${s.stack}\`: ${tableCell(s.error, 1_000)}`, "");
    if (s.changes && hasChanges(s.changes)) lines.push(addSection(sections, stackSection(s.changes)), "");
  }
  return lines;
}

/** A stack the preview found missing and, on purpose, did not create (only `up` creates stacks). */
function missingStackNote(stackName: string): string {
  const note = `\`${stackName}\` does not exist yet, so there is nothing to compare with: the first \`up\` creates it.`;
  const split = splitStackName(stackName);
  if (!split) return note;
  return `${note} \`npm run --silent cli -- synth --env ${split.env} --layer ${split.layer}\` lists every resource it declares.`;
}

function stackSection(changes: StackChanges): Section {
  // The fence is sized on every item, so leaving items out never changes the wrapper's length.
  // Stryker disable next-line StringLiteral: each item starts with its op symbol, so no separator can join two backtick runs
  const allText = changes.resources.map(resourceLines).join("\n");
  return {
    where: changes.stack,
    summary: `${htmlCode(changes.stack)}: ${countsText(changes.counts)}`,
    kind: "resource",
    items: changes.resources.map((r) => ({ text: resourceLines(r) })),
    render: (items) => fenced(items.map((i) => i.text).join("\n"), "diff", allText),
  };
}

function synthLines(stacks: readonly StackDiff[], env: string, sections: Section[]): string[] {
  const lines: string[] = [];
  for (const s of stacks) {
    const items = [
      ...s.added.map((ref) => ({ text: `+ ${ref}` })),
      ...s.changed.map((c) => ({
        text: [
          `~ ${c.resource}`,
          ...c.changes.map((p) => `~     ${p.path}: ${showValue(p.before)} => ${showValue(p.after)}`),
        ].join("\n"),
      })),
      ...s.removed.map((ref) => ({ text: `- ${ref}` })),
    ];
    if (items.length === 0) continue;
    // Stryker disable next-line StringLiteral: each item starts with its op symbol, so no separator can join two backtick runs
    const allText = items.map((i) => i.text).join("\n");
    const summary = `${htmlCode(s.stack)}: ${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed (${env}, offline synth)`;
    const section: Section = {
      where: s.stack,
      summary,
      kind: "resource",
      items,
      render: (shown) => fenced(shown.map((i) => i.text).join("\n"), "diff", allText),
    };
    lines.push(addSection(sections, section), "");
  }
  return lines;
}

function addSection(sections: Section[], section: Section): string {
  sections.push(section);
  return slot(sections.length - 1);
}
