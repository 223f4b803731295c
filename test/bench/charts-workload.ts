import * as fs from "node:fs";
import * as path from "node:path";
import { renderEnvironmentReportAsync } from "../../gitops/render/environment";
import { applyChanges, planChanges, readAppsTree } from "../../gitops/state-repo/working-copy";
import { readGuardrailsConfig } from "../../policy/config";

/** The environments the benchmark's apps run in: each has a file for both. */
export const CHART_ENVS = ["staging", "production"] as const;

export interface ChartTimings {
  /** Render (through the render cache), validate, judge and write both environments. */
  readonly renderWriteMs: number;
  /** Renders that ran helm, over both environments. */
  readonly rendered: number;
  readonly cached: number;
  readonly files: number;
}

/**
 * The chart benchmark's workload, one hydrate of both environments in a fresh process, as the CLI
 * runs it: every chart app rendered through the render cache at `cacheDir` (misses in parallel),
 * validated, judged and written into `outDir/<env>`. Timings go to `resultFile`.
 */
export default async function chartsWorkload([rootDir, cacheDir, outDir, resultFile]: string[]): Promise<void> {
  const started = performance.now();
  let rendered = 0;
  let cached = 0;
  let files = 0;
  for (const env of CHART_ENVS) {
    const report = await renderEnvironmentReportAsync(env, {
      catalogDir: path.join(rootDir, "gitops", "apps"),
      rootDir,
      cacheDir,
      guardrails: readGuardrailsConfig(rootDir, env),
    });
    const dir = path.join(outDir, env);
    fs.mkdirSync(dir, { recursive: true });
    applyChanges(dir, report.files, planChanges(readAppsTree(dir), report.files));
    rendered += report.sourceRenders.rendered.length;
    cached += report.sourceRenders.cached;
    files += report.files.size;
  }
  const timings: ChartTimings = { renderWriteMs: performance.now() - started, rendered, cached, files };
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}
