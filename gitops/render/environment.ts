import { InputError } from "../../config";
import { Environment } from "../../stack";
import { CatalogOptions, loadCatalog } from "../catalog/catalog";
import { CatalogApp } from "../catalog/spec";
import { Finding, lintApp, LintError, LintPolicy } from "../lint/lint";
import { renderApp } from "./app";
import { assertInsideApps, fileNameOf } from "./file-names";
import { Manifest, refOfManifest } from "./manifest";
import { validateManifests } from "./validate";
import { toYaml } from "./yaml";

export interface RenderOptions extends CatalogOptions {
  /**
   * Severity overrides per lint rule: the environment's `gitops-platform:gitops.lint`. Without it
   * each rule has its own default severity.
   */
  readonly lint?: LintPolicy;
}

export interface RenderedEnvironment {
  readonly env: Environment;
  /** The apps rendered, sorted. */
  readonly apps: readonly string[];
  /** Repo-relative path (`apps/<app>/<kind>-<name>.yaml`) to YAML text, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  /** Lint findings of severity warning (errors fail the render). */
  readonly warnings: readonly Finding[];
}

/**
 * The catalog of `env` as state-repo files: every app rendered, validated against its schemas,
 * linted and serialized. Pure apart from reading the catalog: same catalog, same bytes. Throws an
 * InputError listing every failing app; nothing partial is ever returned.
 */
export function renderEnvironment(env: Environment, options: RenderOptions = {}): ReadonlyMap<string, string> {
  return renderEnvironmentReport(env, options).files;
}

/** renderEnvironment with the apps rendered and the lint warnings, as `hydrate` reports them. */
export function renderEnvironmentReport(env: Environment, options: RenderOptions = {}): RenderedEnvironment {
  const apps = loadCatalog(env, options);
  const errors: string[] = [];
  const lintErrors: Finding[] = [];
  const warnings: Finding[] = [];
  const entries: [string, string][] = [];
  for (const app of apps) {
    try {
      const { files, findings } = renderAppFiles(app, options.lint);
      lintErrors.push(...findings.filter((f) => f.severity === "error"));
      warnings.push(...findings.filter((f) => f.severity === "warning"));
      entries.push(...files);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length) throw new InputError(errors.join("\n"));
  if (lintErrors.length) throw new LintError(lintErrors);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { env, apps: apps.map((a) => a.name), files: new Map(entries), warnings };
}

function renderAppFiles(
  app: CatalogApp,
  policy: LintPolicy | undefined,
): { files: [string, string][]; findings: Finding[] } {
  const manifests = renderApp(app);
  validateManifests(app.name, manifests);
  const fileOf = (m: Manifest): string => fileNameOf(app.name, m);
  const files = new Map<string, string>();
  for (const manifest of manifests) {
    const file = fileOf(manifest);
    assertInsideApps(file);
    if (files.has(file)) {
      throw new InputError(
        `app ${app.name}: ${refOfManifest(manifest)} is declared twice; expected one object per kind and name (${file})`,
      );
    }
    files.set(file, toYaml(manifest));
  }
  return { files: [...files], findings: lintApp(app.name, manifests, fileOf, policy) };
}
