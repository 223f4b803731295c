import { spawn } from "node:child_process";
import { redactUrlCredentials } from "../../config";

/**
 * The git CLI, run against real repositories. Git lives with the state repo (STYLE.md): hydration,
 * the CLI's `bump-image` and the Pulumi program all reach it through this module.
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
    /** What went wrong, when git's own message does not say it; git's stderr by default. */
    detail: string = result.stderr.trim() || result.stdout.trim(),
  ) {
    // A state repo URL given with a token in it reaches git's arguments, and may reach its messages.
    super(redactUrlCredentials(`git ${args.join(" ")} failed (exit ${result.code}): ${detail}`));
  }
}

export interface GitOptions {
  /** Extra environment, e.g. `GIT_INDEX_FILE` for a private index. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to git's standard input. */
  readonly input?: string;
}

/** Runs git in `cwd` and returns its exit code and output, whatever the exit code. */
export function tryGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd,
      // Never wait for a password prompt in CI, and keep messages parseable (non-fast-forward).
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
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
export async function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  const result = await tryGit(cwd, args, options);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout;
}

/**
 * `-c` options that supply a committer identity only where git has none (a CI runner, a fresh
 * clone), so a configured one is kept. On GitHub Actions the commits are the Actions bot's.
 */
export async function identityArgs(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const configured = await tryGit(cwd, ["config", "user.email"]);
  if (configured.code === 0 && configured.stdout.trim()) return [];
  return env.GITHUB_ACTIONS === "true"
    ? ["-c", "user.name=github-actions[bot]", "-c", "user.email=41898282+github-actions[bot]@users.noreply.github.com"]
    : ["-c", "user.name=gitops-platform", "-c", "user.email=gitops-platform@users.noreply.github.com"];
}

/**
 * Stages `paths` (new, changed and deleted files) and commits exactly them; returns the commit.
 * Hooks are skipped: the commit is made by a tool, and a hook that rewrote the files would break
 * the byte-for-byte output hydration and bump-image promise.
 */
export async function commitPaths(dir: string, paths: readonly string[], message: string): Promise<string> {
  await git(dir, ["add", "--all", "--", ...paths]);
  const args = ["commit", "--quiet", "--no-verify", "--message", message, "--", ...paths];
  const committed = await commitWithIdentity(dir, args);
  if (committed.code !== 0) throw new GitError(args, committed);
  return (await git(dir, ["rev-parse", "HEAD"])).trim();
}

/** What git says when `user.useConfigOnly` finds no name or email in its config (or the environment). */
const NO_CONFIGURED_IDENTITY = /no (name|email) was given and auto-detection is disabled/;

/**
 * Runs a `git commit`, with the identity of `identityArgs`, in one process where git's config has
 * an identity: git is told to take it from the config only, and it is only when that finds none
 * that the config is probed and the commit run again exactly as `identityArgs` says. A refused
 * commit writes nothing (git checks the identity before it writes the commit).
 */
async function commitWithIdentity(dir: string, args: readonly string[]): Promise<GitResult> {
  const first = await tryGit(dir, ["-c", "user.useConfigOnly=true", ...args]);
  if (first.code === 0 || !NO_CONFIGURED_IDENTITY.test(first.stderr)) return first;
  return tryGit(dir, [...(await identityArgs(dir)), ...args]);
}

/** Whether `dir` is inside a git work tree, and its checked-out branch (undefined when detached). */
export async function workTree(dir: string): Promise<{ readonly inside: boolean; readonly branch?: string }> {
  const result = await tryGit(dir, ["rev-parse", "--is-inside-work-tree", "--symbolic-full-name", "HEAD"]);
  const [inside, ref] = result.stdout.trim().split("\n");
  if (result.code !== 0 || inside !== "true") return { inside: false };
  return { inside: true, ...(ref?.startsWith("refs/heads/") ? { branch: ref.slice("refs/heads/".length) } : {}) };
}

/** The URL of `remote` in the checkout at `dir`, or undefined when it has no such remote. */
export async function remoteUrl(dir: string, remote: string): Promise<string | undefined> {
  const result = await tryGit(dir, ["remote", "get-url", remote]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Whether `target` looks like a remote URL (`https://`, `ssh://`, `file://`, `git@host:path`) rather than a path. */
export function isRemoteUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^[\w.-]+@[\w.-]+:/.test(target);
}
