import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Fenced `sh` blocks marked runnable (an info string of `sh runnable`) in README.md and docs/*.md: the
 * commands the docs promise work, which a test runs in a temporary clone of the project.
 */
export interface RunnableSnippet {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly script: string;
}

/** README.md and every page of docs/, relative to the project root. */
export function docPages(root: string): string[] {
  return [
    "README.md",
    ...fs
      .readdirSync(path.join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

export function runnableSnippets(root: string): RunnableSnippet[] {
  return docPages(root).flatMap((page) => snippetsOf(page, fs.readFileSync(path.join(root, page), "utf8")));
}

export function snippetsOf(page: string, text: string): RunnableSnippet[] {
  const snippets: RunnableSnippet[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})(.*)$/.exec(lines[i]);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === fence[1]);
    if (end < 0) throw new Error(`${page}:${i + 1}: a code block that is never closed`);
    const info = fence[2].trim().split(/\s+/);
    if (info[0] === "sh" && info.includes("runnable")) {
      snippets.push({ page, line: i + 1, script: lines.slice(i + 1, end).join("\n") });
    }
    i = end;
  }
  return snippets;
}
