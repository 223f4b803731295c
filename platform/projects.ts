import { AppProject, IAppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { APPS_PROJECT, ARGOCD_APPS_CHART, IN_CLUSTER, OPS_PROJECT } from "./applications";
import { ARGOCD_NAMESPACE } from "./components";
import { PlatformConfig } from "./config";
import { ReleasePlan } from "./releases";

/**
 * The two AppProjects: `ops` for the platform's own releases (cluster-wide, they install CRDs and
 * ClusterRoles) and `apps` for the application catalog, fenced in to the state repo and the app
 * namespaces. Pure functions; each object is validated against Argo CD's CRD schema.
 */

function validated(project: IAppProject): IAppProject {
  try {
    new AppProject(project).validate();
  } catch (err) {
    throw new Error(`AppProject ${project.metadata.name} does not match the Argo CD CRD: ${(err as Error).message}`);
  }
  return project;
}

/**
 * What the guardrails read to tell the platform's own project from app projects
 * (policy/rules/argocd.ts, `argocd-project-no-cluster-resources`): only `platform` may create
 * cluster-scoped resources, and it may share no source repository with an app project.
 */
const PROJECT_ROLE_LABEL = "gitops-platform/project-role";

function metadata(name: string, role: "platform" | "apps"): IAppProject["metadata"] {
  return {
    name,
    namespace: ARGOCD_NAMESPACE,
    labels: { "app.kubernetes.io/part-of": "gitops-platform", [PROJECT_ROLE_LABEL]: role },
  };
}

export function opsProject(plans: readonly ReleasePlan[]): IAppProject {
  const repos = [...new Set([ARGOCD_APPS_CHART.repo, ...plans.map((p) => p.repo)])].sort();
  const namespaces = [...new Set([ARGOCD_NAMESPACE, ...plans.map((p) => p.namespace)])].sort();
  return validated({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: metadata(OPS_PROJECT, "platform"),
    spec: {
      description: "The platform's ops releases and Argo CD itself",
      sourceRepos: repos,
      destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    },
  });
}

/**
 * The app catalog's project: its only sources are the state repo, its only destinations the app
 * namespaces, and it may create no cluster-scoped resource (an empty whitelist allows none). Plain
 * Secrets are refused too: the state repo holds only SealedSecrets (DESIGN.md, "State repos").
 */
export function appsProject(config: PlatformConfig): IAppProject {
  return validated({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: metadata(APPS_PROJECT, "apps"),
    spec: {
      description: "Applications hydrated into the state repo",
      sourceRepos: [config.stateRepo.url],
      destinations: config.appNamespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: "", kind: "Secret" }],
    },
  });
}
