import * as fs from "node:fs";
import * as path from "node:path";
import { commitMessage } from "../../gitops/hydrate";
import { renderEnvironmentReport } from "../../gitops/render/environment";
import { readGuardrailsConfig } from "../../policy/config";
import { commitApps } from "../../gitops/state-repo/commit";
import { git } from "../../gitops/state-repo/git";
import { applyChanges, planChanges, readAppsTree } from "../../gitops/state-repo/working-copy";

/** The environments of the bench catalog's apps (test/bench/hydrate-catalog.ts). */
const BENCH_ENVIRONMENTS = ["staging", "production"] as const;

export interface HydrateTimings {
  /** Render, validate, judge with the guardrails and write every app of both environments. */
  readonly renderWriteMs: number;
  /** Of which writing the files. */
  readonly writeMs: number;
  /** Then commit each environment's state repo. */
  readonly commitMs: number;
  readonly files: number;
  readonly appEnvs: number;
}

/**
 * The hydrate benchmark's workload, run in a fresh process: the steps `hydrate` takes, for both
 * environments of a generated catalog, each into its own new state repo. Timings go to `resultFile`.
 */
export default async function hydrateWorkload([catalogDir, rootDir, outDir, resultFile]: string[]): Promise<void> {
  const started = performance.now();
  let files = 0;
  let appEnvs = 0;
  let writeMs = 0;
  const dirs: string[] = [];
  for (const env of BENCH_ENVIRONMENTS) {
    const report = renderEnvironmentReport(env, { catalogDir, guardrails: readGuardrailsConfig(rootDir, env) });
    const dir = path.join(outDir, env);
    fs.mkdirSync(dir, { recursive: true });
    const writing = performance.now();
    applyChanges(dir, report.files, planChanges(readAppsTree(dir), report.files));
    writeMs += performance.now() - writing;
    files += report.files.size;
    appEnvs += report.apps.length;
    dirs.push(dir);
  }
  const rendered = performance.now();
  for (const [i, dir] of dirs.entries()) {
    await git(dir, ["init", "--quiet"]);
    const changes = planChanges(new Map(), readAppsTree(dir));
    await commitApps(dir, commitMessage(BENCH_ENVIRONMENTS[i], changes, "bench"));
  }
  const timings: HydrateTimings = {
    renderWriteMs: rendered - started,
    writeMs,
    commitMs: performance.now() - rendered,
    files,
    appEnvs,
  };
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}
