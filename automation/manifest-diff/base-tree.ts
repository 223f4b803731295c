import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import { discoverEnvironments, Environment } from "../../stack";
import { exportCommit, treeAt } from "../commit-tree";

/** The files of the commit compared with, exported into a temporary directory. */
export interface BaseTree {
  /** The project at the commit: where its `Pulumi.<env>.yaml` files are. */
  readonly rootDir: string;
  /** Its app catalog; undefined when the commit has none yet. */
  readonly catalogDir?: string;
  /** Its environments, or why they could not be discovered (the base's own error). */
  readonly environments: readonly Environment[] | { readonly error: string };
}

export interface BaseTreeArgs {
  readonly topLevel: string;
  readonly commit: string;
  /** The project and its catalog, relative to the top level ("" for the top level itself). */
  readonly rootRel: string;
  readonly catalogRel: string;
  /** Where to write; the top level of the commit lands here. */
  readonly dir: string;
  /**
   * What to export besides the config files: `whole`, every file (the commit's own renderer will
   * run); `catalog`, the catalog and every source tree it may read; or only these apps' directories,
   * with the source trees when `sources` says one of them may be a chart or Kustomize app.
   */
  readonly scope: "whole" | "catalog" | { readonly apps: readonly string[]; readonly sources: boolean };
}

const CONFIG_FILE = /^Pulumi\..+\.ya?ml$/;

export function exportBaseTree(args: BaseTreeArgs): BaseTree {
  const { topLevel, commit, rootRel, catalogRel, dir, scope } = args;
  const configFiles = [...treeAt(topLevel, commit, rootRel)]
    .filter(([name, type]) => type === "blob" && CONFIG_FILE.test(name))
    .map(([name]) => path.posix.join(rootRel, name));
  const hasCatalog = treeAt(topLevel, commit, parentOf(catalogRel)).get(path.posix.basename(catalogRel)) === "tree";
  // A chart or Kustomize app may keep its sources anywhere in the directory holding gitops/apps
  // (`chart.path: ../../charts/web`, gitops/sources/load.ts): that whole directory is exported.
  const sourcesRel = parentOf(parentOf(catalogRel));
  const catalogPaths = (): string[] => {
    if (!hasCatalog) return [];
    if (scope === "whole" || scope === "catalog" || scope.sources) return [sourcesRel];
    const atCommit = treeAt(topLevel, commit, catalogRel);
    return scope.apps.filter((app) => atCommit.has(app)).map((app) => path.posix.join(catalogRel, app));
  };
  const paths = [...configFiles, ...catalogPaths()];
  if (scope === "whole" || paths.includes("")) exportCommit(topLevel, commit, dir);
  else if (paths.length > 0) exportCommit(topLevel, commit, dir, paths);
  const rootDir = path.join(dir, rootRel);
  const catalogDir = hasCatalog ? path.join(dir, catalogRel) : undefined;
  fs.mkdirSync(catalogDir ?? rootDir, { recursive: true });
  let environments: BaseTree["environments"];
  try {
    environments = discoverEnvironments(rootDir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    environments = { error: err.message };
  }
  return { rootDir, catalogDir, environments };
}

/** The parent of a path relative to the top level, "" for the top level itself. */
function parentOf(relative: string): string {
  const parent = path.posix.dirname(relative);
  return parent === "." ? "" : parent;
}
