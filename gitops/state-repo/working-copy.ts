import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import { appOfPath, APPS_DIR, assertInsideApps } from "../render/file-names";
import { compareCodeUnits } from "../../order";

/** What hydration changes in a working copy, as repo-relative paths, each list sorted. */
export interface FileChanges {
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly deleted: readonly string[];
}

export function hasChanges(changes: FileChanges): boolean {
  return changes.added.length + changes.modified.length + changes.deleted.length > 0;
}

/**
 * Every file under `apps/<app>/` of a working copy, by repo-relative path. Hydration owns those
 * directories and nothing else, so files elsewhere in the repo (a README, CODEOWNERS) are never touched. A symbolic
 * link under `apps/` is refused: writing through it could land outside the repo.
 */
export function readAppsTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    const full = path.join(root, relative);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      throw new InputError(
        `state repo ${root}: received a symbolic link at ${relative}; expected plain files and directories under ${APPS_DIR}/`,
      );
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) walk(`${relative}/${entry}`);
    } else if (appOfPath(relative) !== undefined) {
      files.set(relative, fs.readFileSync(full, "utf8"));
    }
  };
  walk(APPS_DIR);
  return files;
}

/** What writing `rendered` over `current` changes: new files, files whose bytes differ, stale files. */
export function planChanges(current: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>): FileChanges {
  const added: string[] = [];
  const modified: string[] = [];
  for (const [file, text] of rendered) {
    const before = current.get(file);
    if (before === undefined) added.push(file);
    else if (before !== text) modified.push(file);
  }
  const deleted = [...current.keys()].filter((file) => !rendered.has(file));
  return {
    added: added.sort(compareCodeUnits),
    modified: modified.sort(compareCodeUnits),
    deleted: deleted.sort(compareCodeUnits),
  };
}

/**
 * Brings `apps/` of the working copy to exactly `rendered`: writes new and changed files, deletes
 * stale ones and the directories they leave empty. Every path is checked before the first write, so
 * a refused path leaves the working copy untouched.
 */
export function applyChanges(root: string, rendered: ReadonlyMap<string, string>, changes: FileChanges): void {
  for (const file of [...changes.added, ...changes.modified, ...changes.deleted]) assertInsideApps(file);
  const dirs = new Set<string>();
  for (const file of [...changes.added, ...changes.modified]) {
    const full = path.join(root, file);
    const dir = path.dirname(full);
    if (!dirs.has(dir)) fs.mkdirSync(dir, { recursive: true });
    dirs.add(dir);
    fs.writeFileSync(full, rendered.get(file) ?? "");
  }
  for (const file of changes.deleted) fs.rmSync(path.join(root, file), { force: true });
  removeEmptyDirs(root, changes.deleted);
}

function removeEmptyDirs(root: string, deleted: readonly string[]): void {
  const dirs = new Set<string>();
  for (const file of deleted) {
    for (let dir = path.posix.dirname(file); dir !== APPS_DIR && dir !== "."; dir = path.posix.dirname(dir))
      dirs.add(dir);
  }
  // Deepest first, so a parent is checked after its children are gone.
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    const full = path.join(root, dir);
    if (fs.existsSync(full) && fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }
}

/** The apps a set of changed paths belongs to, sorted. */
export function appsOf(files: readonly string[]): string[] {
  return [...new Set(files.map((f) => appOfPath(f) ?? f))].sort();
}
