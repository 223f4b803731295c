import { SECRET_MARKER, STACK_REF_MARKER_PREFIX, UNKNOWN_MARKER } from "../../config";
import {
  ARGO_HELM,
  application,
  appProject,
  argoCdApplication,
  argoCdRelease,
  declared,
  declaredObject,
  deployment,
  manifest,
  patch,
  pdb,
  platformProject,
  prometheusApplication,
  rootApplication,
  STATE_REPO,
} from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CONTAINER = "spec.template.spec.containers.0";

/** A hydrated Deployment with one thing changed. */
export function deploymentWith(path: string, value: unknown) {
  return { manifests: [manifest(patch(deployment, path, value))] };
}

/** A platform stack declaring a bootstrap release and an Application beside it. */
function handoff(
  release: Record<string, unknown>,
  app: Record<string, unknown>,
  retainOnDelete: boolean | "[unknown]",
) {
  return {
    resources: [declared(RELEASE, "argocd", release, { retainOnDelete }), declaredObject(app)],
  };
}

/** The root's child named `child`, with one thing changed. */
function rootWithChild(child: string, path: string, value: unknown) {
  return patch(rootApplication, `spec.source.helm.valuesObject.applications.${child}.${path}`, value);
}

/** Helm, Argo CD, the hand-off, workloads and namespaced objects. */
export const kubeCases: RuleCase[] = [
  passes("helm-chart-version-pinned", "passes an exact release version", one(RELEASE, argoCdRelease)),
  passes("helm-chart-version-pinned", "passes an Application's exact chart version", {
    manifests: [manifest(argoCdApplication)],
  }),
  fails(
    "helm-chart-version-pinned",
    "fails a release without a version",
    one(RELEASE, patch(argoCdRelease, "version", undefined)),
    "version is unset: the newest chart is installed",
  ),
  fails(
    "helm-chart-version-pinned",
    "fails a version range in an Application",
    { resources: [declaredObject(patch(argoCdApplication, "spec.source.targetRevision", "7.*"))] },
    'spec.source.targetRevision is "7.*"',
  ),

  passes("helm-repo-tls", "passes an https repository", one(RELEASE, argoCdRelease)),
  fails(
    "helm-repo-tls",
    "fails a plain http repository",
    one(RELEASE, patch(argoCdRelease, "repositoryOpts.repo", "http://charts.example.com")),
    'repositoryOpts.repo is "http://charts.example.com"',
  ),

  passes("argocd-app-project-not-default", "passes a named project", { manifests: [manifest(application)] }),
  fails(
    "argocd-app-project-not-default",
    "fails the default project",
    { manifests: [manifest(patch(application, "spec.project", "default"))] },
    'spec.project is "default"',
  ),
  fails(
    "argocd-app-project-not-default",
    "fails an ApplicationSet template without a project",
    {
      manifests: [
        manifest({
          apiVersion: "argoproj.io/v1alpha1",
          kind: "ApplicationSet",
          metadata: { name: "apps", namespace: "argocd" },
          spec: { generators: [], template: { metadata: application.metadata, spec: { source: {} } } },
        }),
      ],
    },
    "spec.template.spec.project is unset",
  ),
  cannotJudge(
    "argocd-app-project-not-default",
    "cannot judge a project read from another stack",
    {
      resources: [
        declaredObject(
          patch(application, "spec.project", `${STACK_REF_MARKER_PREFIX}platform-production:appsProject]`),
        ),
      ],
    },
    "spec.project is [stack-ref platform-production:appsProject] offline, so this cannot be judged",
  ),

  passes("argocd-app-cascade-finalizer", "passes an app with the finalizer", { manifests: [manifest(application)] }),
  passes("argocd-app-cascade-finalizer", "passes Argo CD's own Application without it", {
    manifests: [manifest(argoCdApplication)],
  }),
  fails(
    "argocd-app-cascade-finalizer",
    "fails an app without the finalizer",
    { manifests: [manifest(patch(application, "metadata.finalizers", undefined))] },
    "metadata.finalizers lacks resources-finalizer.argocd.argoproj.io",
  ),
  passes("argocd-app-cascade-finalizer", "passes a root whose children (release hand-offs) carry none", {
    resources: [declaredObject(rootApplication)],
  }),
  fails(
    "argocd-app-cascade-finalizer",
    "fails an app-of-apps root without it: its children would outlive it",
    { resources: [declaredObject(patch(rootApplication, "metadata.finalizers", undefined))] },
    "metadata.finalizers lacks resources-finalizer.argocd.argoproj.io",
  ),

  passes("argocd-prometheus-server-side-apply", "passes with ServerSideApply", {
    manifests: [manifest(prometheusApplication)],
  }),
  passes("argocd-prometheus-server-side-apply", "passes a child of the root with ServerSideApply", {
    resources: [declaredObject(rootApplication)],
  }),
  fails(
    "argocd-prometheus-server-side-apply",
    "fails a child of the root without ServerSideApply",
    { resources: [declaredObject(rootWithChild("kube-prometheus-stack", "syncPolicy.syncOptions", []))] },
    'child Application "kube-prometheus-stack": spec.syncPolicy.syncOptions lacks ServerSideApply=true',
  ),
  fails(
    "argocd-prometheus-server-side-apply",
    "fails without ServerSideApply",
    { manifests: [manifest(patch(prometheusApplication, "spec.syncPolicy.syncOptions", ["CreateNamespace=true"]))] },
    "spec.syncPolicy.syncOptions lacks ServerSideApply=true",
  ),

  passes("argocd-self-no-prune-config", "passes Prune=false on both objects", {
    manifests: [manifest(argoCdApplication)],
  }),
  passes("argocd-self-no-prune-config", "passes values given as YAML text", {
    manifests: [
      manifest(
        patch(argoCdApplication, "spec.source.helm", {
          values: [
            "configs:",
            "  cm:",
            "    annotations:",
            "      argocd.argoproj.io/sync-options: Prune=false",
            "  secret:",
            "    createSecret: false",
          ].join("\n"),
        }),
      ),
    ],
  }),
  fails(
    "argocd-self-no-prune-config",
    "fails when argocd-secret can be pruned",
    { manifests: [manifest(patch(argoCdApplication, "spec.source.helm.valuesObject.configs.secret", {}))] },
    'argocd-secret can be pruned: configs.secret.annotations["argocd.argoproj.io/sync-options"] lacks Prune=false',
  ),
  fails(
    "argocd-self-no-prune-config",
    "fails Argo CD's own child Application of the root when argocd-cm can be pruned",
    {
      resources: [declaredObject(rootWithChild("argo-cd", "source.helm.valuesObject.configs.cm.annotations", {}))],
    },
    `argocd-cm can be pruned: configs.cm.annotations["argocd.argoproj.io/sync-options"] lacks Prune=false`,
  ),
  cannotJudge(
    "argocd-self-no-prune-config",
    "cannot judge the children of a root whose values are unknown",
    { resources: [declaredObject(patch(rootApplication, "spec.source.helm.valuesObject", UNKNOWN_MARKER))] },
    "spec.source.helm values is unknown until deployed, so this cannot be judged",
  ),
  cannotJudge(
    "argocd-self-no-prune-config",
    "cannot judge secret values",
    { resources: [declaredObject(patch(argoCdApplication, "spec.source.helm.valuesObject", SECRET_MARKER))] },
    "spec.source.helm values is secret, so this cannot be judged",
  ),

  passes("argocd-app-self-heal", "passes automated self-heal", { manifests: [manifest(application)] }),
  fails(
    "argocd-app-self-heal",
    "fails a manual sync policy",
    { manifests: [manifest(patch(application, "spec.syncPolicy", {}))] },
    "spec.syncPolicy.automated.selfHeal is unset",
  ),

  passes("argocd-project-source-repos-restricted", "passes listed repos", { manifests: [manifest(appProject)] }),
  fails(
    "argocd-project-source-repos-restricted",
    "fails *",
    { resources: [declaredObject(patch(appProject, "spec.sourceRepos", ["*"]))] },
    'spec.sourceRepos[0] is "*"',
  ),

  passes("argocd-project-no-cluster-resources", "passes a project without cluster resources", {
    manifests: [manifest(appProject)],
  }),
  passes("argocd-project-no-cluster-resources", "passes the platform's own project, marked by its role label", {
    resources: [declaredObject(platformProject), declaredObject(appProject)],
  }),
  fails(
    "argocd-project-no-cluster-resources",
    "fails an app project (no platform role) allowing cluster resources",
    { resources: [declaredObject(patch(appProject, "spec.clusterResourceWhitelist", [{ group: "*", kind: "*" }]))] },
    'spec.clusterResourceWhitelist[0] allows "*"/"*"',
  ),
  fails(
    "argocd-project-no-cluster-resources",
    "fails a platform project that can deploy from an app project's repository",
    {
      resources: [
        declaredObject(patch(platformProject, "spec.sourceRepos", [ARGO_HELM, STATE_REPO])),
        declaredObject(appProject),
      ],
    },
    `spec.sourceRepos[1] "${STATE_REPO}" is also a source of app project "apps"`,
  ),
  fails(
    "argocd-project-no-cluster-resources",
    "fails a project that marks itself platform from the state repo",
    { manifests: [manifest(platformProject)] },
    'metadata.labels["gitops-platform/project-role"] is "platform" in the state repo',
  ),

  passes("argocd-project-destinations-scoped", "passes named destinations", { manifests: [manifest(appProject)] }),
  fails(
    "argocd-project-destinations-scoped",
    "fails a wildcard namespace",
    { manifests: [manifest(patch(appProject, "spec.destinations.0.namespace", "*"))] },
    'spec.destinations[0].namespace is "*"',
  ),

  passes("argocd-handoff-single-owner", "passes a bootstrap release beside a root that does not take it over", {
    resources: [
      declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: true }),
      declaredObject(patch(rootApplication, "spec.source.helm.valuesObject.applications.argo-cd", undefined)),
    ],
  }),
  fails(
    "argocd-handoff-single-owner",
    "fails a release that a child of the root installs too",
    {
      resources: [
        declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: true }),
        declaredObject(rootApplication),
      ],
    },
    "is also installed by Application argo-cd (rendered by platform)",
  ),
  fails(
    "argocd-handoff-single-owner",
    "fails a release that an Application beside it installs too",
    handoff(argoCdRelease, argoCdApplication, true),
    "is also installed by Application argocd",
  ),

  passes("argocd-handoff-release-retained", "passes a retained release beside the root", {
    resources: [declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: true }), declaredObject(application)],
  }),
  passes("argocd-handoff-release-retained", "passes a release in a stack without Argo CD Applications", {
    resources: [declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: false })],
  }),
  fails(
    "argocd-handoff-release-retained",
    "fails a release Pulumi would uninstall at its hand-off",
    { resources: [declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: false }), declaredObject(application)] },
    "is not retainOnDelete, in a stack whose Applications can take it over",
  ),
  cannotJudge(
    "argocd-handoff-release-retained",
    "cannot judge where retainOnDelete is not visible (the policy pack)",
    handoff(argoCdRelease, argoCdApplication, UNKNOWN_MARKER),
    "retainOnDelete is not visible here, so this cannot be judged",
  ),

  passes(
    "argocd-handoff-definitions-agree",
    "passes identical definitions",
    handoff(argoCdRelease, argoCdApplication, true),
  ),
  fails(
    "argocd-handoff-definitions-agree",
    "fails version skew and differing values",
    handoff(
      patch(argoCdRelease, "values.configs.cm.annotations", {}),
      patch(argoCdApplication, "spec.source.targetRevision", "7.8.0"),
      true,
    ),
    'version of Application argocd (spec.source): the release has "7.7.3", the Application "7.8.0"',
    'values of Application argocd (spec.source) at configs.cm.annotations.argocd.argoproj.io/sync-options: the release has unset, the Application "Prune=false"',
  ),

  passes("k8s-image-pinned", "passes a release tag", { manifests: [manifest(deployment)] }),
  passes("k8s-image-pinned", "passes a digest", deploymentWith(`${CONTAINER}.image`, "nginx@sha256:abc123")),
  fails(
    "k8s-image-pinned",
    "fails latest",
    deploymentWith(`${CONTAINER}.image`, "nginx:latest"),
    'container "web" image "nginx:latest" has the latest tag',
  ),
  fails(
    "k8s-image-pinned",
    "fails a missing tag behind a registry port",
    deploymentWith(`${CONTAINER}.image`, "registry.local:5000/demo"),
    'container "web" image "registry.local:5000/demo" has no tag',
  ),

  passes("k8s-resources-set", "passes requests and a memory limit", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-resources-set",
    "fails missing requests",
    deploymentWith(`${CONTAINER}.resources`, { limits: { memory: "1Gi" } }),
    'container "web" lacks resources.requests.cpu, requests.memory',
  ),

  passes("k8s-run-as-non-root", "passes a non-root pod", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-run-as-non-root",
    "fails a container that overrides the user to root",
    deploymentWith(`${CONTAINER}.securityContext.runAsUser`, 0),
    'container "web" runs as runAsUser 0',
  ),
  fails(
    "k8s-run-as-non-root",
    "fails when nothing says non-root",
    deploymentWith("spec.template.spec.securityContext", {}),
    'container "web" runAsNonRoot is unset',
  ),

  passes("k8s-no-privilege-escalation", "passes allowPrivilegeEscalation: false", {
    manifests: [manifest(deployment)],
  }),
  fails(
    "k8s-no-privilege-escalation",
    "fails a privileged container",
    deploymentWith(`${CONTAINER}.securityContext.privileged`, true),
    'container "web" is privileged',
  ),
  fails(
    "k8s-no-privilege-escalation",
    "fails escalation left at its default",
    deploymentWith(`${CONTAINER}.securityContext.allowPrivilegeEscalation`, undefined),
    'container "web" allowPrivilegeEscalation is unset',
  ),

  passes("k8s-read-only-root-fs", "passes a read-only root", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-read-only-root-fs",
    "fails a writable root",
    deploymentWith(`${CONTAINER}.securityContext.readOnlyRootFilesystem`, false),
    'container "web" readOnlyRootFilesystem is false',
  ),

  passes("k8s-drop-all-capabilities", "passes drop ALL", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-drop-all-capabilities",
    "fails keeping the default capabilities",
    deploymentWith(`${CONTAINER}.securityContext.capabilities`, undefined),
    'container "web" does not drop ALL',
  ),

  passes("k8s-readiness-probe", "passes a probed container", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-readiness-probe",
    "fails a container without a probe",
    deploymentWith(`${CONTAINER}.readinessProbe`, undefined),
    'container "web" has no readinessProbe',
  ),

  passes("k8s-liveness-probe", "passes a probed container", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-liveness-probe",
    "fails a container nothing restarts when it hangs",
    deploymentWith(`${CONTAINER}.livenessProbe`, undefined),
    'container "web" has no livenessProbe',
  ),

  passes("k8s-no-host-namespaces", "passes a pod in its own namespaces", { manifests: [manifest(deployment)] }),
  fails(
    "k8s-no-host-namespaces",
    "fails hostNetwork",
    deploymentWith("spec.template.spec.hostNetwork", true),
    "the pod spec sets hostNetwork: true",
  ),

  passes("k8s-no-default-namespace", "passes a named namespace", { manifests: [manifest(deployment)] }),
  passes("k8s-no-default-namespace", "passes a cluster-scoped object", {
    manifests: [manifest({ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } })],
  }),
  fails(
    "k8s-no-default-namespace",
    "fails default",
    deploymentWith("metadata.namespace", "default"),
    'metadata.namespace is "default"',
  ),
  fails(
    "k8s-no-default-namespace",
    "fails a release without a namespace",
    one(RELEASE, patch(argoCdRelease, "namespace", undefined)),
    "namespace is unset: the object lands in whatever namespace applies it",
  ),

  passes("k8s-no-plain-secret", "passes a SealedSecret", {
    manifests: [
      manifest({
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name: "db", namespace: "demo" },
      }),
    ],
  }),
  fails(
    "k8s-no-plain-secret",
    "fails a Secret in the state repo",
    { manifests: [manifest({ apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "demo" } })] },
    '"db" is a plain Secret',
  ),

  passes("k8s-pdb-for-replicas", "passes one replica without a PDB", { manifests: [manifest(deployment)] }),
  passes("k8s-pdb-for-replicas", "passes replicas covered by a PDB", {
    manifests: [manifest(patch(deployment, "spec.replicas", 3)), manifest(pdb)],
  }),
  fails(
    "k8s-pdb-for-replicas",
    "fails replicas with a PDB in another namespace",
    {
      manifests: [manifest(patch(deployment, "spec.replicas", 3)), manifest(patch(pdb, "metadata.namespace", "other"))],
    },
    "3 replicas and no PodDisruptionBudget selects its pods",
  ),
  fails(
    "k8s-pdb-for-replicas",
    "fails an autoscaler floor above one without a PDB",
    {
      manifests: [
        manifest(deployment),
        manifest({
          apiVersion: "autoscaling/v2",
          kind: "HorizontalPodAutoscaler",
          metadata: { name: "demo", namespace: "demo" },
          spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "demo" }, minReplicas: 2 },
        }),
      ],
    },
    "2 replicas and no PodDisruptionBudget selects its pods",
  ),

  passes("k8s-pdb-allows-eviction", "passes maxUnavailable 1", { manifests: [manifest(pdb)] }),
  fails(
    "k8s-pdb-allows-eviction",
    "fails maxUnavailable 0",
    { manifests: [manifest(patch(pdb, "spec.maxUnavailable", 0))] },
    "spec.maxUnavailable is 0",
  ),
];
