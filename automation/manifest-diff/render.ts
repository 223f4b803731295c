import { InputError } from "../../config";
import { CATALOG_DIR, listAppDirs } from "../../gitops/catalog/catalog";
import { RenderedFiles } from "../../gitops/render-diff";
import { renderEnvironmentReportAsync, RenderOptions } from "../../gitops/render/environment";
import type { PolicyReport } from "../../policy/engine";
import { Environment } from "../../stack";

export interface CatalogRender {
  readonly files: RenderedFiles;
  /** The guardrails' verdict on the rendered manifests, with `options.guardrails` and `options.tier`. */
  readonly policy: PolicyReport;
}

/**
 * Renders one environment's catalog for the manifest diff, as `hydrate` renders it: chart and
 * Kustomize apps with the real helm and kustomize through the render cache. The manifests
 * themselves are dropped once judged: a diff needs only the files.
 */
export async function renderCatalog(env: Environment, options: RenderOptions): Promise<CatalogRender> {
  const { files, policy } = await renderEnvironmentReportAsync(env, options);
  return { files, policy };
}

/** An app of the base that did not render, with the renderer's own words. */
export interface UnrenderedApp {
  readonly app: string;
  readonly error: string;
}

/** The base's render: the files of the apps that rendered, and the apps that did not. */
export interface BaseRender {
  readonly files: RenderedFiles;
  readonly unrendered: readonly UnrenderedApp[];
}

/**
 * Renders `apps` of the base (every app when undefined). A base is history, not input: when it does
 * not render, each app is rendered alone so that the ones that fail are named with their errors
 * and the others still compare. Throws only when no single app is to blame (an InputError of the
 * environment as a whole), and for anything that is not the base's bad input.
 */
export async function renderBaseApps(
  env: Environment,
  options: RenderOptions,
  apps: readonly string[] | undefined,
): Promise<BaseRender> {
  try {
    return { files: (await renderCatalog(env, { ...options, ...(apps ? { apps } : {}) })).files, unrendered: [] };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const names = apps ?? listAppDirs(options.catalogDir ?? CATALOG_DIR);
    if (names.length === 1) return { files: new Map(), unrendered: [{ app: names[0], error: err.message }] };
    const files = new Map<string, string>();
    const unrendered: UnrenderedApp[] = [];
    for (const app of names) {
      try {
        for (const [file, text] of (await renderCatalog(env, { ...options, apps: [app] })).files) files.set(file, text);
      } catch (appErr) {
        if (!(appErr instanceof InputError)) throw appErr;
        unrendered.push({ app, error: appErr.message });
      }
    }
    if (unrendered.length === 0) throw err;
    return { files, unrendered };
  }
}
