import { ChangeCounts, hasChanges, PackFinding, StackChanges } from "../driver/engine-events";
import { ManifestChange } from "../driver/gitops-steps";
import { EnvironmentPreview, PreviewReport, StackPreview } from "../driver/preview";
import { parseStackName } from "../../stack";
import { StackDiff } from "../synth/diff";
import { clip, collapsible, fenced, htmlCode, plural, resourceLines, showValue, tableCell } from "./markdown";
import { platformPhaseLines } from "./platform-phase";
import { PackVerdict, policyHeadline, policyLines } from "./policy-comment";

/**
 * The pull-request comment: ONE Markdown comment for every environment previewed. A summary table
 * per environment, collapsible details per stack with the changed properties, and the manifest diff
 * per app. Values come from engine events, where secrets are already `[secret]`. The comment always
 * fits GitHub's limit: when the details do not, whole resources and files are left out, and a note
 * at the top says how many and where.
 */

/** GitHub rejects issue comments longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface CommentOptions {
  /** The hidden marker that finds this comment again to edit it in place. */
  readonly marker: string;
  /** Maximum length; GitHub's by default. */
  readonly limit?: number;
}

/** An item of a collapsible section: one resource, one file diff or one guardrail finding. */
export interface Item {
  readonly text: string;
}

export interface Section {
  /** Where, for the note: `platform-staging`, `staging/demo`, `staging/guardrails`. */
  readonly where: string;
  readonly summary: string;
  /** `finding`: a row of a guardrails table (automation/report/policy-comment.ts). */
  readonly kind: "resource" | "file" | "finding";
  readonly items: readonly Item[];
  /** Items wrapped in one ```diff block (resources), each fenced on its own (files), or table rows (findings). */
  readonly render: (items: readonly Item[]) => string;
  /** Shown unfolded: mandatory violations are why a preview fails. */
  readonly open?: boolean;
}

/** Placeholder in the frame where a section's rendered text goes. */
const slot = (index: number) => `\u0000section-${index}\u0000`;
const NOTE_SLOT = "\u0000note\u0000";
const EMPTY: Item = { text: "" };

export function renderPreviewComment(report: PreviewReport, options: CommentOptions): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const sections: Section[] = [];
  const frame = renderFrame(report, options.marker, sections);
  const all = sections.map((s) => s.items);
  const full = assemble(frame, sections, all, "");
  if (full.length <= limit) return full;

  const chosen = chooseItems(frame, sections, limit);
  let body = assemble(frame, sections, chosen, renderNote(sections, chosen, limit));
  // The accounting above is an upper bound; should it ever fall short, drop items from the end until it fits.
  while (body.length > limit) {
    const last = chosen.findLastIndex((items) => items.length > 0);
    if (last < 0) return clip(body, limit);
    chosen[last] = chosen[last].slice(0, -1);
    body = assemble(frame, sections, chosen, renderNote(sections, chosen, limit));
  }
  return body;
}

/**
 * Picks items in reading order while they fit. Every length is an upper bound: a section costs its
 * one-line "cut" form until it shows an item, then its collapsible wrapper (with the longest possible
 * "not shown" line) plus each item and its separator; the note is counted as if every section lost items.
 */
function chooseItems(frame: string, sections: readonly Section[], limit: number): Item[][] {
  const slots = sections.reduce((n, _, i) => n + slot(i).length, 0);
  const frameLength = frame.length - slots - (NOTE_SLOT.length + 1);
  const noteLength =
    renderNote(
      sections,
      sections.map(() => []),
      limit,
    ).length + 2;
  const cutLength = (s: Section) => renderSection(s, []).length;
  let budget = limit - frameLength - noteLength - sections.reduce((n, s) => n + cutLength(s), 0);
  return sections.map((section) => {
    const separator = section.kind === "file" ? 2 : 1;
    const open = renderSection(section, [EMPTY]).length - cutLength(section);
    const picked: Item[] = [];
    for (const item of section.items) {
      const cost = item.text.length + separator + (picked.length === 0 ? open : 0);
      if (cost > budget) continue;
      budget -= cost;
      picked.push(item);
    }
    return picked;
  });
}

