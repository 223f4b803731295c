import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../automation/synth/synth";
import { resolveBinary } from "../../gitops/sources/binaries";
import { kubeVersionOf } from "../../gitops/sources/renderer";
import { configFileOf, discoverEnvironments } from "../../stack";
import { CHART_ENVS, ChartTimings } from "./charts-workload";
import { Figure, runCold } from "./measure";

const APPS = 200;
const CHART = path.join(REPO_ROOT, "test", "e2e", "fixtures", "charts", "web");

/**
 * DESIGN.md: hydrate 200 chart apps x 2 envs, warm cache < 2 s and after one bump < 1 s; the cold
 * hydrate (every render runs helm) beside plain `helm template` run per app-env in a shell loop.
 * Each hydrate is a fresh process, as the CLI runs. Needs the pinned helm (`npm run e2e:tools`, or
 * HELM_BIN); without it the bench says so and skips these figures.
 */
export function benchCharts(): Figure[] {
  let helm: string;
  try {
    helm = resolveBinary("helm").file;
  } catch (err) {
    process.stdout.write(`chart benchmark skipped: ${(err as Error).message}\n`);
    return [];
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-bench-charts-"));
  try {
    const rootDir = path.join(work, "project");
    const apps = generateChartCatalog(rootDir);
    const cacheDir = path.join(work, "cache");
    const hydrateOnce = (phase: string) => {
      const resultFile = path.join(work, `${phase}.json`);
      const run = runCold("charts-workload.ts", [rootDir, cacheDir, path.join(work, "state"), resultFile]);
      return { run, timings: JSON.parse(fs.readFileSync(resultFile, "utf8")) as ChartTimings };
    };
    const cold = expectRenders(hydrateOnce("cold"), APPS * CHART_ENVS.length, "cold");
    const warm = expectRenders(hydrateOnce("warm"), 0, "warm");
    const staging = path.join(rootDir, "gitops", "apps", apps[0], "staging.yaml");
    fs.writeFileSync(staging, fs.readFileSync(staging, "utf8").replace(/tag: \S+/, "tag: 9.9.9"));
    const bump = expectRenders(hydrateOnce("bump"), 1, "one bump");
    const loopMs = helmShellLoop(helm, rootDir, apps, work);

    const seconds = (ms: number) => ms / 1000;
    const what = `hydrate ${APPS} chart apps x 2 envs`;
    return [
      {
        what: `${what}, cold (${cold.timings.rendered} helm renders, parallel)`,
        value: seconds(cold.timings.renderWriteMs),
        unit: "s",
      },
      { what: `  plain helm template per app-env in a shell loop`, value: seconds(loopMs), unit: "s" },
      { what: `  cold hydrate speed-up over the shell loop`, value: loopMs / cold.timings.renderWriteMs, unit: "x" },
      {
        what: `${what}, warm (all from the render cache)`,
        value: seconds(warm.timings.renderWriteMs),
        unit: "s",
        target: "< 2 s",
        met: warm.timings.renderWriteMs < 2000,
      },
      {
        what: `${what}, after one bump (1 helm render)`,
        value: seconds(bump.timings.renderWriteMs),
        unit: "s",
        target: "< 1 s",
        met: bump.timings.renderWriteMs < 1000,
      },
      {
        what: `  warm hydrate process, cold start (node, TypeScript load included)`,
        value: seconds(warm.run.wallMs),
        unit: "s",
      },
      { what: `  warm hydrate peak RSS`, value: warm.run.maxRssMb, unit: "MB" },
    ];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function expectRenders<T extends { timings: ChartTimings }>(result: T, renders: number, phase: string): T {
  if (result.timings.rendered !== renders) {
    throw new Error(`chart benchmark, ${phase}: ${result.timings.rendered} helm renders; expected ${renders}`);
  }
  return result;
}

/** A project whose catalog has `APPS` apps of one shared chart (gitops/charts/web), each with env values. */
function generateChartCatalog(rootDir: string): string[] {
  fs.mkdirSync(rootDir, { recursive: true });
  for (const file of discoverEnvironments(REPO_ROOT).map(configFileOf)) {
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(rootDir, file));
  }
  fs.cpSync(CHART, path.join(rootDir, "gitops", "charts", "web"), { recursive: true });
  const apps: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const app = `app-${String(i).padStart(3, "0")}`;
    apps.push(app);
    const dir = path.join(rootDir, "gitops", "apps", app);
    fs.mkdirSync(dir, { recursive: true });
    const write = (file: string, value: unknown) => fs.writeFileSync(path.join(dir, file), stringify(value));
    write("app.yaml", {
      chart: { path: "../../charts/web", imageTagPath: "image.tag" },
      values: { greeting: `hello from ${app}`, image: { repository: `ghcr.io/example-org/${app}` } },
    });
    write("staging.yaml", { values: { image: { tag: `1.${i % 7}.${i % 13}` } } });
    write("production.yaml", { values: { image: { tag: `1.${i % 7}.0` }, migration: { enabled: false } } });
  }
  return apps;
}

/**
 * What a helmfile-style pipeline runs: one `helm template` per app-env with the app's and the
 * env's values files, sequentially in a shell loop, output discarded.
 */
function helmShellLoop(helm: string, rootDir: string, apps: readonly string[], work: string): number {
  const lines: string[] = [];
  for (const env of CHART_ENVS) {
    const kubeVersion = kubeVersionOf(env, rootDir);
    for (const app of apps) {
      const dir = path.join(work, "helm-values", env, app);
      fs.mkdirSync(dir, { recursive: true });
      const values = (file: string) => {
        const data = parse(fs.readFileSync(path.join(rootDir, "gitops", "apps", app, file), "utf8")) as {
          values: unknown;
        };
        return JSON.stringify(data.values);
      };
      fs.writeFileSync(path.join(dir, "app.json"), values("app.yaml"));
      fs.writeFileSync(path.join(dir, "env.json"), values(`${env}.yaml`));
      lines.push(`${app} ${kubeVersion} ${dir}`);
    }
  }
  const list = path.join(work, "helm-loop.txt");
  fs.writeFileSync(list, `${lines.join("\n")}\n`);
  const chart = path.join(rootDir, "gitops", "charts", "web");
  const script =
    `while read -r app kube dir; do "$0" template "$app" "${chart}" --namespace "$app" --kube-version "$kube" ` +
    `-f "$dir/app.json" -f "$dir/env.json" > /dev/null || exit 1; done < "${list}"`;
  const started = performance.now();
  const result = spawnSync("bash", ["-c", script, helm], { encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`the helm shell loop failed: ${result.stderr}`);
  return ms;
}
