import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";

/**
 * What every stack operation of the driver shares: retrying while another update holds the stack,
 * and reading the CLI's exit code and message out of the Automation API's errors.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubled for each further one, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Five attempts over about 75 s: long enough for a short update by someone else to end. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 5_000, maxDelayMs: 40_000 };

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
}

/** Another update holds the stack's lock, and it still did after every attempt. */
export class StackLockedError extends Error {
  override readonly name = "StackLockedError";
}

/**
 * Runs `operation`, and runs it again with backoff while the Automation API reports a concurrent
 * update (Pulumi Cloud's 409 or a file/S3 backend's lock). Any other error goes straight through.
 */
export async function retryConcurrentUpdates<T>(
  stack: string,
  operation: () => Promise<T>,
  options: { policy: RetryPolicy; sleep: Sleep; log: (message: string) => void },
): Promise<T> {
  const { policy, sleep, log } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError)) throw err;
      if (attempt >= policy.attempts) {
        throw new StackLockedError(
          `${stack} is locked by another update, and still was after ${policy.attempts} attempts. ` +
            `If no other update is running, the lock is stale: check with \`pulumi stack -s ${stack}\` and clear it ` +
            `with \`pulumi cancel -s ${stack}\` (Pulumi Cloud) or by deleting the lock file the CLI names ` +
            `(file or S3 backend). The CLI said: ${commandMessage(err)}`,
        );
      }
      const delay = backoffDelay(policy, attempt);
      log(
        `${stack}: locked by another update; retrying in ${Math.round(delay / 1000)} s (attempt ${attempt + 1} of ${policy.attempts})`,
      );
      await sleep(delay);
    }
  }
}

interface ExecaFailure {
  readonly exitCode?: number;
  readonly stderr?: string;
  readonly stdout?: string;
}

/** The CLI's exit code inside an Automation API CommandError (the SDK reports -2 itself). */
export function commandExitCode(err: unknown): number | undefined {
  const result = (err as { commandResult?: { err?: ExecaFailure } }).commandResult;
  return result?.err?.exitCode;
}

/** The CLI's own error lines (`error: ...`) from a failed command, without the SDK's wrapping. */
export function commandMessage(err: unknown): string {
  const failure = (err as { commandResult?: { err?: ExecaFailure } }).commandResult?.err;
  const text = failure?.stderr ?? (err instanceof Error ? err.message : String(err));
  const errorLines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^error:/i.test(l))
    .map((l) => l.replace(/^error:\s*/i, ""));
  if (errorLines.length > 0) return errorLines.join("; ");
  const lines = text.split("\n").map((l) => l.trim());
  return (lines.find((l) => l.length > 0) ?? "unknown error").slice(0, 500);
}

/**
 * `--expect-no-changes` found changes. Old CLIs exit 255 for it, the same code as any error, so the
 * message tells them apart; CLIs from 3.226.1 exit 7 (https://www.pulumi.com/docs/iac/cli/exit-codes/).
 */
export function isExpectedNoChangesFailure(err: unknown): boolean {
  const code = commandExitCode(err);
  if (code === 7) return true;
  if (code !== 255) return false;
  const failure = (err as { commandResult?: { err?: ExecaFailure } }).commandResult?.err;
  return /no changes were expected/.test(failure?.stderr ?? "");
}
