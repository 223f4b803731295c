import { z } from "zod";
import { code, table } from "./markdown";

/**
 * A config section's key table, read from its zod schema through zod's JSON Schema output: what
 * each key accepts comes from the schema's types, enums, patterns and bounds, what it means from the
 * schema's `.describe()`. Checks written as refinements have no JSON Schema form, so the
 * description says what they expect.
 */

interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly default?: unknown;
  readonly description?: string;
}

export interface ConfigKeyRow {
  /** Dotted path; `<name>` stands for a key of a map, `[]` for the items of a list. */
  readonly key: string;
  readonly value: string;
  /** `required`, `optional` or `default <value>`. */
  readonly presence: string;
  readonly description: string;
}

export function configKeyRows(schema: z.ZodType): ConfigKeyRow[] {
  // `input`: what the file may hold, so a key with a default shows as optional, with its default.
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rowsOf(json, "");
}

export function configTable(schema: z.ZodType): string {
  return table(
    ["key", "value", "presence", "meaning"],
    configKeyRows(schema).map((r) => [code(r.key), r.value, r.presence, r.description]),
  );
}

function rowsOf(node: JsonSchema, prefix: string): ConfigKeyRow[] {
  const children = Object.entries(node.properties ?? {});
  const shared = sharedKeys(children.map(([, child]) => child));
  const sharedRows = shared.length ? rowsOf(pick(children[0][1], shared), `${prefix}.<name>`) : [];
  return [
    ...sharedRows,
    ...children.flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const required = node.required?.includes(key) ?? false;
      const own = shared.length ? omit(child, shared) : child;
      // A required object with nothing to say about itself only groups its keys, which have rows;
      // unless its keys share rows under `<name>`, which its own row names.
      const groupsOnly = !mapValueOf(child) && sharedKeys(Object.values(child.properties ?? {})).length === 0;
      const silent = child.type === "object" && groupsOnly && required && !child.description;
      const row: ConfigKeyRow = {
        key: path,
        value: valueOf(child),
        presence: presenceOf(child, required),
        description: child.description ?? "",
      };
      return [...(silent ? [] : [row]), ...nestedRows(own, path)];
    }),
  ];
}

/**
 * Keys that every one of several sibling objects has, with the same schema (each release's `version`,
 * `owner` and `values`): listed once, under `<name>`, instead of once per sibling.
 */
function sharedKeys(siblings: readonly JsonSchema[]): string[] {
  if (siblings.length < 2 || !siblings.every((s) => s.properties)) return [];
  const [first, ...rest] = siblings;
  return Object.keys(first.properties ?? {}).filter((key) =>
    rest.every((s) => JSON.stringify(s.properties?.[key]) === JSON.stringify(first.properties?.[key])),
  );
}

function pick(node: JsonSchema, keys: readonly string[]): JsonSchema {
  const properties = Object.fromEntries(keys.map((k) => [k, node.properties?.[k] ?? {}]));
  return { ...node, properties, required: node.required?.filter((k) => keys.includes(k)) };
}

function omit(node: JsonSchema, keys: readonly string[]): JsonSchema {
  const properties = Object.fromEntries(Object.entries(node.properties ?? {}).filter(([k]) => !keys.includes(k)));
  return { ...node, properties };
}

function nestedRows(node: JsonSchema, path: string): ConfigKeyRow[] {
  if (node.properties) return rowsOf(node, path);
  const entry = mapValueOf(node);
  if (entry?.properties) return rowsOf(entry, `${path}.<name>`);
  if (node.type === "array" && node.items?.properties) return rowsOf(node.items, `${path}[]`);
  return [];
}

function presenceOf(node: JsonSchema, required: boolean): string {
  if (node.default !== undefined) return `default ${code(JSON.stringify(node.default))}`;
  return required ? "required" : "optional";
}

function mapValueOf(node: JsonSchema): JsonSchema | undefined {
  return node.type === "object" && typeof node.additionalProperties === "object"
    ? node.additionalProperties
    : undefined;
}

function valueOf(node: JsonSchema): string {
  if (node.anyOf) return node.anyOf.map(valueOf).join(" or ");
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) return oneOf(node.enum.map((v) => code(String(v))));
  switch (node.type) {
    case "string":
      return stringValue(node);
    case "integer":
    case "number":
      return `${node.type}${bounds(node.minimum, node.maximum)}`;
    case "boolean":
      return "`true` or `false`";
    case "array":
      return `list${count(node.minItems, node.maxItems)} of ${node.items?.properties ? "objects" : valueOf(node.items ?? {})}`;
    case "object": {
      const entry = mapValueOf(node);
      if (!entry)
        return node.properties ? `object with ${oneOf(Object.keys(node.properties).map(code), "and")}` : "object";
      return `map of name to ${entry.properties ? "object" : valueOf(entry)}`;
    }
    default:
      return "any value";
  }
}

function stringValue(node: JsonSchema): string {
  if (node.format === "uri") return "URL";
  if (node.pattern) return `string matching ${code(node.pattern)}`;
  return node.minLength ? "non-empty string" : "string";
}

function oneOf(values: readonly string[], conjunction = "or"): string {
  if (values.length <= 2) return values.join(` ${conjunction} `);
  return conjunction === "or"
    ? `one of ${values.join(", ")}`
    : `${values.slice(0, -1).join(", ")} and ${values.at(-1)}`;
}

/** zod writes the bounds of a safe integer even when the schema sets none. */
function bounds(min: number | undefined, max: number | undefined): string {
  const upper = max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : undefined;
  if (min !== undefined && min > Number.MIN_SAFE_INTEGER && upper !== undefined) return `, ${min} to ${upper}`;
  if (min !== undefined && min > Number.MIN_SAFE_INTEGER) return `, at least ${min}`;
  return upper !== undefined ? `, at most ${upper}` : "";
}

function count(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` (${min} to ${max})`;
  if (min) return ` (at least ${min})`;
  return max !== undefined ? ` (at most ${max})` : "";
}
