import { Manifest, refOfManifest } from "../render/manifest";
import { containersOf, ManifestRule, podSpecsOf, Violation } from "./rule";

/** `Kind/name` of a container's object, with the container named, for messages. */
function where(manifest: Manifest, container: { name?: string }): string {
  return `container ${JSON.stringify(container.name ?? "")} of ${refOfManifest(manifest)}`;
}

export const imageTagPinned: ManifestRule = {
  id: "image-tag-pinned",
  severity: "error",
  rationale:
    "An image without a tag, or tagged `latest`, resolves to whatever was pushed last: two nodes can run " +
    "different code, a rollback cannot go back, and Git no longer says what runs.",
  fix: "Set image.tag (in app.yaml or <env>.yaml) to an immutable version, e.g. with `bump-image`.",
  check: (manifests) =>
    containersOf(manifests).flatMap(({ pod, container, path }): Violation[] => {
      const image = container.image ?? "";
      if (image.includes("@sha256:")) return [];
      const lastSlash = image.lastIndexOf("/");
      const colon = image.lastIndexOf(":");
      const tag = colon > lastSlash ? image.slice(colon + 1) : undefined;
      if (tag !== undefined && tag !== "latest") return [];
      const problem = tag === "latest" ? "uses the tag latest" : "has no tag";
      return [
        {
          object: refOfManifest(pod.manifest),
          path: `${path}.image`,
          message: `${where(pod.manifest, container)}: image ${JSON.stringify(image)} ${problem}`,
        },
      ];
    }),
};

export const resourcesSet: ManifestRule = {
  id: "resources-set",
  severity: "error",
  rationale:
    "Without requests the scheduler packs pods blindly and the HPA has nothing to scale on; without a memory " +
    "limit one leaking pod can get a node's other pods OOM-killed.",
  fix: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory in the app spec.",
  check: (manifests) =>
    containersOf(manifests).flatMap(({ pod, container, path }): Violation[] => {
      const missing = [
        container.resources?.requests?.cpu === undefined && "requests.cpu",
        container.resources?.requests?.memory === undefined && "requests.memory",
        container.resources?.limits?.memory === undefined && "limits.memory",
      ].filter((m): m is string => Boolean(m));
      if (!missing.length) return [];
      return [
        {
          object: refOfManifest(pod.manifest),
          path: `${path}.resources`,
          message: `${where(pod.manifest, container)} sets no ${missing.join(", ")}`,
        },
      ];
    }),
};

export const probesPresent: ManifestRule = {
  id: "probes-present",
  severity: "error",
  rationale:
    "Without a readiness probe a pod receives traffic before it can serve it; without a liveness probe a hung " +
    "process is never restarted.",
  fix: "Set probes.liveness and probes.readiness in the app spec.",
  check: (manifests) =>
    containersOf(manifests)
      .filter(({ pod, init }) => pod.longRunning && !init)
      .flatMap(({ pod, container, path }): Violation[] => {
        const missing = [
          container.livenessProbe === undefined && "livenessProbe",
          container.readinessProbe === undefined && "readinessProbe",
        ].filter((m): m is string => Boolean(m));
        if (!missing.length) return [];
        return [
          {
            object: refOfManifest(pod.manifest),
            path,
            message: `${where(pod.manifest, container)} has no ${missing.join(" and ")}`,
          },
        ];
      }),
};

export const runAsNonRoot: ManifestRule = {
  id: "run-as-non-root",
  severity: "error",
  rationale: "A container running as root turns any escape from the container into root on the node.",
  fix: "Keep securityContext.runAsNonRoot true (the default) and use an image that runs as a non-root user.",
  check: (manifests) =>
    containersOf(manifests).flatMap(({ pod, container, path }): Violation[] => {
      const own = container.securityContext?.runAsNonRoot;
      if (own === true || (own === undefined && pod.spec.securityContext?.runAsNonRoot === true)) return [];
      return [
        {
          object: refOfManifest(pod.manifest),
          path: `${path}.securityContext.runAsNonRoot`,
          message: `${where(pod.manifest, container)} may run as root (runAsNonRoot is not true)`,
        },
      ];
    }),
};

