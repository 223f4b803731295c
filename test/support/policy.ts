import { DeclaredOptions, DeclaredResource, HydratedManifest } from "../../policy/model";
import { UNKNOWN_MARKER } from "../../config";

/**
 * Small hand-written inputs for the guardrails: compliant baselines, and `patch` to break one
 * thing at a time. Baselines use the input names of the real SDKs (@pulumi/eks 4, @pulumi/aws 7,
 * @pulumi/kubernetes 4) and the Argo CD CRDs.
 */

export const AWS_PROVIDER = "pulumi:providers:aws::aws-production";
export const K8S_PROVIDER = "pulumi:providers:kubernetes::k8s";

export function declared(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: Partial<DeclaredOptions> = {},
): DeclaredResource {
  return {
    type,
    name,
    parent: "pulumi:pulumi:Stack::gitops-platform-infra-production",
    custom: !/^eks:index:|^kubernetes:helm\.sh\/v4:/.test(type),
    inputs,
    options: {
      protect: false,
      retainOnDelete: false,
      ignoreChanges: [],
      deletedWith: null,
      dependsOn: [],
      provider: type.startsWith("kubernetes:") ? K8S_PROVIDER : type.startsWith("aws:") ? AWS_PROVIDER : null,
      ...options,
    },
  };
}

/** A Kubernetes object declared by Pulumi: its type token comes from apiVersion and kind. */
export function declaredObject(object: Record<string, unknown>, options: Partial<DeclaredOptions> = {}) {
  const apiVersion = String(object.apiVersion);
  const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  const name = String((object.metadata as { name?: string } | undefined)?.name ?? "object");
  return declared(`kubernetes:${group}:${String(object.kind)}`, name, object, options);
}

export function manifest(object: Record<string, unknown>, path?: string): HydratedManifest {
  const name = String((object.metadata as { name?: string } | undefined)?.name ?? "object");
  return { path: path ?? `apps/demo/${String(object.kind).toLowerCase()}-${name}.yaml`, object };
}

/**
 * A deep copy of `value` with the value at a dotted path replaced (numeric segments index lists),
 * or removed when `replacement` is undefined.
 */
export function patch<T>(value: T, path: string, replacement: unknown): T {
  const copy = structuredClone(value);
  const keys = path.split(".");
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

export const ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksCluster = {
  authenticationMode: "API",
  endpointPrivateAccess: true,
  endpointPublicAccess: false,
  encryptionConfigKeyArn: UNKNOWN_MARKER,
  enabledClusterLogTypes: ALL_LOG_TYPES,
  skipDefaultNodeGroup: true,
  version: "1.33",
  corednsAddonOptions: { enabled: false },
  kubeProxyAddonOptions: { enabled: false },
  vpcCniOptions: { addonVersion: "v1.19.2-eksbuild.1" },
};

export const awsEksCluster = {
  roleArn: UNKNOWN_MARKER,
  version: "1.33",
  vpcConfig: { subnetIds: [UNKNOWN_MARKER], endpointPrivateAccess: true, endpointPublicAccess: false },
  encryptionConfig: { provider: { keyArn: UNKNOWN_MARKER }, resources: ["secrets"] },
  enabledClusterLogTypes: ALL_LOG_TYPES,
  accessConfig: { authenticationMode: "API" },
};

export const launchTemplate = {
  metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50, volumeType: "gp3" } }],
  networkInterfaces: [{ associatePublicIpAddress: "false" }],
};

