import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";
import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { InputError } from "../config";
import { Environment } from "../stack";
import { GitopsConfig } from "./config";
import { appDirOf, APPS_DIR } from "./render/file-names";

/**
 * The Argo CD objects of the gitops stack as plain data: one Application per app (or one
 * ApplicationSet for the whole catalog) and the sync windows of the apps AppProject. The values that
 * come from the platform stack are a type parameter, so the same plan is built once with plain
 * strings to validate it and once with Pulumi outputs to declare it.
 */

/** Argo CD deletes an Application's objects before the Application itself (cascading delete). */
export const CASCADE_FINALIZER = "resources-finalizer.argocd.argoproj.io";
/** Argo CD runs in the cluster it deploys to: one Argo CD per cluster, one state repo per cluster. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";
/** The ApplicationSet of `applicationset` mode. */
export const APPLICATION_SET_NAME = "catalog";

/** What the gitops stack reads from the platform stack (platform/outputs.ts). */
export interface Upstream<T> {
  readonly argocdNamespace: T;
  readonly appsProject: T;
  readonly stateRepoUrl: T;
  readonly stateRepoRevision: T;
}

export interface ArgoManifest<T> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string | T;
    readonly namespace: T;
    readonly [field: string]: unknown;
  };
  readonly spec: Record<string, unknown>;
}

export function applicationManifest<T>(
  app: string,
  env: Environment,
  config: GitopsConfig,
  upstream: Upstream<T>,
): ArgoManifest<T> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: app, namespace: upstream.argocdNamespace, ...templateMetadata(env, config) },
    spec: applicationSpec(config, upstream, appDirOf(app), app),
  };
}

/**
 * One ApplicationSet whose git directory generator makes an Application of every `apps/<app>`
 * directory of the state repo, with the same settings `applicationManifest` gives each.
 */
export function applicationSetManifest<T>(
  env: Environment,
  config: GitopsConfig,
  upstream: Upstream<T>,
): ArgoManifest<T> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: {
      name: APPLICATION_SET_NAME,
      namespace: upstream.argocdNamespace,
      labels: templateMetadata(env, config).labels,
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [
        {
          git: {
            repoURL: upstream.stateRepoUrl,
            revision: upstream.stateRepoRevision,
            directories: [{ path: `${APPS_DIR}/*` }],
          },
        },
      ],
      template: {
        metadata: { name: "{{.path.basename}}", ...templateMetadata(env, config) },
        // Go templates of the git directory generator: `apps/<app>` and its base name.
        spec: applicationSpec(config, upstream, "{{.path.path}}", "{{.path.basename}}"),
      },
    },
  };
}

/** The sync windows of the apps AppProject, as the fields this stack owns in that object. */
export function syncWindowsPatch<T>(config: GitopsConfig, upstream: Upstream<T>): ArgoManifest<T> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: upstream.appsProject, namespace: upstream.argocdNamespace },
    spec: {
      syncWindows: config.sync.windows.map((w) => ({
        kind: w.kind,
        schedule: w.schedule,
        duration: w.duration,
        timeZone: w.timeZone,
        manualSync: w.manualSync,
        // Every Application of the project: the catalog's, whichever mode declares them.
        applications: ["*"],
      })),
    },
  };
}

/** What an Application syncs: `path` of the state repo into `namespace` of the cluster Argo CD runs in. */
function applicationSpec<T>(
  config: GitopsConfig,
  upstream: Upstream<T>,
  path: string,
  namespace: string,
): Record<string, unknown> {
  return {
    project: upstream.appsProject,
    source: { repoURL: upstream.stateRepoUrl, targetRevision: upstream.stateRepoRevision, path },
    destination: { server: IN_CLUSTER_SERVER, namespace },
    syncPolicy: syncPolicyOf(config),
  };
}

function templateMetadata(env: Environment, config: GitopsConfig): Record<string, unknown> {
  const annotations = Object.fromEntries(
    config.notifications.map((s) => [
      `notifications.argoproj.io/subscribe.${s.trigger}.${s.service}`,
      s.recipients.join(";"),
    ]),
  );
  return {
    labels: { "app.kubernetes.io/managed-by": "gitops-platform", "gitops-platform/environment": env },
    ...(Object.keys(annotations).length ? { annotations } : {}),
    finalizers: [CASCADE_FINALIZER],
  };
}

function syncPolicyOf(config: GitopsConfig): Record<string, unknown> {
  const { sync, retry } = config;
  return {
    ...(sync.automated ? { automated: { prune: sync.prune, selfHeal: sync.selfHeal } } : {}),
    // No CreateNamespace=true: the platform declares each app namespace, and the apps AppProject may
    // create no cluster-scoped resource (argoproj/argo-cd#22869). On prune, dependents go first (foreground).
    syncOptions: ["PrunePropagationPolicy=foreground", "PruneLast=true"],
    retry: {
      limit: retry.limit,
      backoff: {
        duration: retry.backoff.duration,
        factor: retry.backoff.factor,
        maxDuration: retry.backoff.maxDuration,
      },
    },
  };
}

const models: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
  Application,
  ApplicationSet,
  AppProject,
};

/**
 * Validates Argo CD objects against the CRD schemas of `@kubernetes-models/argo-cd`. Plans are
 * validated with the platform's values as plain strings, before any resource is declared.
 */
export function validateArgoManifests(manifests: readonly ArgoManifest<string>[]): void {
  const problems: string[] = [];
  for (const manifest of manifests) {
    try {
      new models[manifest.kind](manifest as never).validate();
    } catch (err) {
      problems.push(`${manifest.kind}/${manifest.metadata.name}: ${(err as Error).message}`);
    }
  }
  if (problems.length) {
    throw new InputError(
      `Argo CD objects do not match their CRD schemas:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}
