import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Which apps a diff must render. With the same renderer on both sides, an app renders to the same
 * bytes at the commit and in the working tree unless its directory differs, or it is a chart or
 * Kustomize app, whose sources may live outside its directory and whose render depends on the
 * environment's Kubernetes version. Every other app is left out of both renders: it cannot differ.
 * Git answers both questions from its index and object store, without reading the catalog twice.
 */
export interface AppSelection {
  /** The apps to render on both sides, sorted. */
  readonly apps: readonly string[];
  /** Whether any of them may be a chart or Kustomize app (its sources must be exported). */
  readonly sources: boolean;
}

/** The apps of the catalog at `catalogRel` (relative to the top level) to render for a diff against `commit`. */
export function selectApps(topLevel: string, commit: string, catalogRel: string, catalogDir: string): AppSelection {
  const under = `${catalogRel}/`;
  const changed = [
    // Tracked files that differ between the commit and the working tree, deleted ones included.
    ...gitPaths(topLevel, ["diff", "--name-only", "--no-renames", "--no-ext-diff", "-z", commit, "--", under]),
    // Files git does not track, ignored ones too: the renderer reads them all the same.
    ...gitPaths(topLevel, ["ls-files", "--others", "-z", "--", under]),
  ];
  // A source app names its kind by a top-level `chart:` or `kustomize:` key: any file that mentions
  // either word may hold one. A superset, so that no source app is missed.
  const mentions = ["-l", "-z", "-E", "-e", "chart|kustomize"];
  const sourceLike = [
    ...gitPaths(topLevel, ["grep", ...mentions, commit, "--", under]).map((p) => p.slice(commit.length + 1)),
    ...gitPaths(topLevel, ["grep", ...mentions, "--untracked", "--no-exclude-standard", "--", under]),
  ];
  const appOf = (file: string) => file.slice(under.length).split("/")[0];
  const apps = new Set([...changed, ...sourceLike].map(appOf).filter(Boolean));
  // An app directory that is a link to another one (catalog.ts allows it) changes when its target does.
  for (const entry of fs.existsSync(catalogDir) ? fs.readdirSync(catalogDir, { withFileTypes: true }) : []) {
    if (entry.isSymbolicLink()) apps.add(entry.name);
  }
  return { apps: [...apps].sort(), sources: sourceLike.length > 0 };
}

/** The NUL-separated paths a git command prints; none when it finds nothing (git grep exits 1). */
function gitPaths(cwd: string, args: readonly string[]): string[] {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status === 1 && args[0] === "grep") return [];
  if (result.status !== 0) {
    throw new Error(`git ${args.join(" ")} failed in ${cwd}: ${result.stderr.trim() || `exit ${result.status}`}`);
  }
  return result.stdout
    .split("\0")
    .filter(Boolean)
    .map((p) => p.split(path.sep).join("/"));
}
