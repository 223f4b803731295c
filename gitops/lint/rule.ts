import { Manifest } from "../render/manifest";

/**
 * A manifest lint rule: a pure function over the hydrated objects of one app, with what a reader
 * needs to act on a finding. Rules import nothing from Pulumi, so a shared rule engine (issue 7) can
 * run them as they are.
 */
export interface ManifestRule {
  /** Stable id, used in config (`gitops-platform:gitops.lint.<id>`) and in findings. */
  readonly id: string;
  /** Severity unless the environment's config overrides it. */
  readonly severity: Severity;
  /** Why the rule exists. */
  readonly rationale: string;
  /** How to satisfy it in the app spec. */
  readonly fix: string;
  /** Violations among the objects of one app (some rules look across objects, e.g. a PDB for a Deployment). */
  readonly check: (manifests: readonly Manifest[]) => Violation[];
}

export type Severity = "error" | "warning";

export interface Violation {
  /** `Kind/name` of the object. */
  readonly object: string;
  /** Path of the offending field inside the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly message: string;
}

/** A pod spec found inside a workload, with where it sits. */
export interface PodSpecAt {
  readonly manifest: Manifest;
  readonly path: string;
  readonly spec: PodSpec;
  /** A server that runs until stopped (Deployment, StatefulSet, DaemonSet), as opposed to a Job. */
  readonly longRunning: boolean;
}

export interface PodSpec {
  readonly securityContext?: { readonly runAsNonRoot?: boolean };
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, unknown>>;
    readonly limits?: Readonly<Record<string, unknown>>;
  };
  readonly livenessProbe?: unknown;
  readonly readinessProbe?: unknown;
  readonly securityContext?: {
    readonly runAsNonRoot?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly privileged?: boolean;
  };
}

const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export function podSpecsOf(manifests: readonly Manifest[]): PodSpecAt[] {
  const found: PodSpecAt[] = [];
  for (const manifest of manifests) {
    const keys = POD_TEMPLATE_PATHS[manifest.kind];
    if (!keys) continue;
    let node: unknown = manifest;
    for (const key of keys) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node && typeof node === "object") {
      const longRunning = manifest.kind !== "Job" && manifest.kind !== "CronJob";
      found.push({ manifest, path: keys.join("."), spec: node, longRunning });
    }
  }
  return found;
}

/** Every container of every pod spec, init containers included, with its path. */
export function containersOf(
  manifests: readonly Manifest[],
): { pod: PodSpecAt; container: Container; path: string; init: boolean }[] {
  return podSpecsOf(manifests).flatMap((pod) => [
    ...(pod.spec.initContainers ?? []).map((container, i) => ({
      pod,
      container,
      path: `${pod.path}.initContainers[${i}]`,
      init: true,
    })),
    ...(pod.spec.containers ?? []).map((container, i) => ({
      pod,
      container,
      path: `${pod.path}.containers[${i}]`,
      init: false,
    })),
  ]);
}
