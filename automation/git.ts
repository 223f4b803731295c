import { execFile } from "node:child_process";
import { InputError } from "../config";

/**
 * Git through the git CLI, for commands that edit this repository (bump-image). Prompts are off:
 * a missing credential fails at once instead of waiting for a terminal that CI does not have.
 */

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function gitTry(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile(
      "git",
      [...args],
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== "number" ? err.message : "") });
      },
    );
  });
}

export class GitError extends Error {
  override readonly name = "GitError";
}

export async function git(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await gitTry(cwd, args, env);
  if (result.code !== 0)
    throw new GitError(`git ${args.join(" ")} failed: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/** Whether `dir` is inside a git work tree, and its checked-out branch (undefined when detached). */
export async function workTree(dir: string): Promise<{ readonly inside: boolean; readonly branch?: string }> {
  const result = await gitTry(dir, ["rev-parse", "--is-inside-work-tree", "--symbolic-full-name", "HEAD"]);
  const [inside, ref] = result.stdout.trim().split("\n");
  if (result.code !== 0 || inside !== "true") return { inside: false };
  return { inside: true, ...(ref?.startsWith("refs/heads/") ? { branch: ref.slice("refs/heads/".length) } : {}) };
}

export async function remoteUrl(dir: string, remote: string): Promise<string | undefined> {
  const result = await gitTry(dir, ["remote", "get-url", remote]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** `git -c user.name=… -c user.email=…` when the checkout has no identity (a bare CI runner). */
export async function identityArgs(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const email = await gitTry(dir, ["config", "user.email"]);
  if (email.code === 0 && email.stdout.trim()) return [];
  return env.GITHUB_ACTIONS === "true"
    ? ["-c", "user.name=github-actions[bot]", "-c", "user.email=41898282+github-actions[bot]@users.noreply.github.com"]
    : ["-c", "user.name=gitops-platform", "-c", "user.email=gitops-platform@users.noreply.github.com"];
}

export async function commitPaths(
  dir: string,
  paths: readonly string[],
  message: string,
  identity: readonly string[],
): Promise<string> {
  await git(dir, ["add", "--", ...paths]);
  await git(dir, [...identity, "commit", "--quiet", "--message", message, "--", ...paths]);
  return (await git(dir, ["rev-parse", "HEAD"])).trim();
}

/** The push lost a race with another push; fetching and rebasing fixes it. */
function isRaceLost(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(failed to update ref|cannot lock ref|failed to lock)/.test(
    stderr,
  );
}

function isAuthFailure(stderr: string): boolean {
  return /could not read (Username|Password)|Authentication failed|Permission denied|403|terminal prompts disabled/i.test(
    stderr,
  );
}

export interface PushOptions {
  readonly remote: string;
  readonly branch: string;
  /** Attempts in all. */
  readonly attempts: number;
  /** Waits between attempts, with the attempt number that just failed. */
  readonly pause: (failedAttempt: number) => Promise<void>;
  /** From identityArgs: who commits when a rebase rewrites the commit. */
  readonly identity: readonly string[];
  /**
   * Called when the local commit does not rebase cleanly onto the remote branch: HEAD has been reset
   * to the remote branch, and the change must be made again (it may no longer be needed: then false).
   */
  readonly redo: () => Promise<boolean>;
}

export interface PushResult {
  readonly attempts: number;
  /** The remote already held the change when it was redone: nothing was pushed. */
  readonly superseded: boolean;
}

/** Pushes HEAD to `remote`/`branch`, and on a lost race fetches, rebases and tries again. */
export async function pushWithRebase(dir: string, options: PushOptions): Promise<PushResult> {
  const { remote, branch } = options;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const push = await gitTry(dir, ["push", "--quiet", remote, `HEAD:refs/heads/${branch}`]);
    if (push.code === 0) return { attempts: attempt, superseded: false };
    if (isAuthFailure(push.stderr)) {
      throw new InputError(
        `git push to ${remote} was refused: received "${push.stderr.trim().split("\n")[0]}"; expected credentials that ` +
          "can push to it (in GitHub Actions: a token with contents: write for this repository)",
      );
    }
    if (!isRaceLost(push.stderr)) throw new GitError(`git push ${remote} HEAD:${branch} failed: ${push.stderr.trim()}`);
    if (attempt === options.attempts) break;
    // Wait before fetching, not after: the shorter the time between fetch and push, the likelier the push wins.
    await options.pause(attempt);
    // No background maintenance after each fetch of a retry loop: a CI checkout is thrown away anyway.
    await git(dir, ["-c", "maintenance.auto=false", "fetch", "--quiet", remote, branch]);
    const rebase = await gitTry(dir, [...options.identity, "rebase", "--quiet", "FETCH_HEAD"]);
    if (rebase.code !== 0) {
      await gitTry(dir, ["rebase", "--abort"]);
      await git(dir, ["reset", "--quiet", "--hard", "FETCH_HEAD"]);
      if (!(await options.redo())) return { attempts: attempt, superseded: true };
    }
  }
  throw new GitError(
    `git push ${remote} HEAD:${branch}: lost the race to other pushes ${options.attempts} times; run again`,
  );
}
