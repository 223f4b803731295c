import * as fs from "node:fs";
import * as path from "node:path";
import { declarationOf, loadFleet } from "../../environments";
import { commitMessage } from "../../gitops/hydrate";
import { renderEnvironmentReport } from "../../gitops/render/environment";
import { commitRender } from "../../gitops/state-repo/atomic-commit";
import { git } from "../../gitops/state-repo/git";
import { applyChanges, planChanges, readAppsTree } from "../../gitops/state-repo/working-copy";
import { readGuardrailsConfig } from "../../policy/config";
import { PROJECT_ROOT } from "../../stack";

export interface FleetHydrateTimings {
  /** From the process's start until its workload began: Node and TypeScript loading. */
  readonly startupMs: number;
  /** Check the fleet, then render, validate, judge and write every app of each environment given. */
  readonly renderWriteMs: number;
  /** CPU time of the process until then (user + system): its wall time on an otherwise idle core. */
  readonly renderWriteCpuMs: number;
  /** Then commit each environment's new state repo. */
  readonly commitMs: number;
  readonly files: number;
  readonly appEnvs: number;
}

/**
 * One process's share of the fleet hydrate benchmark, run inside the fleet project: the steps
 * `hydrate` takes for each environment given, each into its own new state repo under `outDir`.
 */
export default async function fleetHydrateWorkload([outDir, resultFile, ...envs]: string[]): Promise<void> {
  const startupMs = process.uptime() * 1000;
  const started = performance.now();
  let files = 0;
  let appEnvs = 0;
  const rendered = new Map<string, ReadonlyMap<string, string>>();
  for (const env of envs) {
    const fleet = loadFleet(PROJECT_ROOT);
    const report = renderEnvironmentReport(env, {
      environments: fleet.environments.map((e) => e.name),
      guardrails: readGuardrailsConfig(PROJECT_ROOT, env),
      tier: declarationOf(fleet, env).tier,
    });
    const dir = path.join(outDir, env);
    fs.mkdirSync(dir, { recursive: true });
    applyChanges(dir, report.files, planChanges(readAppsTree(dir), report.files));
    rendered.set(env, report.files);
    files += report.files.size;
    appEnvs += report.apps.length;
  }
  const written = performance.now();
  const cpu = process.cpuUsage();
  for (const env of envs) {
    const dir = path.join(outDir, env);
    await git(dir, ["init", "--quiet"]);
    // hydrate's commit path (git plumbing); it writes the files again, which costs little next to git.
    const all = rendered.get(env) ?? new Map<string, string>();
    const changes = planChanges(new Map(), all);
    await commitRender(dir, all, changes, commitMessage(env, changes, "bench"));
  }
  const timings: FleetHydrateTimings = {
    startupMs,
    renderWriteMs: written - started,
    renderWriteCpuMs: (cpu.user + cpu.system) / 1000,
    commitMs: performance.now() - written,
    files,
    appEnvs,
  };
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}
