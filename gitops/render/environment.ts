import { InputError } from "../../config";
import type { Tier } from "../../environments";
import { GuardrailsConfig } from "../../policy/config";
import { evaluatePolicy, PolicyReport } from "../../policy/engine";
import { HydratedManifest } from "../../policy/model";
import { Environment, PROJECT_ROOT } from "../../stack";
import { CatalogOptions, loadCatalog } from "../catalog/catalog";
import { SourceRenderer, SourceRenderStats } from "../sources/renderer";
import { isSourceApp, LoadedApp } from "../sources/schema";
import { renderApp, RenderedObject } from "./app";
import { assertInsideApps, fileNameOf } from "./file-names";
import { AppPlace, placeOf, validateManifests } from "./validate";
import { toYaml } from "./yaml";
import { compareCodeUnits } from "../../order";

export interface RenderOptions extends CatalogOptions {
  /**
   * The environment's `gitops-platform:guardrails` section: severities raised for this environment
   * and suppressions by manifest file. Without it, every rule at its table severity, none suppressed.
   */
  readonly guardrails?: GuardrailsConfig;
  /** The environment's declared tier; without it, judged as production, the strictest. */
  readonly tier?: Tier;
  /** The project whose `Pulumi.<env>.yaml` gives chart apps their Kubernetes version; by default this checkout. */
  readonly rootDir?: string;
  /** The render cache of chart and Kustomize apps; by default `<rootDir>/.render-cache`. */
  readonly cacheDir?: string;
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
  /** Chart and Kustomize apps: which renders ran helm or kustomize, and how many came from the cache. */
  readonly sourceRenders: SourceRenderStats;
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
  return reportOf(env, loadCatalog(env, options), sourceRendererOf(env, options), options);
}

/**
 * renderEnvironmentReport, with every chart and Kustomize render that the cache does not hold run
 * first, in parallel up to the core count: how `hydrate` renders.
 */
export async function renderEnvironmentReportAsync(
  env: Environment,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const apps = loadCatalog(env, options);
  const sources = sourceRendererOf(env, options);
  await sources.prerender(apps.filter(isSourceApp));
  return reportOf(env, apps, sources, options);
}

function sourceRendererOf(env: Environment, options: RenderOptions): SourceRenderer {
  return new SourceRenderer({ env, rootDir: options.rootDir ?? PROJECT_ROOT, cacheDir: options.cacheDir });
}

function reportOf(
  env: Environment,
  apps: readonly LoadedApp[],
  sources: SourceRenderer,
  options: RenderOptions,
): RenderedEnvironment {
  const errors: string[] = [];
  const manifests: HydratedManifest[] = [];
  const entries: [string, string][] = [];
  for (const app of apps) {
    try {
      // A chart or Kustomize app's objects are placed by the app; a typed spec's by its catalog file and key.
      const rendered = isSourceApp(app)
        ? renderAppFiles(
            { name: app.name },
            sources.render(app).map((manifest) => ({ manifest })),
          )
        : renderAppFiles(app, renderApp(app));
      manifests.push(...rendered.manifests);
      entries.push(...rendered.files);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length) throw new InputError(errors.join("\n"));
  entries.sort(([a], [b]) => compareCodeUnits(a, b));
  const policy = evaluatePolicy({ env, tier: options.tier ?? "production", manifests, guardrails: options.guardrails });
  const sourceRenders = sources.stats;
  return { env, apps: apps.map((a) => a.name), files: new Map(entries), manifests, policy, sourceRenders };
}

function renderAppFiles(
  app: AppPlace,
  objects: readonly RenderedObject[],
): { files: [string, string][]; manifests: HydratedManifest[] } {
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
