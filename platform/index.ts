import { infraOutputs } from "../infra/outputs";
import { exportOutputs, readStackOutputs, StackIdentity, StackOutputs } from "../stack";
import { loadPlatformConfig } from "./config";
import { platformOutputs } from "./outputs";

/** The platform layer: ops services and Argo CD, bootstrapped and then handed to GitOps. */
export function platformProgram(stack: StackIdentity): StackOutputs<typeof platformOutputs.schema.shape> {
  const config = loadPlatformConfig(stack);
  readStackOutputs(stack, infraOutputs);
  return exportOutputs(platformOutputs, {
    argocdNamespace: "argocd",
    appsProject: "apps",
    stateRepoUrl: config.stateRepo.url,
    stateRepoRevision: config.stateRepo.targetRevision,
  });
}
