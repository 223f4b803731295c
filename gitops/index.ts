import { platformOutputs } from "../platform/outputs";
import { readStackOutputs, StackIdentity } from "../stack";
import { loadGitopsConfig } from "./config";

/** The gitops layer: Argo CD Applications pointing at the environment's hydrated state repo. */
export function gitopsProgram(stack: StackIdentity): object {
  const config = loadGitopsConfig(stack);
  const platform = readStackOutputs(stack, platformOutputs);
  return { mode: config.mode, stateRepoUrl: platform.stateRepoUrl };
}
