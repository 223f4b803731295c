import * as path from "node:path";
import { createTwoFilesPatch } from "diff";
import { appOfPath } from "../render/file-names";
import { FileChanges } from "./working-copy";
import { compareCodeUnits } from "../../order";

export type FileStatus = "added" | "modified" | "deleted";

export interface FileChange {
  readonly app: string;
  /** Repo-relative path, e.g. `apps/demo/deployment-demo.yaml`. */
  readonly path: string;
  readonly status: FileStatus;
  /** The object's kind (`Deployment`), as its YAML names it: what a reviewer counts (the blast radius). */
  readonly kind: string;
  /** Unified diff with git-style headers (`--- a/...`, `+++ b/...`, `/dev/null` for added and deleted files). */
  readonly diff: string;
}

export interface AppChanges {
  readonly app: string;
  readonly files: readonly FileChange[];
}

/** The changes grouped per app, apps and files sorted, each file with its unified diff. */
export function describeChanges(
  current: ReadonlyMap<string, string>,
  rendered: ReadonlyMap<string, string>,
  changes: FileChanges,
): AppChanges[] {
  const files: FileChange[] = [
    ...changes.added.map((p) => fileChange(p, "added", undefined, rendered.get(p))),
    ...changes.modified.map((p) => fileChange(p, "modified", current.get(p), rendered.get(p))),
    ...changes.deleted.map((p) => fileChange(p, "deleted", current.get(p), undefined)),
  ].sort((a, b) => compareCodeUnits(a.path, b.path));
  const byApp = new Map<string, FileChange[]>();
  for (const file of files) byApp.set(file.app, [...(byApp.get(file.app) ?? []), file]);
  return [...byApp].map(([app, appFiles]) => ({ app, files: appFiles }));
}

function fileChange(
  file: string,
  status: FileStatus,
  before: string | undefined,
  after: string | undefined,
): FileChange {
  const patch = createTwoFilesPatch(
    before === undefined ? "/dev/null" : `a/${file}`,
    after === undefined ? "/dev/null" : `b/${file}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff starts with a line of "=" that git's format does not have.
  const diff = patch.replace(/^=+\n/, "");
  return { app: appOfPath(file) ?? file, path: file, status, kind: kindOf(file, after ?? before ?? ""), diff };
}

/**
 * The top-level `kind:` of a manifest. Hydration writes one object per file with `kind` at column 0;
 * a file edited by hand that names none falls back to the kind in its name (`deployment-demo.yaml`).
 * A line match, not a parse: a state repo's files are not ours to trust, and this runs on every changed file.
 */
function kindOf(file: string, text: string): string {
  const named = /^kind:[ \t]*(["']?)([A-Za-z][A-Za-z0-9]*)\1[ \t]*$/m.exec(text)?.[2];
  return named ?? path.posix.basename(file).split("-")[0];
}
