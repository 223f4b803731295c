import * as assert from "node:assert/strict";
import { fitComment, Item, NOTE_SLOT, Section, slot } from "../automation/report/comment-budget";

/**
 * The trimming of the PR comment to a limit, on sections small enough to write the expected text out.
 * `expected` restates the documented format: a note on top naming what was cut, each section either
 * whole, cut to its first items with a "not shown" line, or reduced to one line.
 */

/** Items of 200 characters: longer than the note, so that cutting them is what makes room. */
const items = (prefix: string, count: number): Item[] =>
  Array.from({ length: count }, (_, n) => ({ text: `${prefix}-${n + 1} `.padEnd(200, "=") }));

function section(where: string, count: number, extra: Partial<Section> = {}): Section {
  return {
    where,
    summary: `S ${where}`,
    kind: "resource",
    items: items(where, count),
    render: (shown) => shown.map((i) => i.text).join("\n"),
    ...extra,
  };
}

const frameOf = (sections: readonly Section[]) =>
  `<!-- m -->\n${NOTE_SLOT}\n${sections.map((_, n) => slot(n)).join("\n")}\n`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const WORDS: Record<Section["kind"], [string, string]> = {
  resource: ["the details of", "resource"],
  file: ["the diffs of", "manifest file"],
  finding: ["the rows of", "guardrail finding"],
};

