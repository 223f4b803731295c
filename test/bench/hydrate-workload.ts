import * as fs from "node:fs";
import * as path from "node:path";
import { commitMessage } from "../../gitops/hydrate";
import { renderEnvironmentReport } from "../../gitops/render/environment";
import { readGuardrailsConfig } from "../../policy/config";
import { commitRender } from "../../gitops/state-repo/atomic-commit";
import { git } from "../../gitops/state-repo/git";
import { planChanges, readAppsTree } from "../../gitops/state-repo/working-copy";

/** The environments of the bench catalog's apps (test/bench/hydrate-catalog.ts). */
const BENCH_ENVIRONMENTS = ["staging", "production"] as const;

export interface HydrateTimings {
  /** Render, validate and judge with the guardrails every app of both environments. */
  readonly renderMs: number;
  /** Then write and commit each environment's state repo, as hydrate does (git plumbing, then apps/ restored). */
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
  const reports = BENCH_ENVIRONMENTS.map((env) =>
    renderEnvironmentReport(env, { catalogDir, guardrails: readGuardrailsConfig(rootDir, env) }),
  );
  const rendered = performance.now();
  for (const [i, report] of reports.entries()) {
    const dir = path.join(outDir, BENCH_ENVIRONMENTS[i]);
    fs.mkdirSync(dir, { recursive: true });
    await git(dir, ["init", "--quiet"]);
    const changes = planChanges(readAppsTree(dir), report.files);
    await commitRender(dir, report.files, changes, commitMessage(BENCH_ENVIRONMENTS[i], changes, "bench"));
  }
  const timings: HydrateTimings = {
    renderMs: rendered - started,
    commitMs: performance.now() - rendered,
    files: reports.reduce((n, r) => n + r.files.size, 0),
    appEnvs: reports.reduce((n, r) => n + r.apps.length, 0),
  };
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}