export function iamPolicy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export const externalDnsStatements = [
  {
    Effect: "Allow",
    Action: ["route53:ChangeResourceRecordSets"],
    Resource: ["arn:aws:route53:::hostedzone/Z0123456789ABC"],
  },
  {
    Effect: "Allow",
    Action: ["route53:ListHostedZones", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
    Resource: ["*"],
  },
];

export const logShipperStatements = [
  {
    Effect: "Allow",
    Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:PutRetentionPolicy"],
    Resource: "arn:aws:logs:eu-west-1:222222222222:log-group:/gitops-platform/production/*",
  },
  { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
];

export const STATE_REPO = "https://github.com/example-org/gitops-state-production.git";
export const ARGO_HELM = "https://argoproj.github.io/argo-helm";

/** An app of the catalog, as the gitops layer points Argo CD at its hydrated directory. */
export const application = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name: "demo", namespace: "argocd", finalizers: ["resources-finalizer.argocd.argoproj.io"] },
  spec: {
    project: "apps",
    source: { repoURL: STATE_REPO, path: "apps/demo", targetRevision: "main" },
    destination: { server: "https://kubernetes.default.svc", namespace: "demo" },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
};

const NO_PRUNE = { "argocd.argoproj.io/sync-options": "Prune=false" };
export const argoCdValues = { configs: { cm: { annotations: NO_PRUNE }, secret: { annotations: NO_PRUNE } } };

/** Argo CD managing itself from its chart, after the hand-off. */
export const argoCdApplication = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name: "argocd", namespace: "argocd" },
  spec: {
    project: "platform",
    source: {
      repoURL: ARGO_HELM,
      chart: "argo-cd",
      targetRevision: "7.7.3",
      helm: { releaseName: "argocd", valuesObject: argoCdValues },
    },
    destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
};

/** The bootstrap release of Argo CD that the Application above takes over. */
export const argoCdRelease = {
  name: "argocd",
  chart: "argo-cd",
  version: "7.7.3",
  namespace: "argocd",
  repositoryOpts: { repo: ARGO_HELM },
  values: argoCdValues,
};

export const prometheusApplication = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: {
    name: "kube-prometheus-stack",
    namespace: "argocd",
    finalizers: ["resources-finalizer.argocd.argoproj.io"],
  },
  spec: {
    project: "platform",
    source: {
      repoURL: "https://prometheus-community.github.io/helm-charts",
      chart: "kube-prometheus-stack",
      targetRevision: "66.3.1",
    },
    destination: { server: "https://kubernetes.default.svc", namespace: "monitoring" },
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
  },
};

export const appProject = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "AppProject",
  metadata: { name: "apps", namespace: "argocd" },
  spec: {
    sourceRepos: [STATE_REPO],
    destinations: [{ server: "https://kubernetes.default.svc", namespace: "demo" }],
  },
};

export const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "demo", namespace: "demo", labels: { app: "demo" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "demo" } },
    template: {
      metadata: { labels: { app: "demo" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 10001 },
        containers: [
          {
            name: "web",
            image: "ghcr.io/example-org/demo:1.4.2",
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
            livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
          },
        ],
      },
    },
  },
};

export const pdb = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "demo", namespace: "demo" },
  spec: { maxUnavailable: 1, selector: { matchLabels: { app: "demo" } } },
};

/** The platform's app-of-apps root: the argocd-apps chart rendering one child per handed-over release. */
export const rootApplication = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name: "platform", namespace: "argocd", finalizers: ["resources-finalizer.argocd.argoproj.io"] },
  spec: {
    project: "ops",
    source: {
      repoURL: ARGO_HELM,
      chart: "argocd-apps",
      targetRevision: "2.0.5",
      helm: {
        releaseName: "platform",
        valuesObject: {
          applications: {
            "argo-cd": {
              namespace: "argocd",
              project: "ops",
              source: argoCdApplication.spec.source,
              destination: argoCdApplication.spec.destination,
              syncPolicy: argoCdApplication.spec.syncPolicy,
            },
            "kube-prometheus-stack": {
              namespace: "argocd",
              project: "ops",
              source: prometheusApplication.spec.source,
              destination: prometheusApplication.spec.destination,
              syncPolicy: prometheusApplication.spec.syncPolicy,
            },
          },
        },
      },
    },
    destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
    syncPolicy: { automated: { prune: true, selfHeal: true } },
  },
};

/** The platform's own project: chart repos, cluster-scoped resources allowed, marked by its role label. */
export const platformProject = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "AppProject",
  metadata: { name: "ops", namespace: "argocd", labels: { "gitops-platform/project-role": "platform" } },
  spec: {
    sourceRepos: [ARGO_HELM, "https://prometheus-community.github.io/helm-charts"],
    destinations: [{ server: "https://kubernetes.default.svc", namespace: "argocd" }],
    clusterResourceWhitelist: [{ group: "*", kind: "*" }],
  },
};
