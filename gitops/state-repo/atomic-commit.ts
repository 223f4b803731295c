import * as fs from "node:fs";
import * as path from "node:path";
import { APPS_DIR } from "../render/file-names";
import { git, identityArgs, tryGit } from "./git";
import { IDENTITY_FILE } from "./identity";
import { applyChanges, FileChanges } from "./working-copy";

/**
 * Commits a render into a checkout so that a kill at any moment leaves it usable:
 * 1. the new blobs, tree and commit are built with git's plumbing (fast-import, a private index,
 *    write-tree, commit-tree), touching neither the checkout's index nor its files;
 * 2. a journal file is written, then the branch moves to the new commit in one compare-and-swap
 *    (`git update-ref`), so HEAD is the old commit or the new one, never anything between;
 * 3. `apps/` of the working tree and of the index are brought to HEAD, and the journal removed.
 * A run that finds the journal (the previous one was killed in 2 or 3) finishes step 3 first,
 * removing the index lock git leaves when killed, so a rerun needs no cleanup by hand.
 */

/** In the git dir while a commit is being applied to the checkout; exported for tests that play a kill. */
export const JOURNAL_FILE = "gitops-platform-hydrating";
const PRIVATE_INDEX = "gitops-platform-index";
const MARKS_FILE = "gitops-platform-marks";

/**
 * Commits `rendered` as the whole content of `apps/` on top of HEAD (or as the first commit), given
 * the `changes` from the files now under `apps/`, with `rootFiles` (the repo's identity record,
 * identity.ts) written at the root in the same commit; returns the commit, or undefined when the
 * tree is the same.
 */
export async function commitRender(
  dir: string,
  rendered: ReadonlyMap<string, string>,
  changes: FileChanges,
  message: string,
  rootFiles: ReadonlyMap<string, string> = new Map(),
): Promise<string | undefined> {
  const gitDir = await gitDirOf(dir);
  const head = await headCommit(dir);
  const tree = await buildTree(dir, gitDir, head, rendered, changes, rootFiles);
  if (head && tree === (await git(dir, ["rev-parse", `${head}^{tree}`])).trim()) return undefined;
  const identity = await identityArgs(dir);
  const commit = (
    await git(dir, [...identity, "commit-tree", tree, ...(head ? ["-p", head] : []), "-F", "-"], { input: message })
  ).trim();
  fs.writeFileSync(path.join(gitDir, JOURNAL_FILE), `${head ?? "(none)"} -> ${commit}\n`);
  // An empty old value makes update-ref refuse when the branch appeared meanwhile.
  await git(dir, ["update-ref", "-m", "hydrate", "HEAD", commit, head ?? ""]);
  // Written by this process rather than checked out by git: about twice as fast for a first
  // hydration of thousands of files. The index then takes apps/ from HEAD and is refreshed.
  applyChanges(dir, rendered, changes);
  for (const [file, text] of rootFiles) fs.writeFileSync(path.join(dir, file), text);
  await git(dir, ["reset", "--quiet", "--", APPS_DIR, ...rootFiles.keys()]);
  await tryGit(dir, ["update-index", "-q", "--refresh"]);
  fs.rmSync(path.join(gitDir, JOURNAL_FILE), { force: true });
  return commit;
}

/**
 * Finishes what a killed commitRender left: `apps/` of the index and working tree brought to HEAD
 * (files it had not written yet, files it had not deleted), the journal removed.
 */
export async function recoverInterruptedCommit(dir: string): Promise<boolean> {
  const gitDir = await gitDirOf(dir);
  const journal = path.join(gitDir, JOURNAL_FILE);
  if (!fs.existsSync(journal)) return false;
  // The journal proves that the git process holding this lock was ours, and that it was killed.
  fs.rmSync(path.join(gitDir, "index.lock"), { force: true });
  const inHead = (await git(dir, ["ls-tree", "--name-only", "HEAD", "--", APPS_DIR])).trim();
  const inIndex = (await git(dir, ["ls-files", "--", APPS_DIR])).trim();
  if (inHead || inIndex) {
    await git(dir, ["restore", "--quiet", "--source=HEAD", "--staged", "--worktree", "--", APPS_DIR]);
  }
  // The identity record, when the killed commit wrote one.
  if ((await git(dir, ["ls-tree", "--name-only", "HEAD", "--", IDENTITY_FILE])).trim()) {
    await git(dir, ["restore", "--quiet", "--source=HEAD", "--staged", "--worktree", "--", IDENTITY_FILE]);
  }
  await git(dir, ["clean", "-q", "-d", "--force", "--", APPS_DIR]);
  fs.rmSync(journal, { force: true });
  return true;
}

async function buildTree(
  dir: string,
  gitDir: string,
  head: string | undefined,
  rendered: ReadonlyMap<string, string>,
  changes: FileChanges,
  rootFiles: ReadonlyMap<string, string>,
): Promise<string> {
  const index = path.join(gitDir, PRIVATE_INDEX);
  fs.rmSync(index, { force: true });
  const env = { GIT_INDEX_FILE: index };
  try {
    await git(dir, ["read-tree", ...(head ? [head] : ["--empty"])], { env });
    const files = new Map([
      ...rootFiles,
      ...[...changes.added, ...changes.modified].map((f) => [f, rendered.get(f) ?? ""] as const),
    ]);
    const written = [...files.keys()];
    const blobs = await writeBlobs(dir, gitDir, [...files.values()]);
    if (written.length > 0) {
      const entries = written.map((file, i) => `100644 ${blobs[i]}\t${file}\0`).join("");
      await git(dir, ["update-index", "-z", "--index-info"], { env, input: entries });
    }
    if (changes.deleted.length > 0) {
      const paths = changes.deleted.map((file) => `${file}\0`).join("");
      await git(dir, ["update-index", "--force-remove", "-z", "--stdin"], { env, input: paths });
    }
    return (await git(dir, ["write-tree"], { env })).trim();
  } finally {
    fs.rmSync(index, { force: true });
  }
}

/**
 * Stores `contents` as blobs in one pack with `git fast-import` (one process, no file per object:
 * thousands of loose objects cost seconds of file-system time) and returns their object ids in order.
 */
async function writeBlobs(dir: string, gitDir: string, contents: readonly string[]): Promise<string[]> {
  if (contents.length === 0) return [];
  const marks = path.join(gitDir, MARKS_FILE);
  const stream = contents.map((text, i) => `blob\nmark :${i + 1}\ndata ${Buffer.byteLength(text)}\n${text}\n`).join("");
  try {
    await git(dir, ["fast-import", "--quiet", `--export-marks=${marks}`], { input: stream });
    const ids = new Map(
      fs
        .readFileSync(marks, "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split(" ") as [string, string]),
    );
    return contents.map((_, i) => ids.get(`:${i + 1}`) ?? "");
  } finally {
    fs.rmSync(marks, { force: true });
  }
}

async function headCommit(dir: string): Promise<string | undefined> {
  const head = await tryGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return head.code === 0 ? head.stdout.trim() : undefined;
}

async function gitDirOf(dir: string): Promise<string> {
  return (await git(dir, ["rev-parse", "--absolute-git-dir"])).trim();
}
