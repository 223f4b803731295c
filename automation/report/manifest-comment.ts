import { ManifestBaseline, ManifestChange } from "../driver/gitops-steps";
import { EnvironmentPreview, GITOPS_LEFT_OUT } from "../driver/preview";
import { appsOf, blastRadius, filesText, namesText, objectsText } from "../manifest-diff/summary";
import { Section } from "./comment-budget";
import { fenced, htmlCode, plural, tableCell } from "./markdown";
import { compareCodeUnits } from "../../order";

/**
 * The manifests' part of the pull-request comment: the blast radius at the top, and per environment
 * what the manifests were compared with, a summary line, and per app a collapsible unified diff of
 * its changed files. Everything in the frame is bounded (names and notes clipped, app sections
 * capped); the diffs are budget sections (comment-budget.ts), trimmed largest first.
 */

/** Lines of one file's diff shown in the comment; the rest is counted in a note. */
export const MAX_DIFF_LINES = 200;
/** App sections across the whole comment: each costs a line even when its diff is cut. */
export const MAX_APP_SECTIONS = 200;

/** The blast radius: empty when no environment's manifests change. */
export function blastRadiusLines(environments: readonly EnvironmentPreview[]): string[] {
  const rows = blastRadius(
    environments.map((e) => ({
      env: e.env,
      tier: e.tier,
      changes: "changes" in e.manifests ? e.manifests.changes : [],
    })),
  );
  if (rows.length === 0) return [];
  const apps = new Set(rows.flatMap((r) => r.apps));
  const lines = [
    `**Blast radius** of the rendered manifests: ${plural(rows.length, "environment")}, ${plural(apps.size, "app")}.`,
    "",
  ];
  for (const row of rows) {
    const production = row.tier === "production" ? ":warning: " : "";
    const tier = row.tier ? ` (${row.tier} tier)` : "";
    const names = namesText(row.apps, (app) => `\`${tableCell(app, 80)}\``);
    lines.push(`- ${production}\`${row.env}\`${tier}: ${names}; ${tableCell(row.objects, 600)}`);
  }
  return [...lines, ""];
}

/** The `#### Manifests` part of one environment's section; diffs go into `addSection`'s slots. */
export function manifestLines(
  env: EnvironmentPreview,
  share: ManifestShare,
  addSection: (section: Section) => string,
): string[] {
  if ("error" in env.manifests) {
    return ["#### Manifests", "", `:x: The manifest diff failed: ${tableCell(env.manifests.error, 1_000)}`, ""];
  }
  if ("skipped" in env.manifests) {
    if (env.manifests.skipped === GITOPS_LEFT_OUT) return [];
    return ["#### Manifests", "", `:warning: Not compared: ${tableCell(env.manifests.skipped, 1_000)}`, ""];
  }
  const { changes, against, notes } = env.manifests;
  const lines = ["#### Manifests", "", baselineLine(against), ""];
  if (notes && notes.length > 0) {
    lines.push("> [!NOTE]", notes.map((n) => `> ${tableCell(n, 1_000)}`).join("\n>\n"), "");
  }
  if (changes.length === 0) {
    lines.push(
      against.kind === "state-repo"
        ? "The state repo already holds what the catalog hydrates to."
        : "The rendered manifests do not change.",
      "",
    );
    return lines;
  }
  const apps = appsOf(changes);
  const names = namesText(apps, (app) => `\`${tableCell(app, 80)}\``);
  lines.push(
    `**${plural(apps.length, "app")} ${apps.length === 1 ? "changes" : "change"}** (${names}): ${filesText(changes)}; ${tableCell(objectsText(changes), 600)}.`,
    "",
  );
  const sections = apps.map((app) => appSection(env.env, app, changes));
  const shown = sectionsWithin(sections, share);
  for (const section of shown) lines.push(addSection(section), "");
  const hidden = sections.filter((section) => !shown.includes(section)).map((section) => section.app);
  if (hidden.length > 0) {
    const where = against.kind === "render" ? `\`hydrate --diff ${against.ref} --env ${env.env}\`` : "the job log";
    const which = namesText(hidden, (app) => `\`${tableCell(app, 80)}\``);
    lines.push(
      `_${plural(hidden.length, "more app")} ${hidden.length === 1 ? "changes" : "change"} (${which}), not shown here: ` +
        `${where} shows every diff._`,
      "",
    );
  }
  return lines;
}

/** What one environment's app sections may take of the comment: how many, and about how many characters. */
export interface ManifestShare {
  readonly sections: number;
  readonly characters: number;
}

/**
 * The comment's room for app diffs shared out between the environments whose manifests change.
 * The budget (comment-budget.ts) trims a section by whole files, so a section whose one file does
 * not fit would show nothing: apps are given sections only while their diffs fit the share, and the
 * others are named on one line, instead of a wall of "details cut" lines.
 */
export function manifestShare(environments: readonly EnvironmentPreview[], limit: number): ManifestShare {
  const changing = environments.filter((e) => "changes" in e.manifests && e.manifests.changes.length > 0).length;
  const each = Math.max(1, changing);
  return {
    sections: Math.max(10, Math.floor(MAX_APP_SECTIONS / each)),
    characters: Math.floor((limit * DIFF_SHARE) / each),
  };
}

/** The part of the comment the manifest diffs may fill, across environments; the rest is the frame, stacks and guardrails. */
const DIFF_SHARE = 0.6;

/** In name order, the sections that fit the share; the first always, which the budget trims by files if it must. */
function sectionsWithin(sections: readonly AppSection[], share: ManifestShare): AppSection[] {
  const shown: AppSection[] = [];
  let used = 0;
  for (const section of sections) {
    if (shown.length >= share.sections) break;
    const size = section.items.reduce((n, item) => n + item.text.length + 2, section.summary.length + 40);
    if (shown.length > 0 && used + size > share.characters) continue;
    shown.push(section);
    used += size;
  }
  return shown;
}

function baselineLine(against: ManifestBaseline): string {
  if (against.kind === "state-repo") {
    return (
      `Compared with the state repo \`${tableCell(against.stateRepo, 300)}\` (branch \`${tableCell(against.branch, 100)}\`), ` +
      "which Argo CD syncs: what hydrating this commit would change there."
    );
  }
  return (
    `Compared with the catalog rendered at \`${tableCell(against.ref, 100)}\` (\`${against.commit.slice(0, 12)}\`), ` +
    "file by file: what this change does to the rendered manifests. No state repo was read."
  );
}

interface AppSection extends Section {
  readonly app: string;
}

function appSection(env: string, app: string, changes: readonly ManifestChange[]): AppSection {
  const files = changes.filter((c) => c.app === app).sort((a, b) => compareCodeUnits(a.path, b.path));
  return {
    app,
    where: `${env}/${app}`,
    summary: `${htmlCode(app)}: ${plural(files.length, "file")} (${env})`,
    kind: "file",
    items: files.map((f) => ({ text: `\`${f.path}\` (${f.status})\n\n${clippedDiff(f.diff)}` })),
    render: (shown) => shown.map((i) => i.text).join("\n\n"),
  };
}

/** A file's diff, fenced, its first MAX_DIFF_LINES lines and a note of the rest. */
function clippedDiff(diff: string): string {
  const lines = diff.replace(/\n$/, "").split("\n");
  if (lines.length <= MAX_DIFF_LINES) return fenced(diff, "diff");
  const rest = lines.length - MAX_DIFF_LINES;
  return `${fenced(lines.slice(0, MAX_DIFF_LINES).join("\n"), "diff")}\n\n_${plural(rest, "more line")} of this diff not shown._`;
}
