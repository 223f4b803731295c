import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../config";
import { commitPaths, git, GitError, remoteUrl, tryGit, workTree } from "../../gitops/state-repo/git";

/**
 * Where a promotion is prepared: a temporary git worktree of the checkout at its HEAD, so the
 * checkout itself (its files, index and branch) is never touched, and nothing but the promotion
 * branch is left once it is done. Everything a promotion reads of the project (config, catalog)
 * comes from that commit.
 */
export interface BaseCheckout {
  /** The temporary worktree. */
  readonly dir: string;
  /** The commit it holds: the checkout's HEAD. */
  readonly base: string;
  /** The checkout's branch, when one is checked out. */
  readonly branch?: string;
}

const PREFIX = "gitops-platform-promote-";

/**
 * Runs `use` in a detached worktree of `rootDir`'s HEAD, removed afterwards whatever happens. An
 * InputError's message names files as the checkout has them, not under the temporary directory.
 */
export async function withBaseCheckout<T>(rootDir: string, use: (checkout: BaseCheckout) => Promise<T>): Promise<T> {
  const checkout = await workTree(rootDir);
  if (!checkout.inside) {
    throw new InputError(
      `promote: ${rootDir}: received a directory that is not a git checkout; expected a clone of this repository`,
    );
  }
  const head = await tryGit(rootDir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (head.code !== 0)
    throw new InputError(`promote: ${rootDir}: the checkout has no commit yet; expected one to promote on`);
  const base = head.stdout.trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), PREFIX));
  try {
    await git(rootDir, ["worktree", "add", "--quiet", "--detach", dir, base]);
    return await use({ dir, base, ...(checkout.branch ? { branch: checkout.branch } : {}) });
  } catch (err) {
    if (err instanceof InputError)
      throw new InputError(
        err.message
          .split(`${fs.realpathSync(dir)}/`)
          .join("")
          .split(`${dir}/`)
          .join(""),
      );
    throw err;
  } finally {
    await tryGit(rootDir, ["worktree", "remove", "--force", dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    await tryGit(rootDir, ["worktree", "prune"]);
  }
}

/**
 * Commits `files` of the worktree on `branch`, starting at the base (an earlier branch of that name
 * is replaced: it belongs to promote). Returns the commit.
 */
export async function commitOnBranch(
  checkout: BaseCheckout,
  branch: string,
  files: readonly string[],
  message: string,
): Promise<string> {
  await git(checkout.dir, ["switch", "--quiet", "--force-create", branch, checkout.base]);
  return commitPaths(checkout.dir, files, message);
}

/**
 * Puts `branch` on `remote`. When the remote branch already holds this change (same parent, tree
 * and message: an earlier run), the local branch takes that commit and nothing is pushed; otherwise the push
 * replaces it, provided it is still the commit seen here (--force-with-lease).
 */
export async function pushBranch(
  rootDir: string,
  remote: string,
  branch: string,
): Promise<{ readonly pushed: boolean; readonly head: string }> {
  if (!(await remoteUrl(rootDir, remote))) {
    throw new InputError(
      `promote --open-pr: the checkout at ${rootDir} has no git remote "${remote}"; expected a clone of the repository to push to`,
    );
  }
  const ref = `refs/heads/${branch}`;
  const local = (await git(rootDir, ["rev-parse", ref])).trim();
  const listed = (await git(rootDir, ["ls-remote", remote, ref])).trim();
  const theirs = listed.split(/\s/)[0] ?? "";
  if (theirs) {
    await git(rootDir, ["-c", "maintenance.auto=false", "fetch", "--quiet", remote, ref]);
    const same = async (rev: string): Promise<string> => git(rootDir, ["log", "-1", "--format=%T %P%n%B", rev]);
    if ((await same(theirs)) === (await same(local))) {
      await git(rootDir, ["update-ref", ref, theirs]);
      return { pushed: false, head: theirs };
    }
  }
  const pushed = await tryGit(rootDir, [
    "push",
    "--quiet",
    `--force-with-lease=${ref}:${theirs}`,
    remote,
    `${ref}:${ref}`,
  ]);
  if (pushed.code !== 0) throw new GitError(["push", remote, ref], pushed);
  return { pushed: true, head: local };
}
