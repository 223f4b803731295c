import * as path from "node:path";
import { redactUrlCredentials } from "../../config";
import { readHydrationConfig } from "../../gitops/environment-config";
import { diffStateRepo, hydrate, HydrateResult } from "../../gitops/hydrate";
import { FileChange } from "../../gitops/state-repo/diff";
import { isRemoteUrl } from "../../gitops/state-repo/git";
import { openWorkingCopy } from "../../gitops/state-repo/target";
import { Environment } from "../../stack";

/**
 * The two gitops steps the driver runs but does not own (gitops/hydrate.ts does): hydrating an
 * environment's catalog into its state repo and pushing (`up`), and diffing what hydration would
 * write against the state repo (`preview`, `drift`). Both use the state repo the environment's
 * config names, `gitops-platform:platform.stateRepo` (url and targetRevision): the one Argo CD syncs.
 */

export type { HydrateResult };

/** One manifest file of the state repo that hydration would add, modify or delete, with its unified diff. */
export type ManifestChange = FileChange;

/** What a manifest diff compared the render with: the live state repo, or the catalog rendered at a commit. */
export type ManifestBaseline =
  | { readonly kind: "state-repo"; readonly stateRepo: string; readonly branch: string }
  | { readonly kind: "render"; readonly ref: string; readonly commit: string };

export interface StateRepoComparison {
  readonly changes: readonly ManifestChange[];
  readonly against: ManifestBaseline;
}

/** The configured state repo could not be opened (cloned, or found on disk): no credentials, no network, not there. */
export class StateRepoUnreadableError extends Error {
  override readonly name = "StateRepoUnreadableError";
}

export interface GitopsSteps {
  /** Renders, commits (Source-Commit: HEAD of the project) and pushes to the configured state repo. */
  readonly hydrate: (env: Environment) => Promise<HydrateResult>;
  /**
   * What hydration would change in the configured state repo, per file; nothing is written. Throws
   * StateRepoUnreadableError when the state repo cannot be opened.
   */
  readonly manifestDiff: (env: Environment) => Promise<StateRepoComparison>;
}

export interface GitopsStepsOptions {
  /** The app catalog; by default `gitops/apps` of this checkout. */
  readonly catalogDir?: string;
}

/** The steps over the project at `rootDir`: its `Pulumi.<env>.yaml` names the state repo. */
export function gitopsSteps(rootDir: string, options: GitopsStepsOptions = {}): GitopsSteps {
  const source = { rootDir, catalogDir: options.catalogDir };
  return {
    hydrate: (env) => hydrate({ ...source, env, stateRepo: configuredStateRepo(env, rootDir).location, push: true }),
    async manifestDiff(env) {
      const stateRepo = configuredStateRepo(env, rootDir);
      // A URL or a bare repo is cloned into a temporary directory (removed after); a checkout is read in place.
      const copy = await openWorkingCopy(stateRepo.location, { rootDir, env, branch: stateRepo.branch }).catch(
        (err: unknown) => {
          throw new StateRepoUnreadableError(
            `state repo ${redactUrlCredentials(stateRepo.url)} (${stateRepo.key}) could not be read: ${err instanceof Error ? err.message : String(err)}`,
          );
        },
      );
      try {
        const changes = diffStateRepo(env, copy.dir, source).apps.flatMap((app) => app.files);
        const against: ManifestBaseline = {
          kind: "state-repo",
          stateRepo: redactUrlCredentials(stateRepo.url),
          branch: stateRepo.branch,
        };
        return { changes, against };
      } finally {
        copy.close();
      }
    },
  };
}

/**
 * The state repo `env` is configured with. A path (a bare repo or a checkout on disk, such as the
 * local `.state/<env>`) is taken relative to the project, not to wherever the CLI was started.
 */
function configuredStateRepo(env: Environment, rootDir: string) {
  const config = readHydrationConfig(env, rootDir);
  const { url, targetRevision } = config.platform.stateRepo;
  return {
    url,
    branch: targetRevision,
    location: isRemoteUrl(url) ? url : path.resolve(rootDir, url),
    key: `gitops-platform:platform.stateRepo.url in ${config.file}`,
  };
}
