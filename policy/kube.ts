import { Subject } from "./model";
import { isOpaque, isRecord, listAt, Opaque, valueAt } from "./values";

/**
 * Kubernetes objects, wherever they come from: a hydrated manifest, or a `kubernetes:*` resource a
 * Pulumi layer declares (its inputs are the object, its type token names apiVersion and kind).
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The whole object: manifest content or resource inputs. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Types under `kubernetes:` that are not one object in the cluster: charts, YAML groups, patches. */
// Stryker disable next-line Regex: kubeObjectOf tests it only on types that start with kubernetes:, so ^ changes nothing there
const NOT_AN_OBJECT = /^kubernetes:(helm\.sh|yaml|kustomize)\/|(Patch|List)$/;

export function kubeObjectOf(subject: Subject): KubeObject | undefined {
  if (subject.source === "manifest") {
    const { apiVersion, kind } = subject.manifest.object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
    return { apiVersion, kind, body: subject.manifest.object };
  }
  const { type, custom, inputs } = subject.resource;
  if (!custom || !type.startsWith("kubernetes:") || NOT_AN_OBJECT.test(type)) return undefined;
  const [, groupVersion, kind] = type.split(":");
  if (!groupVersion || !kind) return undefined;
  return { apiVersion: groupVersion.replace(/^core\//, ""), kind, body: inputs };
}

export function nameOf(object: KubeObject): unknown {
  return valueAt(object.body, "metadata", "name");
}

export function namespaceOf(object: KubeObject): unknown {
  return valueAt(object.body, "metadata", "namespace");
}

/** Kinds that live outside any namespace. Custom kinds named `Cluster…` are taken as cluster-scoped too. */
const CLUSTER_SCOPED = new Set([
  "APIService",
  "CertificateSigningRequest",
  // Stryker disable next-line StringLiteral: isClusterScoped takes every kind starting with Cluster anyway
  "ClusterRole",
  // Stryker disable next-line StringLiteral: isClusterScoped takes every kind starting with Cluster anyway
  "ClusterRoleBinding",
  "ComponentStatus",
  "CSIDriver",
  "CSINode",
  "CustomResourceDefinition",
  "FlowSchema",
  "IngressClass",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "RuntimeClass",
  "StorageClass",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind) || kind.startsWith("Cluster");
}

/** Where each workload kind keeps its pod template's spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);
/** Workloads that run for good, as opposed to Jobs: these serve traffic and need probes and PDBs. */
export const LONG_RUNNING_KINDS: readonly string[] = ["Deployment", "StatefulSet", "DaemonSet", "Rollout"];

export function podSpecOf(object: KubeObject): unknown {
  const path = POD_SPEC_PATHS[object.kind];
  return path ? valueAt(object.body, ...path) : undefined;
}

export function podLabelsOf(object: KubeObject): unknown {
  if (object.kind === "Pod") return valueAt(object.body, "metadata", "labels");
  return valueAt(object.body, "spec", "template", "metadata", "labels");
}

export interface ContainerView {
  /** `container "web"` or `init container "migrate"`, for messages. */
  readonly label: string;
  readonly init: boolean;
  readonly container: Readonly<Record<string, unknown>>;
}

/** Every container and init container of a pod spec, or the opaque value that hides them. */
export function containersOf(podSpec: unknown): ContainerView[] | Opaque {
  const views: ContainerView[] = [];
  for (const [field, init] of [
    ["initContainers", true],
    ["containers", false],
  ] as const) {
    const list = listAt(podSpec, field);
    if (isOpaque(list)) return list;
    for (const container of list) {
      if (!isRecord(container)) continue;
      const name = typeof container.name === "string" ? container.name : "?";
      views.push({ label: `${init ? "init container" : "container"} "${name}"`, init, container });
    }
  }
  return views;
}

/**
 * Whether a label selector (`matchLabels` and `matchExpressions`) selects `labels`. An empty
 * selector selects everything, as in policy/v1.
 */
export function selects(selector: unknown, labels: Readonly<Record<string, unknown>>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? (selector.matchExpressions as unknown[]) : [];
  return expressions.every((e) => isRecord(e) && expressionHolds(e, labels));
}

function expressionHolds(expression: Record<string, unknown>, labels: Readonly<Record<string, unknown>>): boolean {
  const key = String(expression.key);
  // Stryker disable next-line ArrayDeclaration: no label value is "Stryker was here", so In and NotIn answer alike
  const values = Array.isArray(expression.values) ? (expression.values as unknown[]) : [];
  switch (expression.operator) {
    case "In":
      return values.includes(labels[key]);
    case "NotIn":
      return !values.includes(labels[key]);
    case "Exists":
      return key in labels;
    case "DoesNotExist":
      return !(key in labels);
    // Stryker disable next-line ConditionalExpression: without it the function returns undefined, which every() reads as false too
    default:
      return false;
  }
}
