import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { InputError } from "../config";

/**
 * Another commit of the project's repository, read without touching the checkout: `synth --diff`
 * and `hydrate --diff` resolve a ref and export the commit's files with `git archive`.
 */

/** A ref that names no commit of the repository: bad input (exit 2). */
export class BadRefError extends InputError {}

/** The commit `ref` names, or BadRefError naming `command`, the ref and what was expected. */
export function resolveCommit(repoDir: string, ref: string, command: string): string {
  const expected = "expected a commit, branch or tag of this repository";
  // A ref starting with "-" would reach git as an option.
  if (ref.trim() === "" || ref.startsWith("-")) throw new BadRefError(`${command}: received "${ref}"; ${expected}`);
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: repoDir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new BadRefError(`${command}: received "${ref}"; ${expected}`);
  return result.stdout.trim();
}

/** The top level of the git work tree holding `dir`, or undefined when `dir` is not in one. */
export function gitTopLevel(dir: string): string | undefined {
  const result = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8" });
  return result.status === 0 ? path.resolve(result.stdout.trim()) : undefined;
}

/**
 * The entries of the directory `dir` (relative to the top level, "" for the top) at `commit`, by
 * name, with their git object type (`blob`, `tree`); empty when the commit has no such directory.
 */
export function treeAt(topLevel: string, commit: string, dir: string): Map<string, string> {
  const args = ["ls-tree", "-z", commit, "--", ...(dir ? [`${dir}/`] : [])];
  const output = execFileSync("git", args, { cwd: topLevel, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const entries = new Map<string, string>();
  for (const line of output.split("\0").filter(Boolean)) {
    const [meta, file] = line.split("\t");
    entries.set(path.posix.basename(file), meta.split(" ")[1]);
  }
  return entries;
}

/**
 * Writes the files of `commit` into `dir`: every file, or only those under `paths` (relative to the
 * top level, each of which must exist at the commit).
 */
export function exportCommit(topLevel: string, commit: string, dir: string, paths?: readonly string[]): void {
  const archive = execFileSync("git", ["archive", "--format=tar", commit, ...(paths ? ["--", ...paths] : [])], {
    cwd: topLevel,
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
}
