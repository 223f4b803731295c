import { isMap } from "../catalog/merge";

/**
 * Deterministic YAML for plain JSON-like data: map keys sorted by code point (never by locale),
 * two-space indentation, block style, no anchors, no document markers, no timestamps. The same value
 * always gives the same bytes.
 *
 * Written here rather than with the `yaml` package's stringify because hydrating 1000 apps x 2 envs
 * must stay under 3 s (DESIGN.md) and this is about 10 times faster. Strings are quoted whenever a
 * YAML 1.1 or 1.2 reader could take them for something else (`on`, `1.10`, `0x1f`, `2024-01-01`):
 * Kubernetes reads YAML with sigs.k8s.io/yaml, whose resolver follows YAML 1.1. A property test
 * checks the round trip through both versions.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emitDocument(value, lines);
  return `${lines.join("\n")}\n`;
}

function emitDocument(value: unknown, lines: string[]): void {
  if (isMap(value) && Object.keys(value).length) emitMap(value, "", lines);
  else if (Array.isArray(value) && value.length) emitList(value, "", lines);
  else lines.push(scalar(value, ""));
}

function emitMap(map: Record<string, unknown>, indent: string, lines: string[], firstPrefix?: string): void {
  let first = true;
  for (const key of sortedKeys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    const head = `${first && firstPrefix !== undefined ? firstPrefix : indent}${plainOrQuoted(key)}:`;
    first = false;
    emitEntry(head, value, indent, lines);
  }
}

function emitEntry(head: string, value: unknown, indent: string, lines: string[]): void {
  if (isMap(value) && Object.keys(value).length) {
    lines.push(head);
    emitMap(value, `${indent}  `, lines);
  } else if (Array.isArray(value) && value.length) {
    lines.push(head);
    emitList(value, `${indent}  `, lines);
  } else {
    lines.push(`${head} ${scalar(value, `${indent}  `)}`);
  }
}

function emitList(list: readonly unknown[], indent: string, lines: string[]): void {
  for (const item of list) {
    if (isMap(item) && Object.keys(item).length) {
      emitMap(item, `${indent}  `, lines, `${indent}- `);
    } else if (Array.isArray(item) && item.length) {
      lines.push(`${indent}-`);
      emitList(item, `${indent}  `, lines);
    } else {
      lines.push(`${indent}- ${scalar(item, `${indent}  `)}`);
    }
  }
}

function scalar(value: unknown, indent: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value === "string") return stringScalar(value, indent);
  if (Array.isArray(value)) return "[]";
  if (isMap(value)) return "{}";
  throw new Error(`cannot write a ${typeof value} as YAML`);
}

/** A string as a literal block when it is multi-line text, else plain when unambiguous, else quoted. */
function stringScalar(text: string, indent: string): string {
  if (isLiteralBlockSafe(text)) {
    const chomp = text.endsWith("\n") ? "" : "-";
    const body = text.endsWith("\n") ? text.slice(0, -1) : text;
    return `|${chomp}\n${body
      .split("\n")
      .map((line) => (line ? `${indent}${line}` : ""))
      .join("\n")}`;
  }
  return plainOrQuoted(text);
}

/**
 * Keys and most values repeat across thousands of objects (`apiVersion`, `app.kubernetes.io/name`,
 * `TCP`), so their written form is remembered; the cache is dropped when it grows large.
 */
const written = new Map<string, string>();

function plainOrQuoted(text: string): string {
  let result = written.get(text);
  // Stryker disable next-line ConditionalExpression: always recomputing gives the same text; the cache only saves time
  if (result === undefined) {
    result = isPlainSafe(text) ? text : quoted(text);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the cache is dropped changes only time and memory
    if (written.size >= 50_000) written.clear();
    written.set(text, result);
  }
  return result;
}

/**
 * A double-quoted scalar. JSON's escapes are YAML's too; JSON leaves DEL, C1 controls and the
 * Unicode line separators raw, which YAML does not allow raw (YAML 1.1 even breaks lines on them).
 */
function quoted(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./@:+=,()$-]*(?: [A-Za-z0-9_./@:+=,()$-]+)*$/;
/** Words YAML 1.1 reads as booleans or null, and 1.2's special floats. */
const KEYWORD =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$/;
/** Anything number- or date-like: digits with only separators, signs, exponents, radix prefixes. */
const NUMBER_LIKE = /^[-+.]?[0-9][0-9a-fA-FxXoObB_.:eE+-]*$/;

function isPlainSafe(text: string): boolean {
  return (
    PLAIN.test(text) &&
    !KEYWORD.test(text) &&
    !NUMBER_LIKE.test(text) &&
    !text.includes(": ") &&
    !text.includes(" #") &&
    !text.endsWith(":")
  );
}

/** Multi-line, printable text that a `|` block keeps byte for byte. */
function isLiteralBlockSafe(text: string): boolean {
  if (!text.includes("\n") || text.endsWith("\n\n") || /^[\s]/.test(text)) return false;
  // Only printable characters and tabs; lines of only whitespace would be ambiguous with indentation
  // (a first line of only whitespace starts with whitespace, refused above).
  return (
    !/[^\t\n\u0020-\u007e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/.test(text) &&
    !/\n[ \t]+(\n|$)/.test(text)
  );
}

function sortedKeys(map: Record<string, unknown>): string[] {
  // The default order compares UTF-16 code units, as `<` does: never the locale.
  return Object.keys(map).sort();
}
