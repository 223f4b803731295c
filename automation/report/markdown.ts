import type { PropertyChange, ResourceChange } from "../driver/engine-events";

/** Small Markdown helpers shared by the PR comment and the drift report. */

/** A fenced code block whose fence is longer than any backtick run inside `text` (or `sizedOn`). */
export function fenced(text: string, language = "", sizedOn = text): string {
  const longestRun = Math.max(2, ...(sizedOn.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence}${language}\n${text.replace(/\n$/, "")}\n${fence}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inline code inside HTML (`<summary>` does not render Markdown backticks reliably). */
export function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

export function collapsible(summary: string, body: string, open = false): string {
  return `<details${open ? " open" : ""}>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** One line of a table cell: no pipes or newlines, bounded length. */
export function tableCell(text: string, max = 300): string {
  return clip(text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|"), max);
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A property value as one bounded line: JSON, secrets and unknowns already replaced by markers. */
export function showValue(value: unknown, max = 120): string {
  const text = value === undefined ? "(none)" : (JSON.stringify(value) ?? typeof value);
  return clip(text, max);
}

const RESOURCE_SYMBOL: Record<ResourceChange["op"], string> = {
  create: "+",
  import: "=",
  update: "~",
  replace: "+-",
  delete: "-",
};

/** A resource and its changed properties as lines of a ```diff block (`+` green, `-` red). */
export function resourceLines(resource: ResourceChange): string {
  const head = `${RESOURCE_SYMBOL[resource.op]} ${resource.type}  ${resource.name}${resource.op === "replace" ? "  (replace)" : ""}`;
  return [head, ...resource.properties.map(propertyLine)].join("\n");
}

function propertyLine(change: PropertyChange): string {
  const forces = change.replaces ? "  (forces replacement)" : "";
  if (change.kind === "add") return `+     ${change.path}: ${showValue(change.after)}${forces}`;
  if (change.kind === "delete") return `-     ${change.path}: ${showValue(change.before)}${forces}`;
  return `~     ${change.path}: ${showValue(change.before)} => ${showValue(change.after)}${forces}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
