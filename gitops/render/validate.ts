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
import { InputError } from "../../config";
import { Manifest, refOfManifest } from "./manifest";

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
 * schema, in the app's namespace, and never a plaintext Secret. Throws one InputError listing every
 * problem of the app.
 */
export function validateManifests(app: string, manifests: readonly Manifest[]): void {
  const problems = manifests.flatMap((m) => problemsOf(app, m));
  if (problems.length === 0) return;
  throw new InputError(
    problems.length === 1
      ? `app ${app}: ${problems[0]}`
      : `app ${app}: ${problems.length} invalid objects:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}

function problemsOf(app: string, manifest: Manifest): string[] {
  const ref = refOfManifest(manifest);
  if (manifest.kind === "Secret") {
    return [
      `${ref}: received kind Secret; expected a SealedSecret (sealedSecrets in the app spec): ` +
        "a plaintext Secret never enters the state repo",
    ];
  }
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const validate = validators[key];
  if (!validate) return [`${ref}: received apiVersion/kind ${key}; expected one of ${SUPPORTED_KINDS.join(", ")}`];
  const problems: string[] = [];
  if (manifest.metadata.namespace !== app) {
    problems.push(
      `${ref}: received metadata.namespace ${JSON.stringify(manifest.metadata.namespace)}; expected the app's namespace "${app}"`,
    );
  }
  try {
    validate(manifest);
  } catch (err) {
    problems.push(`${ref}: does not match the ${key} schema: ${(err as Error).message}`);
  }
  return problems;
}
