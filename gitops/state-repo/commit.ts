import { InputError } from "../../config";
import { GitError, remoteUrl, tryGit } from "./git";

/** The trailer that names the catalog commit a hydration was rendered from. */
export const SOURCE_COMMIT_TRAILER = "Source-Commit";

/** Whether the branch has a commit yet (a new state repo has none until the first hydration). */
export async function hasHead(dir: string): Promise<boolean> {
  return (await tryGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).code === 0;
}

/**
 * The source commit to name in the trailer: HEAD of the project checkout, with `-dirty` when the
 * catalog, the renderer or the environment's config has uncommitted changes (as `git describe --dirty`).
 */
export async function sourceCommitOf(rootDir: string, configFile: string): Promise<string> {
  const head = await tryGit(rootDir, ["rev-parse", "HEAD"]);
  if (head.code !== 0) return "unknown (not a git checkout)";
  const status = await tryGit(rootDir, ["status", "--porcelain", "--", "gitops", configFile]);
  if (status.code !== 0) throw new GitError(["status"], status);
  return `${head.stdout.trim()}${status.stdout.trim() ? "-dirty" : ""}`;
}

/** Pushing needs a remote: a checkout given by path must have an `origin`. */
export async function assertHasOrigin(dir: string, shown: string): Promise<void> {
  if (await remoteUrl(dir, "origin")) return;
  throw new InputError(
    `state repo ${shown}: has no remote named origin; expected one to push to (or pass --state-repo <url> instead)`,
  );
}
