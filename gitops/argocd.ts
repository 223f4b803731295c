import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../stack";
import {
  APPLICATION_SET_NAME,
  applicationManifest,
  applicationSetManifest,
  ArgoManifest,
  syncWindowsPatch,
  Upstream,
  validateArgoManifests,
} from "./applications";
import { GitopsConfig } from "./config";

export interface AppCatalogArgs {
  readonly env: Environment;
  readonly config: GitopsConfig;
  /** The catalog's apps in this environment: plain data, because it decides how many Applications exist. */
  readonly apps: readonly string[];
  /** Where Argo CD runs and which state repo it syncs, from the platform stack. */
  readonly upstream: Upstream<pulumi.Input<string>>;
  readonly provider: k8s.Provider;
}

/** One object of the plan, keyed by a stable name (the app, or the ApplicationSet's). */
export interface PlannedObject<T> {
  readonly key: string;
  readonly manifest: ArgoManifest<T>;
  /** A patch of fields of an object someone else owns (the platform's AppProject), applied server-side. */
  readonly patch: boolean;
}

/** The Argo CD objects of one environment's catalog, in the config's mode. */
export function planArgoObjects<T>(
  env: Environment,
  config: GitopsConfig,
  apps: readonly string[],
  upstream: Upstream<T>,
): PlannedObject<T>[] {
  const objects: PlannedObject<T>[] =
    config.mode === "applications"
      ? apps.map((app) => ({ key: app, manifest: applicationManifest(app, env, config, upstream), patch: false }))
      : [{ key: APPLICATION_SET_NAME, manifest: applicationSetManifest(env, config, upstream), patch: false }];
  if (config.sync.windows.length) {
    objects.push({ key: "sync-windows", manifest: syncWindowsPatch(config, upstream), patch: true });
  }
  return objects;
}

/** Checks the plan against the Argo CD CRD schemas, with the platform's values as plain strings. */
export function validateArgoPlan(env: Environment, config: GitopsConfig, apps: readonly string[]): void {
  const placeholders: Upstream<string> = {
    argocdNamespace: "argocd",
    appsProject: "apps",
    stateRepoUrl: "https://example.com/state.git",
    stateRepoRevision: "main",
  };
  validateArgoManifests(planArgoObjects(env, config, apps, placeholders).map((o) => o.manifest));
}

/**
 * The catalog's Argo CD objects in one cluster: an Application per app (or one ApplicationSet), and
 * the sync windows of the apps AppProject when the config has any.
 */
export class AppCatalog extends pulumi.ComponentResource {
  constructor(name: string, args: AppCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:gitops:AppCatalog", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    for (const object of planArgoObjects(args.env, args.config, args.apps, args.upstream)) {
      const { apiVersion, kind, metadata, spec } = object.manifest;
      if (object.patch) {
        new k8s.apiextensions.CustomResourcePatch(
          `${name}-${object.key}`,
          {
            apiVersion,
            kind,
            // Server-side apply takes these fields over even if the platform's manager set them before.
            metadata: { ...metadata, annotations: { "pulumi.com/patchForce": "true" } },
            spec,
          },
          childOpts,
        );
      } else {
        new k8s.apiextensions.CustomResource(`${name}-${object.key}`, { apiVersion, kind, metadata, spec }, childOpts);
      }
    }
    this.registerOutputs({});
  }
}
