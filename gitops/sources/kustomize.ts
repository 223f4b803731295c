import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import { parseYaml } from "../../input-files";
import { isMap } from "../catalog/merge";
import { isInside, kustomizationFileOf } from "./load";
import { KustomizeApp } from "./schema";

/** Kustomize's fields that name other kustomizations (or files) to build on. */
const REFERENCE_FIELDS = ["resources", "bases", "components"] as const;
/** A URL or a git remote, which kustomize would fetch: `https://…`, `git@…`, `github.com/org/repo//dir`. */
const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@|(github\.com|gitlab\.com|bitbucket\.org)\/)/i;

/**
 * The directories `kustomize build <overlay>` reads: the overlay and every directory its resources,
 * bases and components reach, recursively. Kustomize's default load restrictor keeps every other
 * file a kustomization reads inside its own directory, so these trees are all the build depends on:
 * their content hash is the render's cache key. A remote reference or one that leaves the repository
 * is refused, and so is an overlay that does not reach the app's declared base.
 */
export function kustomizeInputs(app: KustomizeApp): string[] {
  const visited = new Set<string>();
  const queue = [app.overlay];
  for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
    if (visited.has(dir)) continue;
    visited.add(dir);
    const file = kustomizationFileOf(dir);
    if (!file) continue;
    for (const entry of referencesOf(app.name, file)) {
      if (REMOTE.test(entry)) {
        throw new InputError(
          `app ${app.name}: ${file}: received the remote reference ${JSON.stringify(entry)}; expected a path inside ` +
            "the repository (a render depends only on the repository's content)",
        );
      }
      const target = path.resolve(dir, entry);
      if (!isInside(app.repoRoot, target)) {
        throw new InputError(
          `app ${app.name}: ${file}: received ${JSON.stringify(entry)}, outside the repository; expected a path inside ${app.repoRoot}`,
        );
      }
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) queue.push(target);
    }
  }
  if (!visited.has(app.base)) {
    throw new InputError(
      `app ${app.name}: the overlay ${app.overlay} does not build on the base ${app.base}; expected its resources ` +
        "(or those of what it includes) to reach the base",
    );
  }
  return [...visited].sort();
}

function referencesOf(app: string, file: string): string[] {
  // The hardened reader, as for every YAML file of the catalog (size, depth, alias expansion).
  const document = parseYaml(fs.readFileSync(file, "utf8"), { file, expected: `a kustomization of app ${app}` });
  if (!isMap(document)) return [];
  return REFERENCE_FIELDS.flatMap((field) => {
    const entries = document[field];
    return Array.isArray(entries) ? entries.filter((e): e is string => typeof e === "string") : [];
  });
}

/** `kustomize build` of the app's overlay for this environment, with kustomize's defaults (no plugins, no helm). */
export function kustomizeBuildArgs(app: KustomizeApp): string[] {
  return ["build", app.overlay];
}
