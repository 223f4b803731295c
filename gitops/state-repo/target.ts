import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, redactUrlCredentials } from "../../config";
import { Environment } from "../../stack";
import { git, isRemoteUrl, tryGit } from "./git";

/**
 * Where hydration writes, and how it got there:
 * - `local`: the embedded default, a git repo inside the project at `.state/<env>` (git-ignored),
 *   created on first use. Offline, no remote.
 * - `working-copy`: an existing checkout given by path; it is committed to in place and pushed to
 *   its `origin`.
 * - `remote`: a URL or a bare repository, cloned into a temporary directory that is removed after.
 */
export type TargetKind = "local" | "working-copy" | "remote";

export interface WorkingCopy {
  readonly kind: TargetKind;
  /** What the user named: a path or a URL (a credential in a URL shown as `***`). */
  readonly stateRepo: string;
  readonly dir: string;
  readonly branch: string;
  /** Removes what opening created (the temporary clone of a remote). */
  readonly close: () => void;
}

/** The embedded default working copy of `env`. */
export function localStateDir(rootDir: string, env: Environment): string {
  return path.join(rootDir, ".state", env);
}

/**
 * Opens the working copy hydration writes to. `stateRepo` undefined means the local default; a path
 * to a bare repository counts as a remote. `branch` is the state repo's tracked branch, used for the
 * local default and for remotes; a given checkout keeps its own current branch.
 */
export async function openWorkingCopy(
  stateRepo: string | undefined,
  options: { readonly rootDir: string; readonly env: Environment; readonly branch: string },
): Promise<WorkingCopy> {
  if (stateRepo === undefined) return openLocal(localStateDir(options.rootDir, options.env), options.branch);
  if (isRemoteUrl(stateRepo)) return cloneRemote(stateRepo, options.branch);
  const dir = path.resolve(stateRepo);
  if (!fs.existsSync(dir)) {
    throw new InputError(
      `--state-repo: received ${stateRepo}, which does not exist; expected a git URL, a bare repository or a checkout`,
    );
  }
  // One process for both: a bare repository answers "true" and then fails on --show-toplevel.
  const probe = await tryGit(dir, ["rev-parse", "--is-bare-repository", "--show-toplevel"]);
  const [isBare, top] = probe.stdout.trim().split("\n");
  if (isBare === "true") return cloneRemote(dir, options.branch);
  if (probe.code !== 0 || fs.realpathSync(top) !== fs.realpathSync(dir)) {
    throw new InputError(
      `--state-repo: received ${stateRepo}, which is not the top of a git checkout; expected a git URL, a bare repository or a checkout`,
    );
  }
  await assertClean(dir, stateRepo);
  return { kind: "working-copy", stateRepo, dir, branch: await currentBranch(dir, stateRepo), close: () => undefined };
}

async function openLocal(dir: string, branch: string): Promise<WorkingCopy> {
  if (!fs.existsSync(path.join(dir, ".git"))) {
    fs.mkdirSync(dir, { recursive: true });
    await git(dir, ["init", "--quiet"]);
    await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
  }
  await assertClean(dir, dir);
  return { kind: "local", stateRepo: dir, dir, branch: await currentBranch(dir, dir), close: () => undefined };
}

async function cloneRemote(url: string, branch: string): Promise<WorkingCopy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-state-"));
  const close = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const heads = await git(os.tmpdir(), ["ls-remote", "--heads", url, `refs/heads/${branch}`]);
    if (heads.trim()) {
      await git(os.tmpdir(), ["clone", "--quiet", "--branch", branch, "--single-branch", url, dir]);
    } else {
      // An empty state repo, or one without the branch yet: start it empty; the first push creates it.
      await git(dir, ["init", "--quiet"]);
      await git(dir, ["remote", "add", "origin", url]);
      await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
    }
  } catch (err) {
    close();
    throw err;
  }
  return { kind: "remote", stateRepo: redactUrlCredentials(url), dir, branch, close };
}

async function assertClean(dir: string, shown: string): Promise<void> {
  const status = await git(dir, ["status", "--porcelain", "--", "apps"]);
  if (status.trim()) {
    throw new InputError(
      `state repo ${shown}: has uncommitted changes under apps/ (${status.trim().split("\n")[0].trim()}); ` +
        "expected a clean working copy: commit or discard them first",
    );
  }
}

async function currentBranch(dir: string, shown: string): Promise<string> {
  const result = await tryGit(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (result.code !== 0) {
    throw new InputError(`state repo ${shown}: HEAD is detached; expected a checked-out branch to commit to`);
  }
  return result.stdout.trim();
}
