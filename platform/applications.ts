import { IApplication, Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { ARGOCD_APPS_APPLICATION_FIELDS } from "./chart-keys";
import { ARGOCD_NAMESPACE } from "./components";
import { InfraFacts } from "./facts";
import { crdProvider, ReleasePlan } from "./releases";

/**
 * The Argo CD side of the hand-off: one child Application per Argo CD-owned release, generated
 * from the same plan as the bootstrap Release, and the root (app-of-apps) Application that carries
 * them. The root is Pulumi's; its source is the `argocd-apps` chart with the children in its values,
 * so nothing has to write platform manifests into git for Argo CD to manage the ops releases and
 * itself. Pure functions; every object is validated against Argo CD's CRD schema.
 */

export const IN_CLUSTER = "https://kubernetes.default.svc";
export const OPS_PROJECT = "ops";
export const APPS_PROJECT = "apps";
export const ROOT_APPLICATION = "platform";
export const ARGOCD_APPS_CHART = { chart: "argocd-apps", repo: "https://argoproj.github.io/argo-helm" } as const;
export const PLATFORM_LABELS = { "app.kubernetes.io/part-of": "gitops-platform", "gitops-platform/layer": "platform" };
/**
 * The root Application's name, labels and finalizer; its namespace is Argo CD's. The resources
 * finalizer makes deleting the root delete what it deployed: the child Applications, and only them
 * (they carry none, so their workloads stay). Without it, the children would outlive the root,
 * parentless, still syncing values nothing can change any more.
 */
export const ROOT_METADATA = {
  name: ROOT_APPLICATION,
  labels: PLATFORM_LABELS,
  finalizers: ["resources-finalizer.argocd.argoproj.io"],
};

/** Throws with the object's name if it does not match the Application CRD schema. */
export function validated(app: IApplication): IApplication {
  try {
    new Application(app).validate();
  } catch (err) {
    throw new Error(`Application ${app.metadata.name} does not match the Argo CD CRD: ${(err as Error).message}`);
  }
  return app;
}

/**
 * Sync wave: a release whose manifests use another release's CRDs (a ServiceMonitor) syncs after
 * it. Argo CD applies waves in order when it installs from scratch, e.g. on a rebuilt cluster.
 */
export function syncWave(plan: ReleasePlan, plans: readonly ReleasePlan[]): number {
  const providers = plan.usesCrds
    .map((group) => crdProvider(plans, `${group}/v1`))
    .filter((p): p is ReleasePlan => p !== undefined && p.component !== plan.component);
  return providers.length === 0 ? 0 : 1 + Math.max(...providers.map((p) => syncWave(p, plans)));
}

/** The Application that takes a release over: same chart, repo, version, release name, namespace and values. */
export function releaseApplication(plan: ReleasePlan, plans: readonly ReleasePlan[], facts: InfraFacts): IApplication {
  return validated({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: plan.component,
      namespace: ARGOCD_NAMESPACE,
      annotations: { "argocd.argoproj.io/sync-wave": String(syncWave(plan, plans)) },
      labels: PLATFORM_LABELS,
      // No resources finalizer: deleting this Application (handing the release back) keeps its workloads.
    },
    spec: {
      project: OPS_PROJECT,
      source: {
        repoURL: plan.repo,
        chart: plan.chart,
        targetRevision: plan.version,
        helm: { releaseName: plan.releaseName, valuesObject: plan.values(facts) },
      },
      destination: { server: IN_CLUSTER, namespace: plan.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        ...(plan.syncOptions.length ? { syncOptions: [...plan.syncOptions] } : {}),
      },
    },
  });
}

/** An Application as an entry of the `argocd-apps` chart's `applications` map (its template's fields). */
export function argocdAppsEntry(app: IApplication): Record<string, unknown> {
  const metadata: { namespace?: string; annotations?: object; labels?: object } = app.metadata;
  const entry: Record<(typeof ARGOCD_APPS_APPLICATION_FIELDS)[number], unknown> = {
    namespace: metadata.namespace,
    additionalAnnotations: metadata.annotations,
    additionalLabels: metadata.labels,
    project: app.spec.project,
    source: app.spec.source,
    destination: app.spec.destination,
    syncPolicy: app.spec.syncPolicy,
    ignoreDifferences: app.spec.ignoreDifferences,
  };
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

/** The root Application: Pulumi-owned, rendering one child per release that Argo CD owns. */
export function rootApplication(plans: readonly ReleasePlan[], chartVersion: string, facts: InfraFacts): IApplication {
  const children = plans
    .filter((p) => p.owner === "argocd")
    .map((p) => [p.component, argocdAppsEntry(releaseApplication(p, plans, facts))] as const);
  return validated({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { ...ROOT_METADATA, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: OPS_PROJECT,
      source: {
        repoURL: ARGOCD_APPS_CHART.repo,
        chart: ARGOCD_APPS_CHART.chart,
        targetRevision: chartVersion,
        helm: {
          releaseName: ROOT_APPLICATION,
          valuesObject: {
            applications: Object.fromEntries(children),
          },
        },
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      // Pruning a child Application (a release handed back to Pulumi) deletes only the Application.
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  });
}
