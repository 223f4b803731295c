import * as path from "node:path";
import { InputError } from "../../config";
import { Manifest } from "./manifest";

/** Where hydrated apps live in a state repo: `apps/<app>/`, the path each Argo CD Application syncs. */
export const APPS_DIR = "apps";

export function appDirOf(app: string): string {
  return `${APPS_DIR}/${app}`;
}

/**
 * The file of one object: `apps/<app>/<kind>-<name>.yaml`, the kind in lower case
 * (`apps/demo/deployment-demo.yaml`, `apps/demo/cronjob-demo-cleanup.yaml`). Every object of an app
 * lives in the app's namespace, so kind and name are unique within the directory.
 */
export function fileNameOf(app: string, manifest: Manifest): string {
  return `${appDirOf(app)}/${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}

/** The app a state-repo path belongs to (`apps/<app>/...`), or undefined outside `apps/`. */
export function appOfPath(file: string): string | undefined {
  const [dir, app, ...rest] = file.split("/");
  return dir === APPS_DIR && app && rest.length ? app : undefined;
}

/**
 * Refuses a repo-relative path that could write outside `apps/` of the working copy: absolute paths,
 * `..` segments, backslashes, NUL, anything not in normal form.
 */
export function assertInsideApps(file: string): void {
  const normal = path.posix.normalize(file);
  // The `..` and prefix checks are second guards: a path in normal form has a `..` segment only at
  // its start, and appOfPath finds an app only under `apps/`, so no test can see them fail alone.
  const escapes =
    file !== normal ||
    path.posix.isAbsolute(file) ||
    // Stryker disable next-line StringLiteral: a second guard (above); "" would also refuse the directory path apps/<app>/
    file.split("/").includes("..") ||
    /[\\\0]/.test(file) ||
    // Stryker disable next-line StringLiteral: a second guard (above)
    !file.startsWith(`${APPS_DIR}/`) ||
    appOfPath(file) === undefined;
  if (escapes) {
    throw new InputError(
      `state repo: received the path ${JSON.stringify(file)}; expected a path inside ${APPS_DIR}/<app>/ of the working copy`,
    );
  }
}
