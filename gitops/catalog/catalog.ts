import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { formatIssues, InputError, keyPath, listed, shownValue } from "../../config";
import { readYamlFile, resolveInside } from "../../input-files";
import { discoverEnvironments, Environment, PROJECT_ROOT } from "../../stack";
import { chartAppOf, kustomizeAppOf, SourceLocation } from "../sources/load";
import { chartAppSchema, declaredSources, isSourceApp, kustomizeAppSchema, LoadedApp } from "../sources/schema";
import { comesFromOverride, deepMerge, isMap } from "./merge";
import { checkReferences } from "./references";
import { appSpecSchema, isDnsLabel } from "./spec";

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
  /** Its subdirectories: where a chart or Kustomize app keeps its sources. */
  readonly subdirs: readonly string[];
}

/**
 * Reads every app of the catalog that runs in `env` (it has a `<env>.yaml`, which may be empty),
 * merges that file over its base and validates the result. An app without the file, or with
 * `enabled: false` in it, is absent from the environment. An env file of an environment that does
 * not exist is an error. Every problem of every app is reported at once, in one InputError naming
 * the file, the key, the value and the expectation.
 */
export function loadCatalog(env: Environment, options: CatalogOptions = {}): LoadedApp[] {
  const catalogDir = options.catalogDir ?? CATALOG_DIR;
  const environments = options.environments ?? discoverEnvironments();
  if (!environments.includes(env)) {
    throw new InputError(
      `app catalog: received the environment "${env}", which has no Pulumi.${env}.yaml; expected one of ${environments.join(", ")}`,
    );
  }
  const errors: string[] = [];
  const apps: LoadedApp[] = [];
  const only = options.apps && new Set(options.apps);
  for (const name of listAppDirs(catalogDir)) {
    if (only && !only.has(name)) continue;
    try {
      const app = loadApp(catalogDir, name, env, environments);
      if (app && (isSourceApp(app) ? app.enabled : app.spec.enabled)) apps.push(app);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length) throw new InputError(errors.join("\n"));
  return apps;
}

/** One app of the catalog in `env`, enabled or not; undefined when it has no `<env>.yaml`; an InputError when malformed. */
export function loadApp(
  catalogDir: string,
  name: string,
  env: Environment,
  environments: readonly Environment[],
): LoadedApp | undefined {
  const source = readApp(catalogDir, name, env, environments);
  return source && parseApp(source, env, catalogDir);
}

/** The app directories of the catalog, sorted; an InputError for anything else in it. */
export function listAppDirs(catalogDir: string): string[] {
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
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const subdirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const files = entries
    .filter((e) => !e.isDirectory())
    .map((e) => e.name)
    .sort();
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
  const base = read(baseFile);
  return { name, baseFile, base, overrideFile, override: read(overrideFile), subdirs: subdirs.sort() };
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

function parseApp(source: AppSource, env: Environment, catalogDir: string): LoadedApp {
  const merged = deepMerge(source.base, source.override);
  const fileOf = (at: readonly PropertyKey[]): string =>
    shown(comesFromOverride(source.override, at) ? source.overrideFile : source.baseFile);
  const { app, issues, schema } = parseMerged(source, merged, env, catalogDir);
  if (app && issues.length === 0) {
    // Where each value came from, for the errors about the app's extra objects (gitops/render).
    return "spec" in app ? { ...app, source: { baseFile: shown(source.baseFile), fileOf } } : app;
  }

  const lines = issues.flatMap(splitUnknownKeys).map((issue) => {
    const at = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]] : issue.path;
    const file = fileOf(at);
    if (issue.code === "invalid_key" || (issue.code === "custom" && issue.params?.key === true)) {
      // The generic formatter would show the key's value; what is wrong here is the key itself.
      const key = shownValue(String(issue.path[issue.path.length - 1]));
      return `${file}: ${keyPath(source.name, issue.path)}: received the key ${key}; expected ${issue.message}`;
    }
    return formatIssues([issue], merged, { file, key: source.name }, schema);
  });
  if (lines.length === 1) throw new InputError(lines[0]);
  throw new InputError(listed(`app ${source.name}: ${lines.length} invalid values:`, lines));
}

interface Parsed {
  readonly app?: LoadedApp;
  readonly issues: readonly z.core.$ZodIssue[];
  /** The schema the app was read with: errors list its known keys. */
  readonly schema: z.ZodType;
}

/** The merged app file read as the typed spec, a chart app or a Kustomize app: whichever it declares. */
function parseMerged(source: AppSource, merged: unknown, env: Environment, catalogDir: string): Parsed {
  const sources = declaredSources(merged);
  if (sources.length > 1) {
    const message = `one source per app: chart, kustomize, or neither for the typed spec (this app declares ${sources.join(" and ")})`;
    return { issues: [{ code: "custom", path: [sources[1]], message, input: undefined }], schema: appSpecSchema };
  }
  if (sources.length === 0) {
    if (source.subdirs.length) {
      throw new InputError(
        `${shown(path.join(catalogDir, source.name, source.subdirs[0]))}: unexpected directory in app ${source.name}; ` +
          `expected only ${BASE_FILE} and <env>.yaml files (only a chart or kustomize app keeps sources in directories)`,
      );
    }
    const result = appSpecSchema.safeParse(merged);
    if (!result.success) return { issues: result.error.issues, schema: appSpecSchema };
    const app = { name: source.name, spec: result.data };
    return { app, issues: checkReferences(source.name, result.data), schema: appSpecSchema };
  }
  const where: SourceLocation = {
    name: source.name,
    env,
    dir: path.join(catalogDir, source.name),
    // Source paths stay inside the repository: the directory that holds gitops/apps.
    repoRoot: path.resolve(catalogDir, "..", ".."),
    lockFile: shown(comesFromOverride(source.override, ["chart", "version"]) ? source.overrideFile : source.baseFile),
  };
  if (sources[0] === "chart") {
    const result = chartAppSchema.safeParse(merged);
    if (!result.success) return { issues: result.error.issues, schema: chartAppSchema };
    return { ...chartAppOf(where, result.data), schema: chartAppSchema };
  }
  const result = kustomizeAppSchema.safeParse(merged);
  if (!result.success) return { issues: result.error.issues, schema: kustomizeAppSchema };
  return { ...kustomizeAppOf(where, result.data), schema: kustomizeAppSchema };
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
