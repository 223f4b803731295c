import * as k8s from "@pulumi/kubernetes";
import { infraOutputs } from "../infra/outputs";
import { loadPlatformConfig } from "../platform/config";
import { platformOutputs } from "../platform/outputs";
import { StackIdentity } from "../stack";
import { readStackOutputs } from "../layer-outputs";
import { assertAppNamespacesAllowed } from "./app-namespaces";
import { AppCatalog, validateArgoPlan } from "./argocd";
import { loadCatalog } from "./catalog/catalog";
import { loadGitopsConfig } from "./config";

/**
 * The gitops layer: Argo CD Applications pointing at the environment's hydrated state repo. The
 * manifests themselves reach the cluster through the state repo (`hydrate`), never through Pulumi.
 */
export function gitopsProgram(stack: StackIdentity): object {
  const config = loadGitopsConfig(stack);
  const apps = loadCatalog(stack.env).map((app) => app.name);
  assertAppNamespacesAllowed(apps, loadPlatformConfig(stack).appNamespaces, stack.configFile);
  validateArgoPlan(stack.env, config, apps);

  const infra = readStackOutputs(stack, infraOutputs);
  const platform = readStackOutputs(stack, platformOutputs);
  const provider = new k8s.Provider(`k8s-${stack.env}`, { kubeconfig: infra.kubeconfig });
  new AppCatalog("catalog", {
    env: stack.env,
    config,
    apps,
    upstream: {
      argocdNamespace: platform.argocdNamespace,
      appsProject: platform.appsProject,
      stateRepoUrl: platform.stateRepoUrl,
      stateRepoRevision: platform.stateRepoRevision,
    },
    provider,
  });
  return { mode: config.mode, apps, stateRepoUrl: platform.stateRepoUrl };
}
