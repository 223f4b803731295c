import * as path from "node:path";
import { KUBERNETES_STAGING, localModuleAt, ReplaceRule } from "./replaces";

/**
 * The real components of the e2e tier, each built from a pinned Go module in its own tools module
 * under test/e2e/tools/<module>/ (go.mod + go.sum committed). One module per upstream project
 * because Go's minimal version selection picks one version of every dependency per module: the
 * kube-apiserver at 1.33 needs k8s.io/* v0.33, Argo CD 3.5 needs v0.36, and etcd's server pins
 * its own grpc and bbolt.
 */

export const TOOLS_DIR = __dirname;
export const E2E_DIR = path.resolve(__dirname, "..", "..", "..", ".e2e");
export const BIN_DIR = path.join(E2E_DIR, "bin");
export const CRD_DIR = path.join(E2E_DIR, "crds");

export interface ToolsModule {
  /** Folder under test/e2e/tools/. */
  readonly dir: string;
  /** The upstream module whose version is the module's version. */
  readonly upstream: string;
  /** Set when upstream's go.mod has replace directives that we must repeat (see replaces.ts). */
  readonly replaces?: ReplaceRule;
}

export const MODULES: readonly ToolsModule[] = [
  { dir: "etcd", upstream: "go.etcd.io/etcd/server/v3" },
  { dir: "kubernetes", upstream: "k8s.io/kubernetes", replaces: KUBERNETES_STAGING },
  {
    dir: "argocd",
    upstream: "github.com/argoproj/argo-cd/v3",
    // The commit of the v3.5.2 tag (2026-08-27T09:03:35Z). v3.4.4's commit is not served by the proxy.
    replaces: localModuleAt({ "github.com/argoproj/argo-cd/gitops-engine": "v0.0.0-20260827090335-e258ee23c3e5" }),
  },
  { dir: "helm", upstream: "helm.sh/helm/v4" },
  { dir: "kustomize", upstream: "sigs.k8s.io/kustomize/kustomize/v5" },
  { dir: "kubeseal", upstream: "github.com/bitnami-labs/sealed-secrets" },
  { dir: "crds", upstream: "github.com/prometheus-operator/prometheus-operator" },
];

export interface Tool {
  /** The binary written to BIN_DIR. */
  readonly binary: string;
  /** Folder of the tools module under test/e2e/tools/. */
  readonly module: string;
  /** The main package to build. */
  readonly pkg: string;
  /** `-X` flags stamping the version, as the upstream Makefile does; unstamped builds report v0.0.0. */
  readonly stamp: (version: string) => readonly string[];
  /** Prints the version the binary reports, to check the stamp. */
  readonly versionArgs: readonly string[];
}

function kubernetesStamp(version: string): string[] {
  const [major, minor] = version.replace(/^v/, "").split(".");
  // kube-apiserver reports component-base's; kubectl's client half reports client-go's.
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `${pkg}.gitVersion=${version}`,
    `${pkg}.gitMajor=${major}`,
    `${pkg}.gitMinor=${minor}`,
    `${pkg}.gitTreeState=clean`,
  ]);
}

export const TOOLS: readonly Tool[] = [
  {
    binary: "etcd",
    module: "etcd",
    pkg: "go.etcd.io/etcd/server/v3",
    // etcd's version is a constant in go.etcd.io/etcd/api/v3/version, set by the release itself.
    stamp: () => [],
    versionArgs: ["--version"],
  },
  {
    binary: "kube-apiserver",
    module: "kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
    stamp: kubernetesStamp,
    versionArgs: ["--version"],
  },
  {
    binary: "kube-controller-manager",
    module: "kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kube-controller-manager",
    stamp: kubernetesStamp,
    versionArgs: ["--version"],
  },
  {
    binary: "kubectl",
    module: "kubernetes",
    pkg: "k8s.io/kubernetes/cmd/kubectl",
    stamp: kubernetesStamp,
    versionArgs: ["version", "--client"],
  },
  {
    binary: "argocd",
    module: "argocd",
    pkg: "github.com/argoproj/argo-cd/v3/cmd",
    // Argo CD's Makefile sets common.version from its VERSION file, which has no leading v.
    stamp: (version) => [
      `github.com/argoproj/argo-cd/v3/common.version=${version.replace(/^v/, "")}`,
      "github.com/argoproj/argo-cd/v3/common.gitTreeState=clean",
    ],
    versionArgs: ["version", "--client", "--short"],
  },
  {
    binary: "helm",
    module: "helm",
    pkg: "helm.sh/helm/v4/cmd/helm",
    stamp: (version) => [
      `helm.sh/helm/v4/internal/version.version=${version}`,
      "helm.sh/helm/v4/internal/version.metadata=",
      "helm.sh/helm/v4/internal/version.gitTreeState=clean",
    ],
    versionArgs: ["version", "--short"],
  },
  {
    binary: "kustomize",
    module: "kustomize",
    pkg: "sigs.k8s.io/kustomize/kustomize/v5",
    stamp: (version) => [`sigs.k8s.io/kustomize/api/provenance.version=${version}`],
    versionArgs: ["version"],
  },
  {
    binary: "kubeseal",
    module: "kubeseal",
    pkg: "github.com/bitnami-labs/sealed-secrets/cmd/kubeseal",
    stamp: (version) => [`main.VERSION=${version}`],
    versionArgs: ["--version"],
  },
];

export interface ModuleFiles {
  /** Folder under CRD_DIR, or BIN_DIR for `bin`. */
  readonly name: string;
  /** The tools module whose go.sum pins the upstream module. */
  readonly module: string;
  readonly upstream: string;
  /** Files inside the module zip, relative to its root. */
  readonly files: readonly string[];
}

/**
 * Argo CD's image puts this script on PATH (its Dockerfile copies hack/git-verify-wrapper.sh to
 * /usr/local/bin); the repo-server runs it for every revision it renders, GPG or not.
 */
export const BIN_SCRIPTS: readonly ModuleFiles[] = [
  {
    name: "bin",
    module: "argocd",
    upstream: "github.com/argoproj/argo-cd/v3",
    files: ["hack/git-verify-wrapper.sh"],
  },
];

/**
 * CRDs of the kinds the project emits, taken from the Go module zips of the projects that own them
 * (a module zip holds its non-Go files too), at the versions the pinned charts ship or the nearest
 * the module proxy serves (docs/testing.md lists them).
 */
export const CRDS: readonly ModuleFiles[] = [
  {
    name: "argo-cd",
    module: "argocd",
    upstream: "github.com/argoproj/argo-cd/v3",
    files: [
      "manifests/crds/application-crd.yaml",
      "manifests/crds/applicationset-crd.yaml",
      "manifests/crds/appproject-crd.yaml",
    ],
  },
  {
    name: "sealed-secrets",
    module: "kubeseal",
    upstream: "github.com/bitnami-labs/sealed-secrets",
    files: ["helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"],
  },
  {
    name: "prometheus-operator",
    module: "crds",
    upstream: "github.com/prometheus-operator/prometheus-operator",
    files: ["prometheusrules", "servicemonitors", "podmonitors"].map(
      (plural) => `example/prometheus-operator-crd/monitoring.coreos.com_${plural}.yaml`,
    ),
  },
  {
    name: "fluent-operator",
    module: "crds",
    upstream: "github.com/fluent/fluent-operator/v3",
    files: ["clusteroutputs", "clusterfilters", "clusterinputs"].map(
      (plural) => `config/crd/bases/fluentbit.fluent.io_${plural}.yaml`,
    ),
  },
];