function assemble(
  frame: string,
  sections: readonly Section[],
  chosen: readonly (readonly Item[])[],
  note: string,
): string {
  // Function replacements: diffs may hold `$&` and friends, which a replacement string would expand.
  let text = frame.replace(`${NOTE_SLOT}\n`, () => (note ? `${note}\n\n` : ""));
  sections.forEach((section, i) => {
    text = text.replace(slot(i), () => renderSection(section, chosen[i]));
  });
  return text;
}

function renderSection(section: Section, items: readonly Item[]): string {
  const left = section.items.length - items.length;
  const what = section.kind;
  if (items.length === 0 && left > 0) {
    return `${section.summary}: details cut to fit the comment (${plural(left, what)}).`;
  }
  const cut = left > 0 ? `\n\n_${plural(left, what)} not shown: cut to fit the comment._` : "";
  return collapsible(section.summary, `${section.render(items)}${cut}`, section.open);
}

function renderNote(sections: readonly Section[], chosen: readonly (readonly Item[])[], limit: number): string {
  const cuts = sections
    .map((s, i) => ({ where: s.where, kind: s.kind, left: s.items.length - chosen[i].length }))
    .filter((c) => c.left > 0);
  if (cuts.length === 0) return "";
  const total = (kind: Section["kind"]) => cuts.filter((c) => c.kind === kind).reduce((n, c) => n + c.left, 0);
  const listed = cuts.slice(0, 12).map((c) => `\`${c.where}\`: ${c.left}`);
  if (cuts.length > 12) listed.push(`and ${cuts.length - 12} more`);
  const parts = [
    total("resource") > 0 && `the details of ${plural(total("resource"), "resource")}`,
    total("file") > 0 && `the diffs of ${plural(total("file"), "manifest file")}`,
    total("finding") > 0 && `the rows of ${plural(total("finding"), "guardrail finding")}`,
  ].filter(Boolean);
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return (
    `> [!WARNING]\n> Trimmed to fit GitHub's comment limit (${limit.toLocaleString("en-US")} characters): cut ${what} ` +
    `(${listed.join(", ")}). The job log has the full preview.`
  );
}

