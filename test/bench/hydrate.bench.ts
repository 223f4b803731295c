import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";
import { renderEnvironment } from "../../gitops/render/environment";
import { generateCatalog, writeKustomizeLayout } from "./hydrate-catalog";
import { CHANGED_APPS, HydrateTimings } from "./hydrate-workload";
import { Figure, runCold } from "./measure";

/** The environments of the bench catalog's apps (test/bench/hydrate-catalog.ts). */
const BENCH_ENVIRONMENTS = ["staging", "production"] as const;

const APPS = 1000;
/** Apps rendered by kustomize: one `kubectl kustomize` per app-env, as Argo CD's repo server runs it. */
const KUSTOMIZE_SAMPLE = 20;

/**
 * DESIGN.md: hydrate 1000 apps x 2 envs (render, validate, judge with the guardrails, write) in < 3 s
 * wall and < 500 MB peak RSS. The target is judged on the everyday run (a few apps changed, the whole
 * catalog rendered again, the change committed); the first hydrate of a new state repo writes every
 * file into git once, which is disk-bound and printed beside it; and >= 10x faster per app-env than `kubectl kustomize` rendering the
 * same apps as base + overlay.
 */
export function benchHydrate(): Figure[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-bench-"));
  try {
    const catalogDir = path.join(work, "catalog");
    const apps = generateCatalog(catalogDir, APPS);
    const rootDir = path.join(work, "project");
    fs.mkdirSync(rootDir);
    for (const env of BENCH_ENVIRONMENTS)
      fs.copyFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), path.join(rootDir, `Pulumi.${env}.yaml`));
    const resultFile = path.join(work, "timings.json");
    const run = runCold("hydrate-workload.ts", [catalogDir, rootDir, path.join(work, "state"), resultFile]);
    const timings = JSON.parse(fs.readFileSync(resultFile, "utf8")) as HydrateTimings;
    const perAppEnvMs = timings.renderMs / timings.appEnvs;
    const rehydrate = timings.rehydrateMs / 1000;
    const figures: Figure[] = [
      {
        what: `hydrate ${APPS} apps x 2 envs (${timings.files} files), ${CHANGED_APPS} apps changed: render, validate, guardrails, write and commit`,
        value: rehydrate,
        unit: "s",
        target: "< 3 s",
        met: rehydrate < 3,
      },
      {
        what: "first hydrate into new state repos: render, validate and guardrails (every app, both envs)",
        value: timings.renderMs / 1000,
        unit: "s",
      },
      {
        what: "first hydrate into new state repos: writing and committing every file (git plumbing, kill-safe)",
        value: timings.commitMs / 1000,
        unit: "s",
      },
      { what: "hydrate throughput", value: timings.appEnvs / (timings.renderMs / 1000), unit: "app-envs/s" },
      {
        what: "hydrate process, cold (node, TypeScript load, both runs, git included)",
        value: run.wallMs / 1000,
        unit: "s",
      },
      { what: "hydrate peak RSS", value: run.maxRssMb, unit: "MB", target: "< 500 MB", met: run.maxRssMb < 500 },
    ];
    return [...figures, ...compareWithKustomize(work, catalogDir, apps.slice(0, KUSTOMIZE_SAMPLE), perAppEnvMs)];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function compareWithKustomize(
  work: string,
  catalogDir: string,
  sample: readonly string[],
  hydrateMs: number,
): Figure[] {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    process.stdout.write(
      "kubectl not found on PATH: the kustomize comparison is skipped (it needs the kubectl client)\n",
    );
    return [];
  }
  const sampleCatalog = path.join(work, "sample");
  for (const app of sample) fs.cpSync(path.join(catalogDir, app), path.join(sampleCatalog, app), { recursive: true });
  const rendered = {
    staging: renderEnvironment("staging", { catalogDir: sampleCatalog }),
    production: renderEnvironment("production", { catalogDir: sampleCatalog }),
  };
  const kustomizeDir = path.join(work, "kustomize");
  for (const app of sample) {
    const only = (files: ReadonlyMap<string, string>) =>
      new Map([...files].filter(([f]) => f.startsWith(`apps/${app}/`)));
    writeKustomizeLayout(kustomizeDir, app, { staging: only(rendered.staging), production: only(rendered.production) });
  }
  const started = performance.now();
  for (const app of sample) {
    for (const env of BENCH_ENVIRONMENTS) {
      const result = spawnSync("kubectl", ["kustomize", path.join(kustomizeDir, app, "overlays", env)], {
        encoding: "utf8",
      });
      if (result.status !== 0) throw new Error(`kubectl kustomize ${app}/${env} failed: ${result.stderr}`);
    }
  }
  const kustomizeMs = (performance.now() - started) / (sample.length * BENCH_ENVIRONMENTS.length);
  const ratio = kustomizeMs / hydrateMs;
  return [
    {
      what: `kubectl kustomize, base + overlay, per app-env (${sample.length} apps x 2 envs)`,
      value: kustomizeMs,
      unit: "ms",
    },
    { what: "hydrate per app-env", value: hydrateMs, unit: "ms" },
    {
      what: "hydrate speed-up over kubectl kustomize, per app-env",
      value: ratio,
      unit: "x",
      target: ">= 10x",
      met: ratio >= 10,
    },
  ];
}
