import { UNKNOWN_MARKER } from "../../config";
import { application, argoCdApplication, argoCdRelease, declared, deployment, manifest, patch, pdb } from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";
import { deploymentWith } from "./policy-cases-kube";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const POD = "spec.template.spec";
const CONTAINER = `${POD}.containers.0`;
const UNKNOWN = "is unknown until deployed, so this cannot be judged";

/** The demo Deployment at `replicas`, with `others` (autoscalers, budgets) beside it. */
function replicated(replicas: number | undefined, ...others: Record<string, unknown>[]) {
  return { manifests: [manifest(patch(deployment, "spec.replicas", replicas)), ...others.map((o) => manifest(o))] };
}

function autoscaler(name: string, namespace: string, target: Record<string, unknown>, minReplicas: unknown) {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", ...target }, minReplicas, maxReplicas: 10 },
  };
}

/** Boundaries and unknowns of the workload, namespace, disruption-budget and Helm rules. */
export const workloadEdgeCases: RuleCase[] = [
  cannotJudge(
    "k8s-image-pinned",
    "cannot judge a pod template or a container list unknown offline",
    {
      manifests: [
        manifest(patch(deployment, POD, UNKNOWN_MARKER)),
        manifest(patch(deployment, `${POD}.containers`, UNKNOWN_MARKER), "apps/demo/other.yaml"),
      ],
    },
    `the pod template ${UNKNOWN}`,
    `the pod template ${UNKNOWN}`,
  ),
  cannotJudge(
    "k8s-image-pinned",
    "cannot judge an image unknown offline",
    deploymentWith(`${CONTAINER}.image`, UNKNOWN_MARKER),
    `container "web" image ${UNKNOWN}`,
  ),
  fails(
    "k8s-image-pinned",
    "fails a container without an image, with an empty one or a non-string one",
    {
      manifests: [
        manifest(patch(deployment, `${CONTAINER}.image`, undefined), "apps/demo/a.yaml"),
        manifest(patch(deployment, `${CONTAINER}.image`, ""), "apps/demo/b.yaml"),
        manifest(patch(deployment, `${CONTAINER}.image`, 7), "apps/demo/c.yaml"),
      ],
    },
    'container "web" has no image',
    'container "web" has no image',
    'container "web" has no image',
  ),
  cannotJudge(
    "k8s-resources-set",
    "cannot judge resources unknown offline",
    deploymentWith(`${CONTAINER}.resources`, UNKNOWN_MARKER),
    `container "web" resources ${UNKNOWN}`,
  ),
  cannotJudge(
    "k8s-run-as-non-root",
    "cannot judge a user unknown offline",
    deploymentWith(`${POD}.securityContext.runAsUser`, UNKNOWN_MARKER),
    `container "web" securityContext ${UNKNOWN}`,
  ),
  cannotJudge(
    "k8s-no-privilege-escalation",
    "cannot judge a security context or an escalation flag unknown offline",
    {
      manifests: [
        manifest(patch(deployment, `${CONTAINER}.securityContext`, UNKNOWN_MARKER), "apps/demo/a.yaml"),
        manifest(
          patch(deployment, `${CONTAINER}.securityContext.allowPrivilegeEscalation`, UNKNOWN_MARKER),
          "apps/demo/b.yaml",
        ),
      ],
    },
    `container "web" securityContext ${UNKNOWN}`,
    `container "web" allowPrivilegeEscalation ${UNKNOWN}`,
  ),
  cannotJudge(
    "k8s-read-only-root-fs",
    "cannot judge a read-only flag unknown offline",
    deploymentWith(`${CONTAINER}.securityContext.readOnlyRootFilesystem`, UNKNOWN_MARKER),
    `container "web" securityContext.readOnlyRootFilesystem ${UNKNOWN}`,
  ),
  passes(
    "k8s-drop-all-capabilities",
    "passes ALL in any case, among other capabilities",
    deploymentWith(`${CONTAINER}.securityContext.capabilities.drop`, ["NET_RAW", "all"]),
  ),
  fails(
    "k8s-drop-all-capabilities",
    "fails dropping only some capabilities",
    deploymentWith(`${CONTAINER}.securityContext.capabilities.drop`, ["NET_RAW"]),
    'container "web" does not drop ALL',
  ),
  cannotJudge(
    "k8s-drop-all-capabilities",
    "cannot judge dropped capabilities unknown offline",
    deploymentWith(`${CONTAINER}.securityContext.capabilities.drop`, UNKNOWN_MARKER),
    `container "web" securityContext.capabilities.drop ${UNKNOWN}`,
  ),
  passes(
    "k8s-readiness-probe",
    "passes an init container without a probe: it runs to completion",
    deploymentWith(`${POD}.initContainers`, [{ name: "migrate", image: "ghcr.io/example-org/migrate:1.0.0" }]),
  ),
  cannotJudge(
    "k8s-liveness-probe",
    "cannot judge a probe unknown offline",
    deploymentWith(`${CONTAINER}.livenessProbe`, UNKNOWN_MARKER),
    `container "web" livenessProbe ${UNKNOWN}`,
  ),
  fails(
    "k8s-no-host-namespaces",
    "fails hostIPC",
    deploymentWith(`${POD}.hostIPC`, true),
    "the pod spec sets hostIPC: true",
  ),
  cannotJudge(
    "k8s-no-host-namespaces",
    "cannot judge a host namespace flag unknown offline",
    deploymentWith(`${POD}.hostPID`, UNKNOWN_MARKER),
    `hostPID ${UNKNOWN}`,
  ),

  fails(
    "k8s-no-default-namespace",
    "fails an empty namespace",
    deploymentWith("metadata.namespace", ""),
    "metadata.namespace is unset: the object lands in whatever namespace applies it",
  ),
  cannotJudge(
    "k8s-no-default-namespace",
    "cannot judge a release namespace unknown offline",
    one(RELEASE, patch(argoCdRelease, "namespace", UNKNOWN_MARKER)),
    `namespace ${UNKNOWN}`,
  ),
  passes("k8s-no-plain-secret", "passes a Secret Pulumi declares (from Pulumi secrets), which never reaches Git", {
    resources: [declared("kubernetes:core/v1:Secret", "token", { metadata: { name: "token", namespace: "argocd" } })],
    manifests: [manifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "y", namespace: "demo" } })],
  }),
  passes("k8s-no-plain-secret", "passes a custom kind named Secret and a ConfigMap", {
    manifests: [
      manifest({ apiVersion: "example.com/v1", kind: "Secret", metadata: { name: "x", namespace: "demo" } }),
      manifest({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "y", namespace: "demo" } }),
    ],
  }),

  passes("k8s-pdb-for-replicas", "passes a workload without a replica count (one)", replicated(undefined)),
  fails(
    "k8s-pdb-for-replicas",
    "fails a StatefulSet and a Rollout with replicas and no budget",
    {
      manifests: [
        manifest({ ...patch(deployment, "spec.replicas", 3), kind: "StatefulSet" }),
        manifest({ ...patch(deployment, "spec.replicas", 3), apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" }),
      ],
    },
    "3 replicas and no PodDisruptionBudget selects its pods",
    "3 replicas and no PodDisruptionBudget selects its pods",
  ),
  passes(
    "k8s-pdb-for-replicas",
    "ignores autoscalers of another kind, name or namespace, and one without a floor",
    replicated(
      1,
      autoscaler("kind", "demo", { kind: "StatefulSet", name: "demo" }, 3),
      autoscaler("name", "demo", { kind: "Deployment", name: "other" }, 3),
      autoscaler("namespace", "other", { kind: "Deployment", name: "demo" }, 3),
      autoscaler("floor", "demo", { kind: "Deployment", name: "demo" }, undefined),
    ),
  ),
  fails(
    "k8s-pdb-for-replicas",
    "fails two replicas, the first count that needs a budget",
    replicated(2),
    "2 replicas and no PodDisruptionBudget selects its pods",
  ),
  cannotJudge(
    "k8s-pdb-for-replicas",
    "cannot judge a replica count unknown offline",
    deploymentWith("spec.replicas", UNKNOWN_MARKER),
    `spec.replicas ${UNKNOWN}`,
  ),
  cannotJudge(
    "k8s-pdb-for-replicas",
    "cannot judge pod labels unknown offline",
    {
      manifests: [
        manifest(patch(patch(deployment, "spec.replicas", 3), "spec.template.metadata.labels", UNKNOWN_MARKER)),
      ],
    },
    `the pod template labels ${UNKNOWN}`,
  ),
  passes("k8s-pdb-allows-eviction", "passes a minimum below every pod", {
    manifests: [manifest(patch(patch(pdb, "spec.maxUnavailable", undefined), "spec.minAvailable", "50%"))],
  }),
  fails(
    "k8s-pdb-allows-eviction",
    'fails maxUnavailable "0%" and minAvailable "100%"',
    {
      manifests: [
        manifest(patch(pdb, "spec.maxUnavailable", "0%"), "apps/demo/a.yaml"),
        manifest(patch(patch(pdb, "spec.maxUnavailable", undefined), "spec.minAvailable", "100%"), "apps/demo/b.yaml"),
      ],
    },
    'spec.maxUnavailable is "0%"',
    'spec.minAvailable is "100%"',
  ),

  passes("helm-chart-version-pinned", "passes a local chart, which carries its own version", {
    resources: [
      declared(RELEASE, "relative", { ...argoCdRelease, chart: "./charts/demo", version: undefined }),
      declared(RELEASE, "absolute", { ...argoCdRelease, chart: "/srv/charts/demo", version: undefined }),
    ],
  }),
  passes("helm-chart-version-pinned", "passes a pinned release whose chart is not a name", {
    resources: [declared(RELEASE, "argocd", { ...argoCdRelease, chart: undefined })],
  }),
  fails(
    "helm-chart-version-pinned",
    "fails a Helm v4 Chart without a version",
    one("kubernetes:helm.sh/v4:Chart", { chart: "argo-cd", namespace: "argocd" }),
    "version is unset: the newest chart is installed",
  ),
  fails(
    "helm-chart-version-pinned",
    "fails a repository chart whose name only ends like a path",
    one(RELEASE, { ...argoCdRelease, chart: "charts/demo/", version: undefined }),
    "version is unset: the newest chart is installed",
  ),
  cannotJudge(
    "helm-chart-version-pinned",
    "cannot judge a version or an Application source unknown offline",
    {
      resources: [declared(RELEASE, "argocd", { ...argoCdRelease, version: UNKNOWN_MARKER })],
      manifests: [manifest(patch(application, "spec.source", UNKNOWN_MARKER))],
    },
    `version ${UNKNOWN}`,
    `spec.source ${UNKNOWN}`,
  ),
  fails(
    "helm-repo-tls",
    "fails a chart URL over plain http when no repository is set, and an Application's http repository",
    {
      resources: [
        declared(RELEASE, "argocd", {
          ...argoCdRelease,
          chart: "HTTP://charts.example.com/argo-cd-7.7.3.tgz",
          repositoryOpts: undefined,
        }),
      ],
      manifests: [manifest(patch(argoCdApplication, "spec.source.repoURL", "http://charts.example.com"))],
    },
    'chart is "HTTP://charts.example.com/argo-cd-7.7.3.tgz"',
    'spec.source.repoURL is "http://charts.example.com"',
  ),
  passes("helm-repo-tls", "passes a chart source without a repository URL", {
    manifests: [manifest(patch(argoCdApplication, "spec.source.repoURL", undefined))],
  }),
  cannotJudge(
    "helm-repo-tls",
    "cannot judge a repository unknown offline",
    one(RELEASE, patch(argoCdRelease, "repositoryOpts.repo", UNKNOWN_MARKER)),
    `repositoryOpts.repo ${UNKNOWN}`,
  ),
];
