import { spawnSync } from "node:child_process";
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

const CHILD = path.join(__dirname, "child.ts");

/**
 * Runs `module`'s default export in a fresh Node process, cold (TypeScript loading included), and
 * reports its wall time and the peak RSS the child measured of itself just before exiting.
 */
export function runCold(module: string, args: readonly string[] = []): ProcessRun {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-r", "ts-node/register", CHILD, module, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const line = result.stderr.split("\n").find((l) => l.startsWith("BENCH "));
  if (result.status !== 0 || !line) {
    throw new Error(`benchmark child ${module} failed (exit ${result.status}):\n${result.stderr}`);
  }
  const { maxRssKb } = JSON.parse(line.slice("BENCH ".length)) as { maxRssKb: number };
  return { wallMs, maxRssMb: maxRssKb / 1024 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
