import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { formatIssues, InputError, keyPath, listed, shownValue } from "../../config";
import { readYamlFile, resolveInside } from "../../input-files";
import { discoverEnvironments, Environment, PROJECT_ROOT } from "../../stack";
import { comesFromOverride, deepMerge, isMap } from "./merge";
import { checkReferences } from "./references";
import { appSpecSchema, CatalogApp, isDnsLabel } from "./spec";

/** The shipped catalog: `gitops/apps/<app>/`. */
export const CATALOG_DIR = path.join(PROJECT_ROOT, "gitops", "apps");

export const BASE_FILE = "app.yaml";

export interface CatalogOptions {
  /** Where the app directories are; by default the shipped catalog, gitops/apps. */
  readonly catalogDir?: string;
  /**
   * The environments an app's env files may name; by default those of this project (one per
   * `Pulumi.<env>.yaml`). Callers with another project pass its environments.
   */
  readonly environments?: readonly Environment[];
  /**
   * Only these apps (directory names), the others left unread; by default every app. A diff of two
   * renders re-renders only the apps whose directories differ (automation/manifest-diff).
   */
  readonly apps?: readonly string[];
}

/** One app directory, read and parsed but not yet merged: its base and its file for the environment. */
interface AppSource {
  readonly name: string;
  readonly baseFile: string;
  readonly base: unknown;
  readonly overrideFile: string;
  readonly override: unknown;
}

/**
 * Reads every app of the catalog that runs in `env` (it has a `<env>.yaml`, which may be empty),
 * merges that file over its base and validates the result. An app without the file, or with
 * `enabled: false` in it, is absent from the environment. An env file of an environment that does
 * not exist is an error. Every problem of every app is reported at once, in one InputError naming
 * the file, the key, the value and the expectation.
 */
export function loadCatalog(env: Environment, options: CatalogOptions = {}): CatalogApp[] {
  const catalogDir = options.catalogDir ?? CATALOG_DIR;
  const environments = options.environments ?? discoverEnvironments();
  if (!environments.includes(env)) {
    throw new InputError(
      `app catalog: received the environment "${env}", which has no Pulumi.${env}.yaml; expected one of ${environments.join(", ")}`,
    );
  }
  const errors: string[] = [];
  const apps: CatalogApp[] = [];
  const only = options.apps && new Set(options.apps);
  for (const name of listAppDirs(catalogDir)) {
    if (only && !only.has(name)) continue;
    try {
      const source = readApp(catalogDir, name, env, environments);
      if (source === undefined) continue;
      const app = parseApp(source);
      if (app.spec.enabled) apps.push(app);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length) throw new InputError(errors.join("\n"));
  return apps;
}

function listAppDirs(catalogDir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(catalogDir, { withFileTypes: true });
  } catch {
    throw new InputError(`${shown(catalogDir)}: not found; expected the app catalog, one directory per app`);
  }
  const names: string[] = [];
  for (const entry of entries) {
    const full = path.join(catalogDir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectoryInside(full, catalogDir))) names.push(entry.name);
    else if (entry.name !== "README.md") {
      throw new InputError(
        `${shown(full)}: unexpected file; expected only app directories (gitops/apps/<app>/${BASE_FILE})`,
      );
    }
  }
  return names.sort();
}

/** A link to a directory of the catalog counts as one; a link out of it is refused before reading. */
function isDirectoryInside(full: string, catalogDir: string): boolean {
  if (!fs.existsSync(full)) return false;
  return fs.statSync(resolveInside(full, catalogDir, shown(full))).isDirectory();
}

function readApp(
  catalogDir: string,
  name: string,
  env: Environment,
  environments: readonly Environment[],
): AppSource | undefined {
  const dir = path.join(catalogDir, name);
  if (!isDnsLabel(name)) {
    throw new InputError(
      `${shown(dir)}: app name ${shownValue(name)} is invalid; expected lower-case letters, digits and "-", at most 63 characters ` +
        "(it names the app's namespace and objects)",
    );
  }
  const files = fs.readdirSync(dir).sort();
  for (const file of files) {
    if (file === BASE_FILE) continue;
    const envOfFile = /^(.+)\.yaml$/.exec(file)?.[1];
    if (envOfFile === undefined) {
      throw new InputError(
        `${shown(path.join(dir, file))}: unexpected file in app ${name}; expected only ${BASE_FILE} and ` +
          `<env>.yaml for each environment it runs in (${environments.join(", ")})`,
      );
    }
    if (!environments.includes(envOfFile)) {
      throw new InputError(
        `${shown(path.join(dir, file))}: env file of app ${name} for the environment "${envOfFile}", which has no ` +
          `Pulumi.${envOfFile}.yaml; expected <env>.yaml of an existing environment: ${environments.join(", ")}`,
      );
    }
  }
  const baseFile = path.join(dir, BASE_FILE);
  if (!files.includes(BASE_FILE)) {
    throw new InputError(`${shown(dir)}: app ${name} has no ${BASE_FILE}; expected its base spec there`);
  }
  const overrideFile = path.join(dir, `${env}.yaml`);
  if (!files.includes(`${env}.yaml`)) return undefined;
  const read = (file: string): unknown => readYamlMap(file, catalogDir, name);
  return { name, baseFile, base: read(baseFile), overrideFile, override: read(overrideFile) };
}

function readYamlMap(file: string, catalogDir: string, app: string): unknown {
  const value = readYamlFile(file, catalogDir, {
    file: shown(file),
    keyPrefix: app,
    expected: `the settings of app ${app}`,
  });
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    const what = Array.isArray(value) ? "a YAML list" : `the scalar ${shownValue(value)}`;
    throw new InputError(`${shown(file)}: received ${what} at the top level; expected a map of settings of app ${app}`);
  }
  return value;
}

function parseApp(source: AppSource): CatalogApp {
  const merged = deepMerge(source.base, source.override);
  const result = appSpecSchema.safeParse(merged);
  const issues = result.success ? checkReferences(source.name, result.data) : result.error.issues;
  const fileOf = (at: readonly PropertyKey[]): string =>
    shown(comesFromOverride(source.override, at) ? source.overrideFile : source.baseFile);
  if (result.success && issues.length === 0) {
    return { name: source.name, spec: result.data, source: { baseFile: shown(source.baseFile), fileOf } };
  }

  const lines = issues.flatMap(splitUnknownKeys).map((issue) => {
    const at = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
    const file = fileOf(at);
    if (issue.code === "invalid_key" || (issue.code === "custom" && issue.params?.key === true)) {
      // The generic formatter would show the key's value; what is wrong here is the key itself.
      const key = shownValue(String(issue.path[issue.path.length - 1]));
      return `${file}: ${keyPath(source.name, issue.path)}: received the key ${key}; expected ${issue.message}`;
    }
    return formatIssues([issue], merged, { file, key: source.name }, appSpecSchema);
  });
  if (lines.length === 1) throw new InputError(lines[0]);
  throw new InputError(listed(`app ${source.name}: ${lines.length} invalid values:`, lines));
}

/** One issue per unknown key, so each names the file that holds that key. */
function splitUnknownKeys(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "unrecognized_keys") return [issue];
  return issue.keys.map((key) => ({ ...issue, keys: [key], path: issue.path }));
}

function shown(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
