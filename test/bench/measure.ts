import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";

/** One figure a benchmark prints, with the target DESIGN.md sets for it. */
export interface Figure {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  /** Human form of the target, e.g. "< 5 s". */
  readonly target?: string;
  readonly met?: boolean;
}

export interface ProcessRun {
  readonly wallMs: number;
  readonly maxRssMb: number;
}

/** The benchmark child of the project at `root` (this checkout, or a generated copy of it). */
function childArgs(root: string, module: string, args: readonly string[]): string[] {
  return ["-r", "ts-node/register", path.join(root, "test", "bench", "child.ts"), module, ...args];
}

function processRun(module: string, status: number | null, stderr: string, wallMs: number): ProcessRun {
  const line = stderr.split("\n").find((l) => l.startsWith("BENCH "));
  if (status !== 0 || !line) {
    throw new Error(`benchmark child ${module} failed (exit ${status}):\n${stderr}`);
  }
  const { maxRssKb } = JSON.parse(line.slice("BENCH ".length)) as { maxRssKb: number };
  return { wallMs, maxRssMb: maxRssKb / 1024 };
}

/**
 * Runs `module`'s default export in a fresh Node process, cold (TypeScript loading included), and
 * reports its wall time and the peak RSS the child measured of itself just before exiting.
 */
export function runCold(module: string, args: readonly string[] = [], root: string = REPO_ROOT): ProcessRun {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, childArgs(root, module, args), {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return processRun(module, result.status, result.stderr, Number(process.hrtime.bigint() - started) / 1e6);
}

/** runCold without waiting: several children run side by side. */
export function runColdAsync(
  module: string,
  args: readonly string[] = [],
  root: string = REPO_ROOT,
): Promise<ProcessRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs(root, module, args), {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      try {
        resolve(processRun(module, status, stderr, Number(process.hrtime.bigint() - started) / 1e6));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
