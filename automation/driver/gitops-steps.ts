import { Environment } from "../../stack";

/**
 * The two gitops steps the driver runs but does not own: hydrating an environment's catalog into
 * its state repo (and pushing), and diffing what hydration would write against the state repo.
 * `up`, `preview` and `drift` take them as dependencies with these shapes.
 */

export interface HydrateResult {
  /** False when the state repo already held exactly the hydrated output (no commit). */
  readonly changed: boolean;
  /** The state-repo commit that was pushed, when something changed. */
  readonly commit?: string;
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly deleted: readonly string[];
}

export type Hydrate = (env: Environment) => Promise<HydrateResult>;

export interface ManifestChange {
  readonly app: string;
  /** Path of the manifest inside the state repo. */
  readonly path: string;
  readonly status: "added" | "modified" | "deleted";
  /** Unified diff of the file. */
  readonly diff: string;
}

export type ManifestDiff = (env: Environment) => Promise<readonly ManifestChange[]>;

export interface GitopsSteps {
  readonly hydrate: Hydrate;
  readonly manifestDiff: ManifestDiff;
}

/** Hydration lives in gitops/ (issue 5); it is wired in here once that work is merged. */
export class GitopsStepUnavailableError extends Error {
  override readonly name = "GitopsStepUnavailableError";
}

function unavailable(step: string): never {
  throw new GitopsStepUnavailableError(
    `${step} is not wired into the driver yet: automation/driver/gitops-steps.ts awaits gitops/ hydration (issue 5)`,
  );
}

/** The steps the CLI uses. */
export const gitopsSteps: GitopsSteps = {
  hydrate: () => Promise.resolve().then(() => unavailable("hydrate")),
  manifestDiff: () => Promise.resolve().then(() => unavailable("the manifest diff")),
};
