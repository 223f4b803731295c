import { git, GitError, identityArgs, tryGit } from "./git";

/** How many times a rejected push is rebased and tried again before giving up. */
export const PUSH_ATTEMPTS = 5;

export interface PushOutcome {
  /** Times the push was rejected as non-fast-forward and rebased onto the new remote head. */
  readonly rebases: number;
  /** The commit the remote branch points at afterwards. */
  readonly head: string;
}

/**
 * Pushes the branch to `origin`. When someone pushed first (non-fast-forward), it fetches their
 * commits, rebases ours onto them and tries again; the remote's history is never rewritten. If the
 * rebase conflicts (both sides changed the same file), it starts from their head instead, and
 * `reapply` writes and commits this hydration again on top: the state repo's content is a function
 * of the catalog, so re-rendering is the conflict resolution. `reapply` also runs after a clean
 * rebase, so the pushed tree is always exactly this hydration. It is told whether the local commits
 * survived (a clean rebase) or were replaced by their head.
 */
export async function pushWithRetry(
  dir: string,
  branch: string,
  reapply: (rebased: boolean) => Promise<void>,
  attempts: number = PUSH_ATTEMPTS,
): Promise<PushOutcome> {
  for (let rebases = 0; ; rebases++) {
    const args = ["push", "--quiet", "origin", `HEAD:refs/heads/${branch}`];
    const pushed = await tryGit(dir, args);
    if (pushed.code === 0) return { rebases, head: (await git(dir, ["rev-parse", "HEAD"])).trim() };
    if (!isRejectedAsStale(pushed.stderr) || rebases + 1 >= attempts) {
      throw new GitError(args, {
        ...pushed,
        stderr: `${pushed.stderr.trim()}${rebases ? ` (after ${rebases} rebase(s))` : ""}`,
      });
    }
    await git(dir, ["fetch", "--quiet", "origin", branch]);
    const rebased = await tryGit(dir, [...(await identityArgs(dir)), "rebase", "--quiet", "FETCH_HEAD"]);
    if (rebased.code !== 0) {
      await tryGit(dir, ["rebase", "--abort"]);
      await git(dir, ["reset", "--quiet", "--hard", "FETCH_HEAD"]);
    }
    await reapply(rebased.code === 0);
  }
}

/** Someone else moved the branch first: a rebase and another try can succeed. */
function isRejectedAsStale(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|incorrect old value/.test(stderr);
}
