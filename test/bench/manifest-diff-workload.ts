import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffManifestsAtRef } from "../../automation/manifest-diff/at-ref";
import { renderEnvironmentReport } from "../../gitops/render/environment";
import { readGuardrailsConfig } from "../../policy/config";
import { discoverEnvironments } from "../../stack";

export interface ManifestDiffTimings {
  readonly ms: number;
  /** Files that differ, across environments. */
  readonly changedFiles: number;
  readonly changedApps: number;
}

/**
 * The manifest-diff benchmark's workloads, each run in a fresh process over the project at
 * `rootDir` (its catalog committed at HEAD, changed in the working tree):
 * - `diff`: `hydrate --diff HEAD`, as the CLI runs it;
 * - `plain`: what a diff without this design would do, a plain render (with the guardrails, as
 *   hydrate renders) of every environment of both refs: HEAD exported with git archive, and the
 *   working tree. Nothing is compared.
 */
export default async function manifestDiffWorkload([mode, rootDir, resultFile]: string[]): Promise<void> {
  const started = performance.now();
  let timings: ManifestDiffTimings;
  if (mode === "diff") {
    const report = await diffManifestsAtRef({ rootDir, ref: "HEAD", command: "hydrate --diff" });
    const apps = report.environments.flatMap((e) => e.apps);
    timings = {
      ms: performance.now() - started,
      changedFiles: apps.reduce((n, a) => n + a.files.length, 0),
      changedApps: new Set(apps.map((a) => a.app)).size,
    };
  } else {
    const base = path.join(path.dirname(resultFile), "base");
    fs.mkdirSync(base, { recursive: true });
    execFileSync("tar", ["-x", "-C", base], {
      input: execFileSync("git", ["archive", "--format=tar", "HEAD"], { cwd: rootDir, maxBuffer: 1024 ** 3 }),
    });
    for (const dir of [base, rootDir]) {
      const environments = discoverEnvironments(dir);
      for (const env of environments) {
        const catalogDir = path.join(dir, "gitops", "apps");
        renderEnvironmentReport(env, { catalogDir, environments, guardrails: readGuardrailsConfig(dir, env) });
      }
    }
    timings = { ms: performance.now() - started, changedFiles: 0, changedApps: 0 };
  }
  fs.writeFileSync(resultFile, JSON.stringify(timings));
}
