import { spawn } from "node:child_process";

/**
 * The git CLI, run against real repositories. Git lives with the state repo (STYLE.md): the CLI and
 * the Pulumi program both reach it through this module.
 */

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(" ")} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs git in `cwd` and returns its exit code and output, whatever the exit code. */
export function tryGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // Never wait for a password prompt in CI, and keep messages parseable (non-fast-forward).
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** Runs git in `cwd` and returns its stdout; a non-zero exit throws a GitError with git's message. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await tryGit(cwd, args);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout;
}

/** Committer identity for hydration commits when the machine has none configured (CI runners, fresh clones). */
export const HYDRATE_IDENTITY = { name: "gitops-platform", email: "hydrate@gitops-platform.local" } as const;

/** `-c` options that supply an identity only where git has none, so a configured one is kept. */
export async function identityArgs(cwd: string): Promise<string[]> {
  const configured = await tryGit(cwd, ["config", "user.email"]);
  if (configured.code === 0 && configured.stdout.trim()) return [];
  return ["-c", `user.name=${HYDRATE_IDENTITY.name}`, "-c", `user.email=${HYDRATE_IDENTITY.email}`];
}

/** Whether `target` looks like a remote URL (`https://`, `ssh://`, `file://`, `git@host:path`) rather than a path. */
export function isRemoteUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^[\w.-]+@[\w.-]+:/.test(target);
}
