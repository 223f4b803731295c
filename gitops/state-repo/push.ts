import { InputError, redactUrlCredentials, truncated } from "../../config";
import { git, GitError, identityArgs, tryGit } from "./git";

/**
 * Pushing a commit that others race to push next to: hydrations of one state repo, and app repos'
 * CI bumping image tags in this repository. The remote's history is never rewritten.
 */

export interface PushOptions {
  /** The remote to push to; `origin` by default. */
  readonly remote?: string;
  readonly branch: string;
  /** Attempts in all. */
  readonly attempts: number;
  /** Waits before fetching again, given the attempt that just failed; `jitteredPause` by default. */
  readonly pause?: (failedAttempt: number) => Promise<void>;
  /**
   * Runs after each fetch and rebase onto the remote branch. `rebased` says whether the local
   * commits replayed cleanly; when false the rebase conflicted, HEAD was reset to the remote head
   * and the change has to be made again. Returns false when nothing is left to push: the remote
   * already holds the change.
   */
  readonly afterRebase: (rebased: boolean) => Promise<boolean>;
}

export interface PushResult {
  /** Times the push lost the race and was rebased onto the remote branch. */
  readonly rebases: number;
  /** The remote already held the change after a rebase: nothing was pushed. */
  readonly superseded: boolean;
  /** HEAD afterwards: the commit the remote branch points at. */
  readonly head: string;
}

/** A random pause that grows with the attempt, so racing pushes spread out instead of colliding again. */
export function jitteredPause(failedAttempt: number): Promise<void> {
  const ms = Math.floor(Math.random() * Math.min(2_000, 250 * failedAttempt));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Pushes HEAD to `remote`/`branch`. When someone pushed first (non-fast-forward), it waits, fetches
 * their commits, rebases ours onto them (starting from their head when that conflicts), lets the
 * caller redo its change (`afterRebase`) and tries again. A refused credential is bad input.
 */
export async function pushWithRebase(dir: string, options: PushOptions): Promise<PushResult> {
  const { branch, attempts } = options;
  const remote = options.remote ?? "origin";
  const pause = options.pause ?? jitteredPause;
  const args = ["push", "--quiet", remote, `HEAD:refs/heads/${branch}`];
  for (let attempt = 1; ; attempt++) {
    const pushed = await tryGit(dir, args);
    const head = async () => (await git(dir, ["rev-parse", "HEAD"])).trim();
    if (pushed.code === 0) return { rebases: attempt - 1, superseded: false, head: await head() };
    const raceLost = isRaceLost(pushed.stderr);
    if (!raceLost && isAuthFailure(pushed.stderr)) {
      throw new InputError(
        `git push to ${remote} was refused: received "${redactUrlCredentials(pushed.stderr.trim().split("\n")[0].trim())}"; expected credentials ` +
          "that can push to it (in GitHub Actions: a token with contents: write on that repository)",
      );
    }
    if (!raceLost)
      throw new GitError(args, pushed, isRefusedByRemote(pushed.stderr) ? refusal(pushed.stderr) : undefined);
    if (attempt >= attempts) {
      throw new GitError(args, pushed, `lost the race to other pushes ${attempts} times; run again`);
    }
    // Wait before fetching, not after: the shorter the time between fetch and push, the likelier the push wins.
    await pause(attempt);
    // No background maintenance after each fetch of a retry loop: a CI checkout is thrown away anyway.
    await git(dir, ["-c", "maintenance.auto=false", "fetch", "--quiet", remote, branch]);
    const rebase = await tryGit(dir, [...(await identityArgs(dir)), "rebase", "--quiet", "FETCH_HEAD"]);
    if (rebase.code !== 0) {
      await tryGit(dir, ["rebase", "--abort"]);
      await git(dir, ["reset", "--quiet", "--hard", "FETCH_HEAD"]);
    }
    if (!(await options.afterRebase(rebase.code === 0)))
      return { rebases: attempt, superseded: true, head: await head() };
  }
}

/** Someone else moved the branch first: a rebase and another try can succeed. */
function isRaceLost(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|incorrect old value|\[remote rejected\].*(failed to update ref|failed to lock)/.test(
    stderr,
  );
}

/**
 * The remote refused our credentials: git's own words for a missing one, SSH's, and GitHub's for a
 * token without write access (`Permission to <repo> denied`, HTTP 403). Checked after a lost race,
 * whose messages quote commit ids, which may hold any digits.
 */
function isAuthFailure(stderr: string): boolean {
  return /could not read (Username|Password)|Authentication failed|Permission denied|Permission to \S+ denied|returned error: 403|terminal prompts disabled/i.test(
    stderr,
  );
}

/**
 * The remote declined the push by its own rules: a pre-receive or update hook, a protected branch.
 * Pushing again cannot help; the person running the command has to act on the remote's message.
 */
function isRefusedByRemote(stderr: string): boolean {
  return /\[remote rejected\]|hook declined|protected branch/i.test(stderr);
}

/** The rejected ref and what the remote said about it (its `remote:` lines), each line cut. */
function refusal(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim());
  const rejected = lines.find((l) => /\[remote rejected\]|declined|protected/i.test(l)) ?? lines[0];
  const said = lines.filter((l) => l.startsWith("remote:") && l.length > "remote:".length).slice(0, 10);
  return `the remote refused it: ${[rejected, ...said].map(truncated).join("; ")}`;
}
