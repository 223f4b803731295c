import { appOfPath } from "./render/file-names";
import { describeChanges, FileChange, FileStatus } from "./state-repo/diff";
import { planChanges } from "./state-repo/working-copy";
import { compareCodeUnits } from "../order";

/**
 * Two renders of one environment's catalog, compared file by file: what a change to the catalog (or
 * to the renderer) does to the state repo, without reading the state repo. Pure: `hydrate --diff`
 * and the preview comment call it with renders they made.
 */

/** One environment's render: state-repo path (`apps/<app>/<kind>-<name>.yaml`) to YAML text. */
export type RenderedFiles = ReadonlyMap<string, string>;

/** `added`: the app has no file in the render before; `removed`: none in the render after. */
export type AppChangeStatus = "added" | "removed" | "changed";

export interface AppRenderDiff {
  readonly app: string;
  readonly status: AppChangeStatus;
  /** Only files whose bytes differ, sorted by path, each with its unified diff. */
  readonly files: readonly FileChange[];
}

export interface RenderDiff {
  /** Apps with at least one changed file, sorted. */
  readonly apps: readonly AppRenderDiff[];
  /** Files added, modified and deleted across the apps. */
  readonly added: number;
  readonly modified: number;
  readonly deleted: number;
  readonly hasChanges: boolean;
}

/** What moving from the render `before` to the render `after` changes, per app and file. */
export function diffRenders(old: RenderedFiles, current: RenderedFiles): RenderDiff {
  const changes = planChanges(old, current);
  const [appsBefore, appsAfter] = [appsIn(old), appsIn(current)];
  const apps = describeChanges(old, current, changes).map(({ app, files }) => ({
    app,
    status: !appsBefore.has(app)
      ? ("added" as const)
      : !appsAfter.has(app)
        ? ("removed" as const)
        : ("changed" as const),
    files,
  }));
  return {
    apps,
    added: changes.added.length,
    modified: changes.modified.length,
    deleted: changes.deleted.length,
    hasChanges: apps.length > 0,
  };
}

function appsIn(files: RenderedFiles): Set<string> {
  return new Set([...files.keys()].map((file) => appOfPath(file) ?? file));
}

/** Changed objects counted by kind and status: the blast radius (`3 Deployments modified`). */
export interface ObjectCount {
  readonly kind: string;
  readonly status: FileStatus;
  readonly count: number;
}

/** The objects of `files` by kind and status, sorted by status (modified, added, deleted) then kind. */
export function countObjects(files: readonly FileChange[]): ObjectCount[] {
  const counts = new Map<string, ObjectCount>();
  for (const { kind, status } of files) {
    const key = `${status}\u0000${kind}`;
    counts.set(key, { kind, status, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  const order: readonly FileStatus[] = ["modified", "added", "deleted"];
  return [...counts.values()].sort(
    (a, b) => order.indexOf(a.status) - order.indexOf(b.status) || compareCodeUnits(a.kind, b.kind),
  );
}
