import { clip, collapsible, plural } from "./markdown";

/**
 * Fitting the pull-request comment into GitHub's limit. The frame (headings, tables, notes) is
 * always shown; the details live in sections of items (resources, file diffs, finding rows), and
 * when they do not all fit, the largest sections give up items first: every section keeps items up
 * to one common size, so small sections stay whole while the few large ones are cut. A note at the
 * top says what was cut and where.
 */

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
export const slot = (index: number): string => `\u0000section-${index}\u0000`;
/** Placeholder (on a line of its own) for the note that says what was cut. */
export const NOTE_SLOT = "\u0000note\u0000";
// Stryker disable next-line ObjectLiteral: renders join the items' text, where a missing text reads as empty too
const EMPTY: Item = { text: "" };

/** How the note names what was trimmed, and where the whole of it is. */
export interface TrimWording {
  /** `comment`, `pull request body`. */
  readonly text: string;
  /** What keeps everything: `the job log has the full preview`. */
  readonly whole: string;
}

const COMMENT_WORDING: TrimWording = { text: "comment", whole: "the job log has the full preview" };

/** The frame with every section in its slot, trimmed to `limit` characters when needed. */
export function fitComment(
  frame: string,
  sections: readonly Section[],
  limit: number,
  wording: TrimWording = COMMENT_WORDING,
): string {
  const full = assemble(
    frame,
    sections,
    sections.map((s) => s.items),
    "",
    wording,
  );
  if (full.length <= limit) return full;

  const chosen = chooseItems(frame, sections, limit, wording);
  let body = assemble(frame, sections, chosen, renderNote(sections, chosen, limit, wording), wording);
  // The accounting is an upper bound; should it ever fall short, drop items from the largest section until it fits.
  while (body.length > limit) {
    const sizes = chosen.map((items) => (items.length === 0 ? -1 : items.reduce((n, i) => n + i.text.length, 0)));
    const most = Math.max(-1, ...sizes);
    // No section shows an item any more, or there is none: the frame alone is too long.
    if (most < 0) return clip(body, limit);
    const largest = sizes.indexOf(most);
    chosen[largest] = chosen[largest].slice(0, -1);
    body = assemble(frame, sections, chosen, renderNote(sections, chosen, limit, wording), wording);
  }
  return body;
}

/**
 * The items each section keeps. Every length is an upper bound: a section costs its one-line "cut"
 * form until it shows an item, then its collapsible wrapper (with the longest possible "not shown"
 * line) plus each item and the separator before it; the note is counted as if every section lost
 * items. The common size (the cap) is the largest one whose total fits, found by bisection.
 */
function chooseItems(frame: string, sections: readonly Section[], limit: number, wording: TrimWording): Item[][] {
  const slots = sections.reduce((n, _, i) => n + slot(i).length, 0);
  const frameLength = frame.length - slots - (NOTE_SLOT.length + 1);
  const noteLength =
    renderNote(
      sections,
      sections.map(() => []),
      limit,
      wording,
    ).length + 2;
  const cutLength = (s: Section) => renderSection(s, [], wording).length;
  const budget = limit - frameLength - noteLength - sections.reduce((n, s) => n + cutLength(s), 0);
  const opening = sections.map((s) => renderSection(s, [EMPTY], wording).length - cutLength(s));
  const pick = (cap: number): { items: Item[][]; cost: number } => {
    let cost = 0;
    const items = sections.map((section, n) => {
      const separator = section.kind === "file" ? 2 : 1;
      const picked: Item[] = [];
      let used = 0;
      for (const item of section.items) {
        const itemCost = item.text.length + (picked.length === 0 ? opening[n] : separator);
        if (used + itemCost > cap) continue;
        used += itemCost;
        picked.push(item);
      }
      cost += used;
      return picked;
    });
    return { items, cost };
  };
  let low = 0;
  let high = Math.max(0, budget);
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    if (pick(cap).cost <= budget) low = cap;
    else high = cap - 1;
  }
  return pick(low).items;
}

function assemble(
  frame: string,
  sections: readonly Section[],
  chosen: readonly (readonly Item[])[],
  note: string,
  wording: TrimWording,
): string {
  // Function replacements: diffs may hold `$&` and friends, which a replacement string would expand.
  let text = frame.replace(`${NOTE_SLOT}\n`, () => (note ? `${note}\n\n` : ""));
  sections.forEach((section, i) => {
    text = text.replace(slot(i), () => renderSection(section, chosen[i], wording));
  });
  return text;
}

function renderSection(section: Section, items: readonly Item[], wording: TrimWording): string {
  const left = section.items.length - items.length;
  const what = section.kind;
  if (items.length === 0 && left > 0) {
    return `${section.summary}: details cut to fit the ${wording.text} (${plural(left, what)}).`;
  }
  const cut = left > 0 ? `\n\n_${plural(left, what)} not shown: cut to fit the ${wording.text}._` : "";
  return collapsible(section.summary, `${section.render(items)}${cut}`, section.open);
}

function renderNote(
  sections: readonly Section[],
  chosen: readonly (readonly Item[])[],
  limit: number,
  wording: TrimWording,
): string {
  const cuts = sections
    .map((s, i) => ({ where: s.where, kind: s.kind, left: s.items.length - chosen[i].length }))
    .filter((c) => c.left > 0)
    .sort((a, b) => b.left - a.left);
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
    `> [!WARNING]\n> Trimmed to fit GitHub's ${wording.text} limit (${limit.toLocaleString("en-US")} characters): cut ${what}, ` +
    `largest sections first (${listed.join(", ")}). The summary table is complete; ${wording.whole}.`
  );
}
