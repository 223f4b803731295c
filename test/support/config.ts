import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../../automation/synth/synth";
import { configTable } from "../../scripts/docs/config-table";
import { beginMarker, endMarker } from "../../scripts/docs/generated-blocks";
import { Environment, EnvironmentConfig, readEnvironmentConfig } from "../../stack";

const shipped = new Map<Environment, EnvironmentConfig>();

/** The real, shipped config file of `env`: read once per process (no test writes it), a copy each call. */
export function shippedConfig(env: Environment): EnvironmentConfig {
  let config = shipped.get(env);
  if (!config) shipped.set(env, (config = readEnvironmentConfig(REPO_ROOT, env)));
  return structuredClone(config);
}

/** A copy of `config` with one key replaced: how tests feed a layer bad input. */
export function withValue(config: EnvironmentConfig, key: string, value: unknown): EnvironmentConfig {
  const values: Record<string, unknown> = structuredClone({ ...config.values });
  if (value === undefined) delete values[key];
  else values[key] = value;
  return { ...config, values };
}

/** A deep copy of one structured section, for a test to edit before `withValue`. */
export function sectionOf(config: EnvironmentConfig, key: string): Record<string, unknown> {
  return structuredClone(config.values[key]) as Record<string, unknown>;
}

/**
 * The rows of a table as cells, the columns' padding dropped: `npm run docs` writes a generated key
 * table and prettier then pads it, so this reads both forms alike.
 */
function tableCells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((row) =>
      row
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^-+$/, "---")),
    );
}

/** The generated block `name` of docs/config.md (a key table), as cells. */
export function documentedKeyTable(name: string): string[][] {
  const page = fs.readFileSync(path.join(REPO_ROOT, "docs", "config.md"), "utf8");
  const begin = page.indexOf(beginMarker(name));
  const end = page.indexOf(endMarker(name));
  assert.ok(begin >= 0 && end > begin, `docs/config.md has no generated block ${name}`);
  return tableCells(page.slice(begin + beginMarker(name).length, end));
}

/** The key table `npm run docs` generates from `schema`, as cells. */
export function generatedKeyTable(schema: z.ZodType): string[][] {
  return tableCells(configTable(schema));
}
