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
  /** Every file (the commit's own renderer will run), or only the config files and the catalog. */
  readonly whole: boolean;
}

const CONFIG_FILE = /^Pulumi\..+\.ya?ml$/;

export function exportBaseTree(args: BaseTreeArgs): BaseTree {
  const { topLevel, commit, rootRel, catalogRel, dir } = args;
  const configFiles = [...treeAt(topLevel, commit, rootRel)]
    .filter(([name, type]) => type === "blob" && CONFIG_FILE.test(name))
    .map(([name]) => path.posix.join(rootRel, name));
  const hasCatalog = treeAt(topLevel, commit, parentOf(catalogRel)).get(path.posix.basename(catalogRel)) === "tree";
  // A chart or Kustomize app may keep its sources anywhere in the directory holding gitops/apps
  // (`chart.path: ../../charts/web`, gitops/sources/load.ts): that whole directory is exported.
  const sourcesRel = parentOf(parentOf(catalogRel));
  const paths = [...configFiles, ...(hasCatalog ? [sourcesRel] : [])];
  if (args.whole || paths.includes("")) exportCommit(topLevel, commit, dir);
  else if (paths.length > 0) exportCommit(topLevel, commit, dir, paths);
  const rootDir = path.join(dir, rootRel);
  fs.mkdirSync(rootDir, { recursive: true });
  let environments: BaseTree["environments"];
  try {
    environments = discoverEnvironments(rootDir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    environments = { error: err.message };
  }
  return { rootDir, catalogDir: hasCatalog ? path.join(dir, catalogRel) : undefined, environments };
}

/** The parent of a path relative to the top level, "" for the top level itself. */
function parentOf(relative: string): string {
  const parent = path.posix.dirname(relative);
  return parent === "." ? "" : parent;
}

/**
 * The apps whose directories differ between two catalogs: present in one only, or holding other
 * file names or bytes. An app directory holds only files (app.yaml and <env>.yaml); anything else
 * in it counts as a difference, so the renderer reads it and reports it.
 */
export function appsThatDiffer(before: string | undefined, after: string): string[] {
  const appsOf = (catalog: string | undefined) =>
    catalog === undefined || !fs.existsSync(catalog)
      ? []
      : fs.readdirSync(catalog).filter((name) => isDirectory(path.join(catalog, name)));
  const names = [...new Set([...appsOf(before), ...appsOf(after)])].sort();
  return names.filter((app) => before === undefined || !sameFiles(path.join(before, app), path.join(after, app)));
}

function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function sameFiles(a: string, b: string): boolean {
  if (!isDirectory(a) || !isDirectory(b)) return false;
  const names = fs.readdirSync(a).sort();
  const others = fs.readdirSync(b).sort();
  if (names.join("\u0000") !== others.join("\u0000")) return false;
  return names.every((name) => {
    const bytes = fileBytes(path.join(a, name));
    return bytes !== undefined && fileBytes(path.join(b, name))?.equals(bytes) === true;
  });
}

/** A plain file's bytes; undefined for anything else (a directory, a broken or looping link). */
function fileBytes(file: string): Buffer | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}
