import { git, tryGit } from "../../gitops/state-repo/git";
import { SOURCE_COMMIT_TRAILER } from "../../gitops/state-repo/commit";
import { appDirOf } from "../../gitops/render/file-names";

/**
 * Reads of a state repo's history, in a local git directory (a clone or a bare repository): what
 * `apps/<app>/` held at a commit, and which catalog commit that hydration came from.
 */

/** Whether `revision` is a commit of the repository. */
export async function hasCommit(dir: string, revision: string): Promise<boolean> {
  return (await tryGit(dir, ["cat-file", "-e", `${revision}^{commit}`])).code === 0;
}

/** The branch's newest commit, or undefined before the first hydration. */
export async function headOf(dir: string): Promise<string | undefined> {
  const head = await tryGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return head.code === 0 ? head.stdout.trim() : undefined;
}

/** The files under `apps/<app>/` at `revision`, by repo-relative path; empty when the app is not there. */
export async function appFilesAt(dir: string, revision: string, app: string): Promise<Map<string, string>> {
  const listed = await git(dir, ["ls-tree", "-r", "-z", "--name-only", revision, "--", `${appDirOf(app)}/`]);
  const files = new Map<string, string>();
  for (const file of listed.split("\0").filter(Boolean).sort()) {
    files.set(file, await git(dir, ["show", `${revision}:${file}`]));
  }
  return files;
}

/** Whether `apps/<app>/` is the same tree at both commits (git compares the tree objects' ids). */
export async function sameAppTree(dir: string, a: string, b: string, app: string): Promise<boolean> {
  const [x, y] = await Promise.all(
    [a, b].map((revision) => tryGit(dir, ["rev-parse", "--verify", "--quiet", `${revision}:${appDirOf(app)}`])),
  );
  return x.code === 0 && y.code === 0 && x.stdout.trim() === y.stdout.trim();
}

/** The catalog commit a hydration commit names in its Source-Commit trailer. */
export async function sourceCommitAt(dir: string, revision: string): Promise<string | undefined> {
  const trailer = await git(dir, [
    "log",
    "-1",
    `--format=%(trailers:key=${SOURCE_COMMIT_TRAILER},valueonly,separator=%x2C)`,
    revision,
  ]);
  return trailer.trim() || undefined;
}
