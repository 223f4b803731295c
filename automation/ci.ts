import { InputError } from "../config";
import { Environment, ENVIRONMENTS } from "../stack";

/**
 * `ci`: the original workflow in one command. What to do is decided from the GitHub Actions
 * environment alone, so a table test covers every case:
 * - a pull request: one preview comment covering staging and production;
 * - a push to the main branch: `up` staging;
 * - a tag `v*`: `up` production (promotion is a tag on a commit that went through staging);
 * - a scheduled run: drift detection for every environment.
 */

export type CiPlan =
  | { readonly action: "preview"; readonly envs: readonly Environment[]; readonly reason: string }
  | { readonly action: "up"; readonly env: Environment; readonly reason: string }
  | { readonly action: "drift"; readonly envs: readonly Environment[]; readonly reason: string }
  | { readonly action: "nothing"; readonly reason: string };

export const MAIN_BRANCH = "main";

export function planCi(env: NodeJS.ProcessEnv): CiPlan {
  const event = env.GITHUB_EVENT_NAME;
  const ref = env.GITHUB_REF ?? "";
  if (!event) {
    throw new InputError(
      "ci: GITHUB_EVENT_NAME: received nothing; expected a GitHub Actions run (pull_request, push, schedule or " +
        "workflow_dispatch). Outside GitHub Actions, run preview, up or drift directly.",
    );
  }
  if (event === "pull_request") {
    return { action: "preview", envs: ENVIRONMENTS, reason: "a pull request gets one preview comment" };
  }
  if (event === "pull_request_target") {
    // It runs with the base repository's secrets on code the pull request controls.
    return {
      action: "nothing",
      reason: "pull_request_target is not supported: it would run a fork's code with secrets",
    };
  }
  if (event === "schedule") return { action: "drift", envs: ENVIRONMENTS, reason: "a scheduled run checks drift" };
  if (event === "push" || event === "workflow_dispatch") {
    if (ref === `refs/heads/${MAIN_BRANCH}`)
      return { action: "up", env: "staging", reason: `a push to ${MAIN_BRANCH} deploys staging` };
    if (/^refs\/tags\/v[^/]+$/.test(ref)) {
      return {
        action: "up",
        env: "production",
        reason: `the tag ${ref.slice("refs/tags/".length)} deploys production`,
      };
    }
    if (ref.startsWith("refs/tags/"))
      return { action: "nothing", reason: `the tag ${ref.slice(10)} is not a release tag (v*)` };
    return { action: "nothing", reason: `${ref || "no ref"} is neither ${MAIN_BRANCH} nor a v* tag` };
  }
  return { action: "nothing", reason: `the ${event} event has nothing to deploy` };
}
