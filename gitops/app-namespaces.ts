import { InputError } from "../config";
import { globMatches } from "../platform/components";

/**
 * Each app deploys to its own namespace, named after it, and only where the platform allows:
 * `gitops-platform:platform.appNamespaces` makes the `apps` AppProject's destinations and declares
 * the namespaces. Checked before anything is written or declared, because Argo CD would otherwise
 * accept the Application and fail every sync ("namespace is not permitted in project").
 */

export const APP_NAMESPACES_KEY = "gitops-platform:platform.appNamespaces";

/** Whether an `appNamespaces` entry (a name or an Argo CD glob) admits `namespace`. */
export function allowsNamespace(appNamespaces: readonly string[], namespace: string): boolean {
  return appNamespaces.some((entry) => globMatches(entry, namespace));
}

/**
 * Refuses, in one InputError with a line per app, every app whose namespace (the app's name)
 * `appNamespaces` does not admit, naming the app, its namespace, the entries and where to add it.
 */
export function assertAppNamespacesAllowed(
  apps: readonly string[],
  appNamespaces: readonly string[],
  configFile: string,
): void {
  const refused = apps.filter((app) => !allowsNamespace(appNamespaces, app));
  if (refused.length === 0) return;
  throw new InputError(
    refused
      .map(
        (app) =>
          `app "${app}" deploys to namespace "${app}", which ${APP_NAMESPACES_KEY} does not allow ` +
          `(it lists: ${appNamespaces.join(", ")}); add "${app}" to ${APP_NAMESPACES_KEY} in ${configFile}`,
      )
      .join("\n"),
  );
}
