import { CatalogApp } from "../catalog/spec";
import { Manifest } from "./manifest";
import {
  renderConfigMap,
  renderHorizontalPodAutoscaler,
  renderIngress,
  renderNetworkPolicy,
  renderPodDisruptionBudget,
  renderSealedSecret,
  renderService,
  renderServiceAccount,
  renderServiceMonitor,
} from "./objects";
import { renderCronJob, renderDeployment } from "./workload";

/** An object of the app, and for one of its extra `objects` the key path it was declared at. */
export interface RenderedObject {
  readonly manifest: Manifest;
  /** `["objects", i]` for the app's extra objects; absent for objects rendered from the spec. */
  readonly specPath?: readonly (string | number)[];
}

/** Every Kubernetes object of one app in one environment, as plain data (not yet validated). */
export function renderApp(app: CatalogApp): RenderedObject[] {
  return [
    ...renderFromSpec(app).map((manifest) => ({ manifest })),
    ...app.spec.objects.map((object, i) => ({ manifest: inAppNamespace(app.name, object), specPath: ["objects", i] })),
  ];
}

function renderFromSpec(app: CatalogApp): Manifest[] {
  const { spec } = app;
  const manifests: Manifest[] = [renderServiceAccount(app), renderDeployment(app)];
  if (spec.ports.length) manifests.push(renderService(app));
  if (spec.config) manifests.push(renderConfigMap(app, spec.config));
  for (const [name, sealed] of Object.entries(spec.sealedSecrets))
    manifests.push(renderSealedSecret(app, name, sealed));
  if (spec.ingress) manifests.push(renderIngress(app, spec.ingress));
  if (spec.autoscaling) manifests.push(renderHorizontalPodAutoscaler(app, spec.autoscaling));
  if (spec.podDisruptionBudget) manifests.push(renderPodDisruptionBudget(app, spec.podDisruptionBudget));
  for (const [job, cron] of Object.entries(spec.cronJobs)) manifests.push(renderCronJob(app, job, cron));
  if (spec.serviceMonitor) manifests.push(renderServiceMonitor(app, spec.serviceMonitor));
  if (spec.networkPolicy) manifests.push(renderNetworkPolicy(app, spec.networkPolicy));
  return manifests;
}

/** Extra objects land in the app's namespace unless they name one (validation then checks it is the app's). */
function inAppNamespace(app: string, object: Manifest): Manifest {
  if (object.metadata.namespace !== undefined) return object;
  return { ...object, metadata: { ...object.metadata, namespace: app } };
}
