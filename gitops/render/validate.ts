import { SealedSecret } from "@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { InputError, keyPath, listed, shownValue, truncated } from "../../config";
import { CatalogApp } from "../catalog/spec";
import { RenderedObject } from "./app";
import { Manifest, refOfManifest } from "./manifest";
import { serverRuleViolations } from "./server-rules";

type Validator = (data: object) => void;

/**
 * The model's validate function, called on the manifest itself: constructing the model first would
 * deep-copy every object, which costs more than the validation for a large catalog.
 */
function modelValidator(model: { prototype: { validate(): void } }): Validator {
  return (data) => model.prototype.validate.call(data);
}

/**
 * Every kind the state repo may hold, with the schema it is validated against: the Kubernetes
 * OpenAPI schemas (`kubernetes-models`) and the CRDs' own (`@kubernetes-models/*`). All are namespaced.
 */
const validators: Readonly<Record<string, Validator>> = {
  "v1/ConfigMap": modelValidator(ConfigMap),
  "v1/PersistentVolumeClaim": modelValidator(PersistentVolumeClaim),
  "v1/Service": modelValidator(Service),
  "v1/ServiceAccount": modelValidator(ServiceAccount),
  "apps/v1/Deployment": modelValidator(Deployment),
  "apps/v1/StatefulSet": modelValidator(StatefulSet),
  "autoscaling/v2/HorizontalPodAutoscaler": modelValidator(HorizontalPodAutoscaler),
  "batch/v1/CronJob": modelValidator(CronJob),
  "batch/v1/Job": modelValidator(Job),
  "networking.k8s.io/v1/Ingress": modelValidator(Ingress),
  "networking.k8s.io/v1/NetworkPolicy": modelValidator(NetworkPolicy),
  "policy/v1/PodDisruptionBudget": modelValidator(PodDisruptionBudget),
  "rbac.authorization.k8s.io/v1/Role": modelValidator(Role),
  "rbac.authorization.k8s.io/v1/RoleBinding": modelValidator(RoleBinding),
  "bitnami.com/v1alpha1/SealedSecret": modelValidator(SealedSecret),
  "monitoring.coreos.com/v1/ServiceMonitor": modelValidator(ServiceMonitor),
};

export const SUPPORTED_KINDS: readonly string[] = Object.keys(validators);

/**
 * Checks every object of one app before anything is written: a known kind, valid against its
 * schema, in the app's namespace, within the rules the API server adds to the schema, and never a
 * plaintext Secret. Throws one InputError listing every problem of the app, each at the catalog
 * file and key path it comes from.
 */
/** What names an app's objects in errors: the app, and for a typed spec where each value came from. */
export type AppPlace = Pick<CatalogApp, "name" | "source">;

export function validateManifests(app: AppPlace, objects: readonly RenderedObject[]): void {
  const problems = objects.flatMap((object) => problemsOf(app, object));
  if (problems.length === 0) return;
  throw new InputError(
    problems.length === 1
      ? problems[0]
      : listed(`app ${app.name}: ${problems.length} invalid values in its objects:`, problems),
  );
}

/**
 * How errors name a place inside an object: an extra object by its catalog file and key path
 * (`gitops/apps/web/app.yaml: web.objects[0].rules (Role/reader)`), an object rendered from the
 * spec by the app's file, the app and the object (`gitops/apps/web/app.yaml: app web: Service/web spec.ports[1]`).
 */
export function placeOf(
  app: AppPlace,
  { manifest, specPath }: RenderedObject,
): (path: readonly PropertyKey[]) => string {
  const ref = refOfManifest(manifest);
  if (specPath && app.source) {
    const file = app.source.fileOf(specPath);
    return (path) => `${file}: ${keyPath(app.name, [...specPath, ...path])} (${ref})`;
  }
  const where = app.source ? `${app.source.baseFile}: app ${app.name}` : `app ${app.name}`;
  // Stryker disable next-line Regex: a manifest's key path starts with a key, so its first . is the leading one
  return (path) => `${where}: ${ref}${path.length ? ` ${keyPath("", path).replace(/^\./, "")}` : ""}`;
}

function problemsOf(app: AppPlace, object: RenderedObject): string[] {
  const { manifest } = object;
  const at = placeOf(app, object);
  if (manifest.kind === "Secret") {
    return [
      `${at(["kind"])}: received kind Secret; expected a SealedSecret (sealedSecrets in the app spec): ` +
        "a plaintext Secret never enters the state repo",
    ];
  }
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const validate = validators[key];
  if (!validate) {
    return [
      `${at(["kind"])}: received apiVersion/kind ${truncated(key)}; expected one of ${SUPPORTED_KINDS.join(", ")}`,
    ];
  }
  const problems: string[] = [];
  if (manifest.metadata.namespace !== app.name) {
    problems.push(
      `${at(["metadata", "namespace"])}: received ${shownValue(manifest.metadata.namespace)}; expected the app's namespace "${app.name}"`,
    );
  }
  try {
    validate(manifest);
  } catch (err) {
    return [...problems, ...schemaProblems(err, key, manifest, at)];
  }
  for (const violation of serverRuleViolations(manifest)) {
    problems.push(`${at(violation.path)}: received ${shownValue(violation.received)}; expected ${violation.expected}`);
  }
  return problems;
}

/** The schema's complaints (Ajv errors, which kubernetes-models attaches), each at its path in the object. */
function schemaProblems(
  err: unknown,
  key: string,
  manifest: Manifest,
  at: (path: readonly PropertyKey[]) => string,
): string[] {
  const errors = (err as { errors?: { instancePath?: string; message?: string }[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return [`${at([])}: does not match the ${key} schema: ${truncated((err as Error).message)}`];
  }
  return errors.map((e) => {
    const path = pointerPath(e.instancePath ?? "");
    return `${at(path)}: received ${shownValue(valueAt(manifest, path))}; expected what the ${key} schema allows: it ${e.message ?? "is invalid"}`;
  });
}

/** A JSON pointer (`/spec/ports/0/port`) as a key path; an all-digit segment is a list index. */
function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let node = value;
  for (const p of path) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: Ajv's instancePath names a value that exists, so no scalar comes before its end
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return node;
}