export const readOnlyRootFilesystem: ManifestRule = {
  id: "read-only-root-filesystem",
  severity: "warning",
  rationale:
    "A writable root filesystem lets an attacker, or a bug, change the binaries a container runs; writes belong in volumes.",
  fix: "Keep securityContext.readOnlyRootFilesystem true (the default); /tmp is an emptyDir volume.",
  check: (manifests) =>
    containersOf(manifests).flatMap(({ pod, container, path }): Violation[] =>
      container.securityContext?.readOnlyRootFilesystem === true
        ? []
        : [
            {
              object: refOfManifest(pod.manifest),
              path: `${path}.securityContext.readOnlyRootFilesystem`,
              message: `${where(pod.manifest, container)} has a writable root filesystem`,
            },
          ],
    ),
};

export const noPrivilegeEscalation: ManifestRule = {
  id: "no-privilege-escalation",
  severity: "error",
  rationale:
    "allowPrivilegeEscalation defaults to true in Kubernetes: a setuid binary in the image can then gain " +
    "more privileges than the container started with.",
  fix: "Keep securityContext.allowPrivilegeEscalation false (the default) and never run privileged.",
  check: (manifests) =>
    containersOf(manifests).flatMap(({ pod, container, path }): Violation[] => {
      const context = container.securityContext;
      if (context?.allowPrivilegeEscalation === false && context.privileged !== true) return [];
      const problem = context?.privileged === true ? "runs privileged" : "allows privilege escalation";
      return [
        {
          object: refOfManifest(pod.manifest),
          path: `${path}.securityContext.allowPrivilegeEscalation`,
          message: `${where(pod.manifest, container)} ${problem}`,
        },
      ];
    }),
};

export const pdbWhenReplicated: ManifestRule = {
  id: "pdb-when-replicated",
  severity: "warning",
  rationale:
    "Running more than one replica is for availability, but without a PodDisruptionBudget a node drain " +
    "(an upgrade, a scale-in) may evict all of them at once.",
  fix: "Set podDisruptionBudget (e.g. maxUnavailable: 1) in the app spec.",
  check: (manifests) => {
    const budgets = manifests.filter((m) => m.kind === "PodDisruptionBudget");
    return podSpecsOf(manifests)
      .filter((pod) => pod.longRunning && minimumReplicas(pod.manifest, manifests) > 1)
      .filter((pod) => !budgets.some((pdb) => selects(pdb, podLabels(pod.manifest))))
      .map((pod) => ({
        object: refOfManifest(pod.manifest),
        path: "spec.replicas",
        message: `${refOfManifest(pod.manifest)} runs ${minimumReplicas(pod.manifest, manifests)} replicas and no PodDisruptionBudget selects its pods`,
      }));
  },
};

export const noDefaultNamespace: ManifestRule = {
  id: "no-default-namespace",
  severity: "error",
  rationale:
    "Objects without a namespace land wherever the applier points (often `default`), where RBAC, quotas and " +
    "network policies of the app's namespace do not apply.",
  fix: "Give the app a name other than `default`: each app lives in the namespace named after it.",
  check: (manifests) =>
    manifests
      .filter((m) => m.metadata.namespace === undefined || m.metadata.namespace === "default")
      .map((m) => ({
        object: refOfManifest(m),
        path: "metadata.namespace",
        message: `${refOfManifest(m)} ${m.metadata.namespace === undefined ? "has no namespace" : "is in the default namespace"}`,
      })),
};

/** Every rule, in the order findings are reported. */
export const MANIFEST_RULES: readonly ManifestRule[] = [
  imageTagPinned,
  resourcesSet,
  probesPresent,
  runAsNonRoot,
  readOnlyRootFilesystem,
  noPrivilegeEscalation,
  pdbWhenReplicated,
  noDefaultNamespace,
];

/** The fewest replicas a workload runs: an HPA's minReplicas when one targets it, else spec.replicas (default 1). */
function minimumReplicas(workload: Manifest, manifests: readonly Manifest[]): number {
  const hpa = manifests.find((m) => {
    const target = (m.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
    return (
      m.kind === "HorizontalPodAutoscaler" && target?.kind === workload.kind && target.name === workload.metadata.name
    );
  });
  if (hpa) return (hpa.spec as { minReplicas?: number }).minReplicas ?? 1;
  return (workload.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

function podLabels(workload: Manifest): Record<string, string> {
  return (
    (workload.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels ??
    {}
  );
}

function selects(pdb: Manifest, labels: Record<string, string>): boolean {
  const matchLabels = (pdb.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector
    ?.matchLabels;
  if (!matchLabels) return false;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}
