import { InputError } from "../../config";
import type { Tier } from "../../environments";
import { GuardrailsConfig } from "../../policy/config";
import { evaluatePolicy, PolicyReport } from "../../policy/engine";
import { HydratedManifest } from "../../policy/model";
import { Environment } from "../../stack";
import { CatalogOptions, loadCatalog } from "../catalog/catalog";
import { CatalogApp } from "../catalog/spec";
import { renderApp } from "./app";
import { assertInsideApps, fileNameOf } from "./file-names";
import { placeOf, validateManifests } from "./validate";
import { toYaml } from "./yaml";

export interface RenderOptions extends CatalogOptions {
  /**
   * The environment's `gitops-platform:guardrails` section: severities raised for this environment
   * and suppressions by manifest file. Without it, every rule at its table severity, none suppressed.
   */
  readonly guardrails?: GuardrailsConfig;
  /** The environment's declared tier; without it, judged as production, the strictest. */
  readonly tier?: Tier;
}

export interface RenderedEnvironment {
  readonly env: Environment;
  /** The apps rendered, sorted. */
  readonly apps: readonly string[];
  /** Repo-relative path (`apps/<app>/<kind>-<name>.yaml`) to YAML text, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  /** The same objects before serialization, each with its path: what the guardrails judge. */
  readonly manifests: readonly HydratedManifest[];
  /**
   * The guardrails' verdict on the rendered manifests (policy/engine.ts). Rendering never refuses
   * on it: `hydrate` does, before writing anything, and `preview` lists it.
   */
  readonly policy: PolicyReport;
}

/**
 * The catalog of `env` as state-repo files: every app rendered, validated against its schemas and
 * serialized. Pure apart from reading the catalog: same catalog, same bytes. Throws an InputError
 * listing every failing app; nothing partial is ever returned.
 */
export function renderEnvironment(env: Environment, options: RenderOptions = {}): ReadonlyMap<string, string> {
  return renderEnvironmentReport(env, options).files;
}

/** renderEnvironment with the apps rendered and the guardrails' verdict on their manifests. */
export function renderEnvironmentReport(env: Environment, options: RenderOptions = {}): RenderedEnvironment {
  const apps = loadCatalog(env, options);
  const errors: string[] = [];
  const manifests: HydratedManifest[] = [];
  const entries: [string, string][] = [];
  for (const app of apps) {
    try {
      const rendered = renderAppFiles(app);
      manifests.push(...rendered.manifests);
      entries.push(...rendered.files);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length) throw new InputError(errors.join("\n"));
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const policy = evaluatePolicy({ env, tier: options.tier ?? "production", manifests, guardrails: options.guardrails });
  return { env, apps: apps.map((a) => a.name), files: new Map(entries), manifests, policy };
}

function renderAppFiles(app: CatalogApp): { files: [string, string][]; manifests: HydratedManifest[] } {
  const objects = renderApp(app);
  validateManifests(app, objects);
  const files = new Map<string, string>();
  const hydrated: HydratedManifest[] = [];
  for (const object of objects) {
    const { manifest } = object;
    const file = fileNameOf(app.name, manifest);
    assertInsideApps(file);
    if (files.has(file)) {
      throw new InputError(
        `${placeOf(app, object)([])} is declared twice; expected one object per kind and name (${file})`,
      );
    }
    files.set(file, toYaml(manifest));
    hydrated.push({ path: file, object: manifest });
  }
  return { files: [...files], manifests: hydrated };
}
