import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";
import { readStamp } from "../e2e/tools/stamps";
import { TOOLS } from "../e2e/tools/tools";
import { Figure, median } from "./measure";

/**
 * `npm run bench -- --e2e`: the real-component tier (it needs `npm run e2e:tools` first). The build
 * times are the last ones e2e:tools recorded: cold after a fresh Go cache, seconds when warm.
 */
export function benchE2e(): Figure[] {
  const builds = TOOLS.map((tool): Figure => {
    const stamp = readStamp(tool.binary);
    return {
      what: `e2e:tools: last build of ${tool.binary} ${stamp?.version ?? "(not built)"}`,
      value: stamp?.seconds ?? NaN,
      unit: "s",
    };
  });
  const child = spawnSync(
    process.execPath,
    ["-r", "ts-node/register", path.join(REPO_ROOT, "test", "e2e", "support", "bench-child.ts")],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  if (child.status !== 0) throw new Error(`the e2e bench child failed:\n${child.stderr}`);
  const { startups, objects, validateMs } = JSON.parse(child.stdout.trim()) as {
    startups: number[];
    objects: number;
    validateMs: number;
  };
  const started = process.hrtime.bigint();
  const suite = spawnSync("npm", ["run", "--silent", "test:e2e"], { cwd: REPO_ROOT, encoding: "utf8" });
  const suiteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (suite.status !== 0) throw new Error(`npm run test:e2e failed:\n${suite.stdout.slice(-3000)}`);
  return [
    ...builds,
    {
      what: "control plane warm start-up (etcd, apiserver, GC), median of 3",
      value: median(startups) / 1000,
      unit: "s",
    },
    {
      what: `server-side validation of ${objects} emitted objects`,
      value: objects / (validateMs / 1000),
      unit: "objects/s",
    },
    {
      what: "npm run test:e2e, warm (control plane, validation, Argo CD loop)",
      value: suiteSeconds,
      unit: "s",
      target: "< 180 s",
      met: suiteSeconds < 180,
    },
  ];
}
