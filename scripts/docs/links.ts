import * as fs from "node:fs";
import * as path from "node:path";
import { docPages } from "./snippets";

/**
 * Relative links of README.md and docs/*.md: each must name a file of the project and, with a
 * `#fragment`, a heading of that page. Moving a section between pages breaks links silently on
 * GitHub; this finds them.
 */

export interface BrokenLink {
  readonly page: string;
  readonly line: number;
  readonly target: string;
  readonly why: string;
}

/** The lines of a page outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | undefined;
  text.split("\n").forEach((line, i) => {
    const opening = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (line.trimEnd() === fence) fence = undefined;
    } else if (opening) fence = opening;
    else out.push({ line: i + 1, text: line });
  });
  return out;
}

/**
 * The anchors GitHub gives a page's headings: lower case, punctuation other than `-` and `_` dropped,
 * spaces made `-`, and `-1`, `-2` … appended to repeats.
 */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

export function brokenLinks(root: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(fs.readFileSync(file, "utf8")));
    return anchorsOf.get(file) ?? new Set<string>();
  };
  for (const page of docPages(root)) {
    const file = path.join(root, page);
    for (const { line, text } of proseLines(fs.readFileSync(file, "utf8"))) {
      const prose = text.replace(/`[^`]*`/g, "");
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [filePart, fragment] = target.split("#", 2);
        const linked = filePart ? path.resolve(path.dirname(file), filePart) : file;
        if (!fs.existsSync(linked)) {
          broken.push({ page, line, target, why: "no such file" });
        } else if (fragment !== undefined && linked.endsWith(".md") && !anchors(linked).has(fragment)) {
          broken.push({ page, line, target, why: `no heading with the anchor #${fragment}` });
        }
      }
    }
  }
  return broken;
}
