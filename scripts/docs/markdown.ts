/**
 * Markdown pieces for generated docs. Prettier aligns the tables afterwards (pages.ts), so rows are
 * written unpadded here.
 */

/**
 * One table cell: `|` is escaped everywhere (GitHub's tables split on it even inside code spans and
 * drop the backslash there), `*` only outside code spans, where it would start emphasis.
 */
export function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\*/g, "\\*")))
    .join("")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

export function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map((row) => line(row.map(cell)))].join("\n");
}
