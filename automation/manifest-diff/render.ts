import { RenderedFiles } from "../../gitops/render-diff";
import { renderEnvironmentReport, RenderOptions } from "../../gitops/render/environment";
import type { PolicyReport } from "../../policy/engine";
import { Environment } from "../../stack";

export interface CatalogRender {
  readonly files: RenderedFiles;
  /** The guardrails' verdict on the rendered manifests, with `options.guardrails` and `options.tier`. */
  readonly policy: PolicyReport;
}

/**
 * Renders one environment's catalog for the manifest diff: the only call the diff makes to the
 * renderer, for the working tree and for the base alike. It returns a promise so that a renderer
 * that awaits (chart sources, a render cache) replaces this body and nothing else. The manifests
 * themselves are dropped once judged: a diff needs only the files.
 */
export function renderCatalog(env: Environment, options: RenderOptions): Promise<CatalogRender> {
  return new Promise((resolve) => {
    const { files, policy } = renderEnvironmentReport(env, options);
    resolve({ files, policy });
  });
}
