import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, redactUrlCredentials } from "../../config";
import { Environment } from "../../stack";
import { recoverInterruptedCommit } from "./atomic-commit";
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

export interface WorkingCopyOptions {
  readonly rootDir: string;
  readonly env: Environment;
  /** The branch Argo CD syncs: `stateRepo.targetRevision`. */
  readonly branch: string;
  /** Where that branch is configured, for errors. */
  readonly branchKey?: string;
}

/**
 * Opens the working copy hydration writes to. `stateRepo` undefined means the local default; a path
 * to a bare repository counts as a remote. Every kind writes to `branch`, the one Argo CD syncs: a
 * new repository (no commit yet) starts it, whatever git's default branch is; a checkout with
 * history on another branch is refused with the command that switches it.
 */
export async function openWorkingCopy(
  stateRepo: string | undefined,
  options: WorkingCopyOptions,
): Promise<WorkingCopy> {
  if (stateRepo === undefined) return openLocal(localStateDir(options.rootDir, options.env), options);
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
  await recoverInterruptedCommit(dir);
  await assertClean(dir, stateRepo);
  const branch = await targetBranch(dir, stateRepo, options);
  return { kind: "working-copy", stateRepo, dir, branch, close: () => undefined };
}

async function openLocal(dir: string, options: WorkingCopyOptions): Promise<WorkingCopy> {
  if (!fs.existsSync(path.join(dir, ".git"))) {
    fs.mkdirSync(dir, { recursive: true });
    await git(dir, ["init", "--quiet"]);
  }
  await recoverInterruptedCommit(dir);
  await assertClean(dir, dir);
  return { kind: "local", stateRepo: dir, dir, branch: await targetBranch(dir, dir, options), close: () => undefined };
}

/**
 * The branch a checkout is written on: the configured one. `git init` names its first branch after
 * `init.defaultBranch` (often master); a commit there would never reach Argo CD, which syncs
 * `targetRevision`, so a repository without commits is pointed at that branch before the first one.
 */
async function targetBranch(dir: string, shown: string, options: WorkingCopyOptions): Promise<string> {
  const current = await currentBranch(dir, shown);
  if (current === options.branch) return current;
  const born = (await tryGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).code === 0;
  if (!born) {
    await git(dir, ["symbolic-ref", "HEAD", `refs/heads/${options.branch}`]);
    return options.branch;
  }
  const exists = (await tryGit(dir, ["rev-parse", "--verify", "--quiet", `refs/heads/${options.branch}`])).code === 0;
  throw new InputError(
    `state repo ${shown}: received a checkout of branch ${current}; expected ${options.branch}, the branch Argo CD ` +
      `syncs${options.branchKey ? ` (${options.branchKey})` : ""}: run git -C ${dir} switch ${exists ? "" : "-c "}${options.branch}`,
  );
}

async function cloneRemote(url: string, branch: string): Promise<WorkingCopy> {
  removeAbandonedClones();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${CLONE_PREFIX}${process.pid}-`));
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

/** Temporary clones are named `gitops-platform-state-<pid>-XXXXXX`, so a later run can tell whose they are. */
const CLONE_PREFIX = "gitops-platform-state-";

/**
 * Removes the temporary clones of runs that no longer exist: a run killed before its `close` left
 * its clone behind. A clone whose process still runs (or whose id was reused) is left alone.
 */
export function removeAbandonedClones(tempDir: string = os.tmpdir()): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(tempDir)) {
    const pid = Number(/^gitops-platform-state-(\d+)-[A-Za-z0-9]{6}$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || isRunning(pid)) continue;
    fs.rmSync(path.join(tempDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
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