function renderFrame(report: PreviewReport, marker: string, sections: Section[]): string {
  const title = report.offline ? `## Pulumi preview, offline: ${report.offline.reason}` : "## Pulumi preview";
  const lines = [`<!-- ${marker} -->`, title, ""];
  for (const env of report.environments) lines.push(`- **${env.env}**: ${environmentHeadline(env)}`);
  lines.push("");
  if (report.commit) lines.push(`Commit \`${report.commit.slice(0, 12)}\`.`, "");
  if (report.offline) {
    lines.push(
      "> [!NOTE]\n> The stacks were not previewed against the cloud, and the policy pack did not run; " +
        `this compares the offline synth of this commit with \`${report.offline.base}\` (\`synth --diff\`): what ` +
        "the program declares, not what the cloud would change.",
      "",
    );
  }
  lines.push(NOTE_SLOT);
  for (const env of report.environments) {
    lines.push(`### ${env.env}`, "");
    lines.push(...platformPhaseLines(env.platformPhase));
    // The guardrails first: a mandatory violation is why a preview fails.
    lines.push(...policyLines(env.env, env.policy, packVerdict(env), (section) => addSection(sections, section)));
    if (env.synthDiff) lines.push(...synthLines(env.synthDiff.stacks, env.env, sections));
    else lines.push(...stackLines(env.stacks, sections));
    lines.push(...manifestLines(env, sections));
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
  const judged = env.stacks.filter((s) => s.changes !== undefined);
  return {
    ran: env.synthDiff === undefined,
    stacks: judged.map((s) => s.stack),
    findings: judged.flatMap((s) => s.changes?.policy ?? []),
  };
}

function sumCounts(all: readonly ChangeCounts[]): ChangeCounts {
  return all.reduce(
    (a, c) => ({
      create: a.create + c.create,
      update: a.update + c.update,
      replace: a.replace + c.replace,
      delete: a.delete + c.delete,
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
  const lines = ["| Stack | Create | Update | Replace | Delete | Unchanged |", "| :-- | --: | --: | --: | --: | --: |"];
  for (const s of stacks) {
    const c = s.changes?.counts;
    lines.push(
      c
        ? `| \`${s.stack}\` | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} | ${c.same} |`
        : `| \`${s.stack}\` | ${s.missing ? "not deployed yet" : ":x: failed"} | | | | |`,
    );
  }
  lines.push("");
  for (const s of stacks) {
    if (s.missing) lines.push(missingStackNote(s.stack), "");
    if (s.error !== undefined) lines.push(`:x: \`${s.stack}\`: ${tableCell(s.error, 1_000)}`, "");
    if (s.changes && hasChanges(s.changes)) lines.push(addSection(sections, stackSection(s.changes)), "");
  }
  return lines;
}

/** A stack the preview found missing and, on purpose, did not create (only `up` creates stacks). */
function missingStackNote(stackName: string): string {
  const { layer, env } = parseStackName(stackName);
  return (
    `\`${stackName}\` does not exist yet, so there is nothing to compare with: the first \`up\` creates it. ` +
    `\`npm run --silent cli -- synth --env ${env} --layer ${layer}\` lists every resource it declares.`
  );
}

function stackSection(changes: StackChanges): Section {
  // The fence is sized on every item, so leaving items out never changes the wrapper's length.
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
  const lines = ["| Stack | Added | Changed | Removed |", "| :-- | --: | --: | --: |"];
  for (const s of stacks)
    lines.push(`| \`${s.stack}\` | ${s.added.length} | ${s.changed.length} | ${s.removed.length} |`);
  lines.push("");
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

function manifestLines(env: EnvironmentPreview, sections: Section[]): string[] {
  if ("error" in env.manifests) {
    return [
      "#### Manifests",
      "",
      `:x: The manifest diff against the state repo failed: ${tableCell(env.manifests.error, 1_000)}`,
      "",
    ];
  }
  if ("skipped" in env.manifests) return [];
  const changes = env.manifests.changes;
  if (changes.length === 0)
    return ["#### Manifests", "", "The state repo already holds what the catalog hydrates to.", ""];
  const apps = [...new Set(changes.map((c) => c.app))].sort();
  const lines = ["#### Manifests", "", "| App | Added | Modified | Deleted |", "| :-- | --: | --: | --: |"];
  const count = (app: string, status: ManifestChange["status"]) =>
    changes.filter((c) => c.app === app && c.status === status).length;
  for (const app of apps)
    lines.push(
      `| \`${tableCell(app)}\` | ${count(app, "added")} | ${count(app, "modified")} | ${count(app, "deleted")} |`,
    );
  lines.push("");
  for (const app of apps) {
    const files = changes.filter((c) => c.app === app).sort((a, b) => a.path.localeCompare(b.path));
    const section: Section = {
      where: `${env.env}/${app}`,
      summary: `${htmlCode(app)}: ${plural(files.length, "file")} (${env.env})`,
      kind: "file",
      items: files.map((f) => ({ text: `\`${f.path}\` (${f.status})\n\n${fenced(f.diff, "diff")}` })),
      render: (shown) => shown.map((i) => i.text).join("\n\n"),
    };
    lines.push(addSection(sections, section), "");
  }
  return lines;
}

function addSection(sections: Section[], section: Section): string {
  sections.push(section);
  return slot(sections.length - 1);
}