/** The comment showing the first `shown[n]` items of section n, with `limit` in the note. */
function expected(sections: readonly Section[], shown: readonly number[], limit: number): string {
  const cuts = sections
    .map((s, n) => ({ where: s.where, kind: s.kind, left: s.items.length - shown[n] }))
    .filter((c) => c.left > 0)
    .sort((a, b) => b.left - a.left);
  const parts = (["resource", "file", "finding"] as const)
    .map((kind) => [kind, cuts.filter((c) => c.kind === kind).reduce((n, c) => n + c.left, 0)] as const)
    .filter(([, total]) => total > 0)
    .map(([kind, total]) => `${WORDS[kind][0]} ${plural(total, WORDS[kind][1])}`);
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  const note =
    cuts.length === 0
      ? ""
      : `> [!WARNING]\n> Trimmed to fit GitHub's comment limit (${limit.toLocaleString("en-US")} characters): ` +
        `cut ${what}, largest sections first ` +
        `(${cuts.map((c) => `\`${c.where}\`: ${c.left}`).join(", ")}). The summary table is complete; ` +
        "the job log has the full preview.\n\n";
  const bodies = sections.map((s, n) => {
    const left = s.items.length - shown[n];
    if (shown[n] === 0 && left > 0) return `${s.summary}: details cut to fit the comment (${plural(left, s.kind)}).`;
    const cut = left > 0 ? `\n\n_${plural(left, s.kind)} not shown: cut to fit the comment._` : "";
    const open = s.open ? " open" : "";
    return `<details${open}>\n<summary>${s.summary}</summary>\n\n${s.render(s.items.slice(0, shown[n]))}${cut}\n\n</details>`;
  });
  return `<!-- m -->\n${note}${bodies.join("\n")}\n`;
}

/** The limit that the comment showing `shown` exactly fills (the note names the limit, so its length depends on it). */
function exactLimit(sections: readonly Section[], shown: readonly number[]): number {
  let limit = 0;
  while (expected(sections, shown, limit).length !== limit) limit = expected(sections, shown, limit).length;
  return limit;
}

/** How often fitting `section` alone into `limit` renders it. */
function rendersToFit(section: Section, limit: number): number {
  let renders = 0;
  const counted = [{ ...section, render: (shown: readonly Item[]) => (renders++, section.render(shown)) }];
  fitComment(frameOf(counted), counted, limit);
  return renders;
}

describe("trimming the PR comment to the limit", () => {
  const one = [section("infra-s", 6)];

  it("leaves a comment of exactly the limit whole, and trims one character past it", () => {
    const full = expected(one, [6], 0);
    assert.equal(fitComment(frameOf(one), one, full.length), full);
    const trimmed = fitComment(frameOf(one), one, full.length - 1);
    assert.notEqual(trimmed, full);
    assert.ok(trimmed.length <= full.length - 1, `${trimmed.length} characters`);
  });

  it("shows the most items that fit: all of them at the exact length, one fewer one character below", () => {
    // Up to 4 of 6 shown, the counts in the note and the "not shown" line keep their width, so the
    // budget is exact: each length is the one limit at which k items fit and k + 1 do not.
    for (let k = 1; k <= 4; k++) {
      const limit = exactLimit(one, [k]);
      // Found by the accounting alone, never by trial and error: rendered whole, with one empty item
      // to size the wrapper, then as chosen (unless no item is shown).
      assert.equal(rendersToFit(one[0], limit), 3, `renders for ${k} items`);
      assert.equal(rendersToFit(one[0], limit - 1), k > 1 ? 3 : 2, `renders for ${k - 1} items`);
      assert.equal(fitComment(frameOf(one), one, limit), expected(one, [k], limit), `${k} items at ${limit}`);
      assert.equal(
        fitComment(frameOf(one), one, limit - 1),
        expected(one, [k - 1], limit - 1),
        `${k - 1} items at ${limit - 1}`,
      );
    }
  });

  it("counts the blank line between the diffs of files exactly too", () => {
    const files: Section = {
      ...section("app", 6),
      kind: "file",
      render: (shown) => shown.map((i) => i.text).join("\n\n"),
    };
    for (let k = 2; k <= 4; k++) {
      const limit = exactLimit([files], [k]);
      assert.equal(fitComment(frameOf([files]), [files], limit), expected([files], [k], limit));
      assert.equal(fitComment(frameOf([files]), [files], limit - 1), expected([files], [k - 1], limit - 1));
      assert.equal(rendersToFit(files, limit - 1), 3);
    }
  });

  it("cuts the largest sections first, to one common size, and lists them largest first", () => {
    const three = [section("small", 2), section("mid", 5), section("large", 8)];
    // The budget counts the note as if every section lost items: room to spare, less than one item.
    const limit = exactLimit(three, [2, 3, 3]) + 150;
    assert.equal(fitComment(frameOf(three), three, limit), expected(three, [2, 3, 3], limit));
  });

  it("drops items from the largest section when a section's wrapper grows with its items", () => {
    // A render the accounting cannot foresee: 100 characters more per item shown.
    const growing = [
      section("grows", 6, { render: (shown) => shown.map((i) => `${i.text}${"~".repeat(100)}`).join("\n") }),
    ];
    const limit = exactLimit(growing, [3]);
    assert.ok(expected(growing, [4], limit).length > limit);
    assert.equal(fitComment(frameOf(growing), growing, limit), expected(growing, [3], limit));
    assert.equal(fitComment(frameOf(growing), growing, limit - 1), expected(growing, [2], limit - 1));
  });

  it("drops the items of the largest section first when the accounting falls short", () => {
    const grows = (where: string, count: number) =>
      section(where, count, { render: (shown) => shown.map((i) => `${i.text}${"~".repeat(100)}`).join("\n") });
    const two = [grows("small", 2), grows("big", 6)];
    const limit = exactLimit(two, [2, 2]);
    assert.equal(fitComment(frameOf(two), two, limit), expected(two, [2, 2], limit));
  });

  it("drops items whose text is empty too before it clips", () => {
    const blank = [
      section("blank", 4, {
        items: Array.from({ length: 4 }, () => ({ text: "" })),
        render: (shown) => shown.map(() => "#".repeat(150)).join("\n"),
      }),
    ];
    // A few characters of room: the accounting, which sees no text, takes all four; one fits.
    const limit = exactLimit(blank, [1]) + 3;
    assert.equal(fitComment(frameOf(blank), blank, limit), expected(blank, [1], limit));
  });

  it("renders a section without items whole, and a frame without sections as it is", () => {
    const empty = [section("none", 0)];
    assert.equal(
      fitComment(frameOf(empty), empty, 1_000),
      "<!-- m -->\n<details>\n<summary>S none</summary>\n\n\n\n</details>\n",
    );
    const frame = `<!-- m -->\n${NOTE_SLOT}\n${"x".repeat(300)}\n`;
    assert.equal(fitComment(frame, [], 100), `<!-- m -->\n${"x".repeat(88)}…`, "clipped, with no note to add");
  });

  it("clips the frame itself when even every section cut to one line does not fit", () => {
    const comment = fitComment(frameOf(one), one, 120);
    const everyItemCut = expected(one, [0], 120);
    assert.equal(comment, `${everyItemCut.slice(0, 119)}…`);
  });

  it("keeps $-patterns of the items as they are and unfolds an open section", () => {
    const dollars = [section("d", 1, { items: [{ text: "$& $1 $$" }], open: true })];
    assert.equal(
      fitComment(frameOf(dollars), dollars, 1_000),
      "<!-- m -->\n<details open>\n<summary>S d</summary>\n\n$& $1 $$\n\n</details>\n",
    );
  });

  it("names each kind of cut in the note, and at most 12 sections, then how many more", () => {
    const kinds: Section[] = [
      section("res", 3),
      { ...section("app", 3), kind: "file", render: (shown) => shown.map((i) => i.text).join("\n\n") },
      { ...section("rules", 3), kind: "finding" },
      ...Array.from({ length: 11 }, (_, n) => section(`s${String(n + 10)}`, 2)),
    ];
    const note = (sections: readonly Section[]) => fitComment(frameOf(sections), sections, 2_000).split("\n")[2];
    assert.equal(
      note(kinds),
      "> Trimmed to fit GitHub's comment limit (2,000 characters): cut the details of 25 resources, the diffs of " +
        "3 manifest files and the rows of 3 guardrail findings, largest sections first (`res`: 3, `app`: 3, " +
        "`rules`: 3, `s10`: 2, `s11`: 2, `s12`: 2, `s13`: 2, `s14`: 2, `s15`: 2, `s16`: 2, `s17`: 2, `s18`: 2, " +
        "and 2 more). The summary table is complete; the job log has the full preview.",
    );
    const twelveFiles = Array.from({ length: 12 }, (_, n): Section => ({ ...section(`f${n + 10}`, 2), kind: "file" }));
    assert.equal(
      note(twelveFiles),
      "> Trimmed to fit GitHub's comment limit (2,000 characters): cut the diffs of 24 manifest files, largest " +
        "sections first (`f10`: 2, `f11`: 2, `f12`: 2, `f13`: 2, `f14`: 2, `f15`: 2, `f16`: 2, `f17`: 2, `f18`: 2, " +
        "`f19`: 2, `f20`: 2, `f21`: 2). The summary table is complete; the job log has the full preview.",
    );
  });
});
