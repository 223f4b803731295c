import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadTier } from "../environments";
import { infraOutputs } from "../infra/outputs";
import { StackIdentity } from "../stack";
import { exportOutputs, readStackOutputs, StackOutputs } from "../layer-outputs";
import { AppNamespaces } from "./app-namespaces";
import { APPS_PROJECT } from "./applications";
import { ArgocdHandoff } from "./argocd";
import { Bootstrap } from "./bootstrap";
import { ARGOCD_NAMESPACE, Component, Owner, RELEASE_NAMESPACES, SEALED_SECRETS_CONTROLLER } from "./components";
import { loadPlatformConfig, loadPlatformSecrets, PlatformSecretKey } from "./config";
import { infraFacts } from "./facts";
import { OpsObjects } from "./ops-objects";
import { platformOutputs } from "./outputs";
import { phaseAfter, plansInPhase } from "./phase";
import { previousPlatformRun } from "./previous-run";
import { planReleases } from "./releases";

/** The platform layer: ops services and Argo CD, bootstrapped and then handed to GitOps. */
export async function platformProgram(
  stack: StackIdentity,
): Promise<StackOutputs<typeof platformOutputs.schema.shape>> {
  const config = loadPlatformConfig(stack);
  const secrets = loadPlatformSecrets(stack, config);
  const endState = planReleases({
    env: stack.env,
    tier: loadTier(stack),
    config,
    secrets: new Set(Object.keys(secrets) as PlatformSecretKey[]),
  });
  const phase = phaseAfter(await previousPlatformRun(stack));
  const plans = plansInPhase(endState, phase);

  const infra = readStackOutputs(stack, infraOutputs);
  const provider = new k8s.Provider(`eks-${stack.env}`, { kubeconfig: infra.kubeconfig });
  const facts = infraFacts(infra);
  new AppNamespaces("apps", { appNamespaces: config.appNamespaces, provider });
  const bootstrap = new Bootstrap("bootstrap", { plans, facts, provider });
  new ArgocdHandoff("argocd", { env: stack.env, config, secrets, plans, facts, bootstrap, provider });
  new OpsObjects("ops", { config, facts, bootstrap, provider });

  return exportOutputs(platformOutputs, {
    argocdNamespace: ARGOCD_NAMESPACE,
    appsProject: APPS_PROJECT,
    stateRepoUrl: config.stateRepo.url,
    stateRepoRevision: config.stateRepo.targetRevision,
    // Resolves only once every Release of this run is installed, and Helm awaits readiness (helm.v3.Release
    // waits unless skipAwait): a bootstrap whose Argo CD never became ready cannot record its phase, so
    // the next run bootstraps again instead of handing over to it.
    platformPhase: pulumi.all([...bootstrap.releases.values()].map((r) => r.status)).apply(() => phase),
    releaseOwners: Object.fromEntries(plans.map((p) => [p.component, p.owner])) as Record<Component, Owner>,
    sealedSecretsNamespace: RELEASE_NAMESPACES["sealed-secrets"],
    sealedSecretsControllerName: SEALED_SECRETS_CONTROLLER,
  });
}
