import { InputError } from "../../config";
import { Environment } from "../../stack";
import { renderUpSummary, UpResult, UpStoppedError } from "./up";

/**
 * Deploy waves: the environments of one wave are deployed (up to `parallel` at a time), and the next
 * wave starts only when every environment of this one succeeded. On the first failure no further
 * environment is started; those already running finish, because stopping a `pulumi up` midway
 * leaves its stack locked and half-changed. The report says what ran, what failed and what did not run.
 */

export type WaveStatus = "deployed" | "failed" | "not run";

export interface WaveOutcome {
  readonly env: Environment;
  /** 1-based. */
  readonly wave: number;
  readonly status: WaveStatus;
  /** What ran of the environment's deploy (all of it when deployed, the part before the failure otherwise). */
  readonly result?: UpResult;
  /** Why it failed, with the command that resumes it. */
  readonly error?: string;
  /** The failure was bad input (exit 2), not a failed step. */
  readonly badInput?: boolean;
}

export interface WavesReport {
  readonly waves: readonly (readonly Environment[])[];
  /** Every environment of every wave, in wave order. */
  readonly outcomes: readonly WaveOutcome[];
  /** The wave that had a failure (1-based); undefined when every wave succeeded. */
  readonly stoppedAt?: number;
}

export type DeployEnvironment = (env: Environment) => Promise<UpResult>;

export async function runWaves(
  waves: readonly (readonly Environment[])[],
  deploy: DeployEnvironment,
  options: { readonly parallel: number; readonly log: (message: string) => void },
): Promise<WavesReport> {
  const outcomes = new Map<Environment, WaveOutcome>();
  let stoppedAt: number | undefined;
  for (const [index, wave] of waves.entries()) {
    const number = index + 1;
    if (stoppedAt !== undefined) {
      for (const env of wave) outcomes.set(env, { env, wave: number, status: "not run" });
      continue;
    }
    options.log(`ci: wave ${number} of ${waves.length}: ${wave.join(", ")}`);
    const queue = [...wave];
    const worker = async (): Promise<void> => {
      for (let env = queue.shift(); env !== undefined; env = queue.shift()) {
        if (stoppedAt !== undefined) {
          outcomes.set(env, { env, wave: number, status: "not run" });
          continue;
        }
        const outcome = await deployOne(env, number, deploy);
        outcomes.set(env, outcome);
        if (outcome.status === "failed") {
          stoppedAt = number;
          options.log(`ci: ${env} failed: no further environment starts`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.parallel, wave.length) }, worker));
  }
  const ordered = waves.flatMap((wave) => wave.map((env) => outcomes.get(env) as WaveOutcome));
  return { waves, outcomes: ordered, ...(stoppedAt !== undefined ? { stoppedAt } : {}) };
}

async function deployOne(env: Environment, wave: number, deploy: DeployEnvironment): Promise<WaveOutcome> {
  try {
    return { env, wave, status: "deployed", result: await deploy(env) };
  } catch (err) {
    if (err instanceof UpStoppedError) return { env, wave, status: "failed", result: err.partial, error: err.message };
    const message = err instanceof Error ? err.message : String(err);
    return { env, wave, status: "failed", error: message, ...(err instanceof InputError ? { badInput: true } : {}) };
  }
}

/** What `ci` prints on stdout after a deploy: each environment's outcome, then each deploy's summary. */
export function renderWavesReport(report: WavesReport): string {
  const width = Math.max(...report.outcomes.map((o) => o.env.length));
  const lines = [`ci: ${report.waves.length} wave(s), ${report.outcomes.length} environment(s)`];
  for (const outcome of report.outcomes) {
    lines.push(`  wave ${outcome.wave}  ${outcome.env.padEnd(width)}  ${outcome.status}`);
  }
  if (report.stoppedAt !== undefined) {
    const notRun = report.outcomes.filter((o) => o.status === "not run").map((o) => o.env);
    lines.push(
      `Stopped in wave ${report.stoppedAt}: ${report.outcomes
        .filter((o) => o.status === "failed")
        .map((o) => o.env)
        .join(", ")} failed. Not run: ${notRun.length > 0 ? notRun.join(", ") : "nothing"}.`,
    );
  }
  lines.push("");
  for (const outcome of report.outcomes) {
    if (outcome.result) lines.push(renderUpSummary(outcome.result).trimEnd());
    if (outcome.error) lines.push(`${outcome.env}: ${outcome.error}`);
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
