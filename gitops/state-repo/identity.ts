import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { InputError } from "../../config";
import { Environment } from "../../stack";

/**
 * Which environment and cluster a state repo belongs to, recorded in the repo itself: one file at its
 * root, written by the first hydration. Argo CD syncs only `apps/<app>`, so it never sees the file.
 * Hydrating another environment into the repo (a wrong `--state-repo`, a copied config) would
 * replace that cluster's desired state with another's; it is refused with both names, unless the
 * caller forces it, which rewrites the record.
 */

export const IDENTITY_FILE = "gitops-platform.yaml";

export interface StateRepoIdentity {
  readonly environment: Environment;
  /** The EKS cluster Argo CD syncs this repo into: `gitops-platform:infra.clusterName`. */
  readonly cluster: string;
}

/** What hydration does with the record: nothing (it matches), write it (first hydration) or rewrite it (forced). */
export type IdentityAction = "kept" | "recorded" | "taken-over";

export function identityText(identity: StateRepoIdentity): string {
  return [
    "# Written by gitops-platform's hydrate: the environment and cluster this state repo belongs to.",
    "# Hydrating another environment here is refused (hydrate --force takes the repo over).",
    `environment: ${identity.environment}`,
    `cluster: ${identity.cluster}`,
    "",
  ].join("\n");
}

/** The identity a working copy records, or undefined when it records none yet. */
export function readIdentity(dir: string, shown: string): { environment: string; cluster: string } | undefined {
  const file = path.join(dir, IDENTITY_FILE);
  if (!fs.existsSync(file)) return undefined;
  const recorded = (() => {
    try {
      return parse(fs.readFileSync(file, "utf8")) as unknown;
    } catch {
      return undefined;
    }
  })() as { environment?: unknown; cluster?: unknown } | undefined;
  if (typeof recorded?.environment !== "string" || typeof recorded.cluster !== "string") {
    throw new InputError(
      `state repo ${shown}: ${IDENTITY_FILE}: received ${JSON.stringify(fs.readFileSync(file, "utf8").slice(0, 200))}; ` +
        "expected the environment and cluster the repo belongs to (environment: <env>, cluster: <name>)",
    );
  }
  return { environment: recorded.environment, cluster: recorded.cluster };
}

/**
 * Checks that the working copy at `dir` belongs to `identity` and says what hydration must write.
 * `configKey` names where the right repo is configured, for the error.
 */
export function checkIdentity(
  dir: string,
  identity: StateRepoIdentity,
  options: { readonly shown: string; readonly force?: boolean; readonly configKey: string },
): IdentityAction {
  const recorded = readIdentity(dir, options.shown);
  if (!recorded) return "recorded";
  if (recorded.environment === identity.environment && recorded.cluster === identity.cluster) return "kept";
  if (options.force) return "taken-over";
  throw new InputError(
    `state repo ${options.shown}: belongs to environment ${recorded.environment} (cluster ${recorded.cluster}), as ` +
      `its ${IDENTITY_FILE} records; received environment ${identity.environment} (cluster ${identity.cluster}); ` +
      `expected the ${identity.environment} state repo (${options.configKey}), or --force to make this repo ` +
      `${identity.environment}'s`,
  );
}

export function writeIdentity(dir: string, identity: StateRepoIdentity): void {
  fs.writeFileSync(path.join(dir, IDENTITY_FILE), identityText(identity));
}
