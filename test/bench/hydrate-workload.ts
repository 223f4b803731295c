import * as fs from "node:fs";
import * as path from "node:path";
import { commitMessage } from "../../gitops/hydrate";
import { RenderedEnvironment, renderEnvironmentReport } from "../../gitops/render/environment";
import { readGuardrailsConfig } from "../../policy/config";
import { commitRender } from "../../gitops/state-repo/atomic-commit";
import { git } from "../../gitops/state-repo/git";
import { planChanges, readAppsTree } from "../../gitops/state-repo/working-copy";

/** The environments of the bench catalog's apps (test/bench/hydrate-catalog.ts). */
const BENCH_ENVIRONMENTS = ["staging", "production"] as const;

/** Apps whose image a typical merge to main changes. */
export const CHANGED_APPS = 10;

export interface HydrateTimings {
  /** Render, validate and judge with the guardrails every app of both environments. */
  readonly renderMs: number;
  /** Then write and commit each environment's state repo, as hydrate does (git plumbing, then apps/ restored). */
  readonly commitMs: number;
  /**
   * The everyday run: CHANGED_APPS apps' staging tags bumped, then the whole catalog rendered,
   * validated and judged again for both environments, and the change written and committed.
   */
  readonly rehydrateMs: number;
  readonly files: number;
  readonly appEnvs: number;
}

/**
 * The hydrate benchmark's workload, run in a fresh process: the steps `hydrate` takes, for both
 * environments of a generated catalog, each into its own new state repo. Timings go to `resultFile`.
 */
export default async function hydrateWorkload([catalogDir, rootDir, outDir, resultFile]: string[]): Promise<void> {
  const started = performance.now();
  const reports = renderBoth(catalogDir, rootDir);
  const rendered = performance.now();
  for (const env of BENCH_ENVIRONMENTS) {
    const dir = path.join(outDir, env);
    fs.mkdirSync(dir, { recursive: true });
    await git(dir, ["init", "--quiet"]);
  }
  await commitBoth(reports, outDir);
  const committed = performance.now();
  bumpStagingTags(catalogDir, CHANGED_APPS);
  const rehydrateStarted = performance.now();
  await commitBoth(renderBoth(catalogDir, rootDir), outDir);
  const timings: HydrateTimings = {
    renderMs: rendered - started,
    commitMs: committed - rendered,
    rehydrateMs: performance.now() - rehydrateStarted,
    files: reports.reduce((n, r) => n + r.files.size, 0),
    appEnvs: reports.reduce((n, r) => n + r.apps.length, 0),
  };
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}

function renderBoth(catalogDir: string, rootDir: string): RenderedEnvironment[] {
  return BENCH_ENVIRONMENTS.map((env) =>
    renderEnvironmentReport(env, { catalogDir, guardrails: readGuardrailsConfig(rootDir, env) }),
  );
}

async function commitBoth(reports: readonly RenderedEnvironment[], outDir: string): Promise<void> {
  for (const [i, report] of reports.entries()) {
    const dir = path.join(outDir, BENCH_ENVIRONMENTS[i]);
    const changes = planChanges(readAppsTree(dir), report.files);
    await commitRender(dir, report.files, changes, commitMessage(BENCH_ENVIRONMENTS[i], changes, "bench"));
  }
}

/** Sets a new staging tag on the first `count` apps of the generated catalog. */
function bumpStagingTags(catalogDir: string, count: number): void {
  for (const app of fs.readdirSync(catalogDir).sort().slice(0, count)) {
    const file = path.join(catalogDir, app, "staging.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^ {2}tag: .*$/m, "  tag: 9.9.9"));
  }
}
