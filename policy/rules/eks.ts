import { defineRule } from "../define";
import { DeclaredResource, Outcome, Rule, undetermined, violation } from "../model";
import { describeOpaque, isExactVersion, isFalse, isOpaque, listAt, show, valueAt } from "../values";

/**
 * The EKS control plane. Two shapes declare a cluster: the `@pulumi/eks` v4 remote component
 * (`eks:index:Cluster`, judged on the inputs passed to it: offline and in preview alike, its
 * children are invisible) and the `aws.eks.Cluster` it creates (seen by the policy pack in a real
 * preview). Input names are those of the SDK type definitions (@pulumi/eks 4.x, @pulumi/aws 7.x).
 */

export const EKS_COMPONENT = "eks:index:Cluster";
export const AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster";
const CLUSTER_TYPES = [EKS_COMPONENT, AWS_EKS_CLUSTER];

/** One reading of either cluster shape, with the input path of each value for messages. */
interface ClusterView {
  readonly publicEndpoint: readonly [path: string, value: unknown];
  readonly publicCidrs: readonly [path: string, value: unknown];
  readonly keyArn: readonly [path: string, value: unknown];
  /** What the key encrypts; the eks component always encrypts `secrets` when given a key. */
  readonly encrypted: readonly [path: string, value: unknown];
  readonly logTypes: readonly [path: string, value: unknown];
  readonly authMode: readonly [path: string, value: unknown];
}

function clusterView(r: DeclaredResource): ClusterView {
  const i = r.inputs;
  if (r.type === EKS_COMPONENT) {
    return {
      publicEndpoint: ["endpointPublicAccess", i.endpointPublicAccess],
      publicCidrs: ["publicAccessCidrs", i.publicAccessCidrs],
      keyArn: ["encryptionConfigKeyArn", i.encryptionConfigKeyArn],
      // Stryker disable next-line StringLiteral: the component always encrypts secrets, so no message names this path
      encrypted: ["encryptionConfigKeyArn", ["secrets"]],
      logTypes: ["enabledClusterLogTypes", i.enabledClusterLogTypes],
      authMode: ["authenticationMode", i.authenticationMode],
    };
  }
  return {
    publicEndpoint: ["vpcConfig.endpointPublicAccess", valueAt(i, "vpcConfig", "endpointPublicAccess")],
    publicCidrs: ["vpcConfig.publicAccessCidrs", valueAt(i, "vpcConfig", "publicAccessCidrs")],
    keyArn: ["encryptionConfig.provider.keyArn", valueAt(i, "encryptionConfig", "provider", "keyArn")],
    encrypted: ["encryptionConfig.resources", valueAt(i, "encryptionConfig", "resources")],
    logTypes: ["enabledClusterLogTypes", i.enabledClusterLogTypes],
    authMode: ["accessConfig.authenticationMode", valueAt(i, "accessConfig", "authenticationMode")],
  };
}

const endpointPrivateInProduction = defineRule({
  id: "eks-endpoint-private-in-production",
  severity: "mandatory",
  area: "eks",
  title: "The production cluster's API endpoint is private",
  rationale:
    "A public Kubernetes API is the first thing scanned and attacked; production is reached through the VPC (checkov CKV_AWS_39).",
  fix: "Set endpointPublicAccess: false and endpointPrivateAccess: true in every production-tier environment.",
  resources: {
    types: CLUSTER_TYPES,
    check: (r, ctx) => {
      if (ctx.tier !== "production") return [];
      const [path, value] = clusterView(r).publicEndpoint;
      if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
      if (isFalse(value)) return [];
      return [
        violation(
          `${path} is ${value === undefined ? "unset (AWS default: public)" : show(value)} in a production-tier environment`,
        ),
      ];
    },
  },
});

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

const endpointCidrsRestricted = defineRule({
  id: "eks-endpoint-cidrs-restricted",
  severity: "mandatory",
  area: "eks",
  title: "A public API endpoint only accepts listed CIDRs, never 0.0.0.0/0",
  rationale:
    "publicAccessCidrs defaults to 0.0.0.0/0: every address on the internet reaches the API server (checkov CKV_AWS_38).",
  fix: "List the office/VPN/CI egress CIDRs in publicAccessCidrs, or make the endpoint private.",
  resources: {
    types: CLUSTER_TYPES,
    check: (r) => {
      const view = clusterView(r);
      const [endpointPath, endpoint] = view.publicEndpoint;
      if (isFalse(endpoint)) return [];
      const [path, cidrs] = view.publicCidrs;
      const problem = openCidrProblem(path, cidrs);
      if (!problem) return [];
      if (problem.level === "violation" && isOpaque(endpoint)) {
        return [undetermined(`${describeOpaque(endpointPath, endpoint)}; if public: ${problem.message}`)];
      }
      return [problem];
    },
  },
});

function openCidrProblem(path: string, cidrs: unknown): Outcome | undefined {
  if (isOpaque(cidrs)) return undetermined(describeOpaque(path, cidrs));
  if (!Array.isArray(cidrs) || cidrs.length === 0) return violation(`${path} is unset: AWS opens it to 0.0.0.0/0`);
  const open = cidrs.filter((c) => OPEN_CIDRS.includes(String(c)));
  if (open.length) return violation(`${path} contains ${open.join(", ")}`);
  const opaque = cidrs.find(isOpaque);
  return opaque ? undetermined(describeOpaque(`an entry of ${path}`, opaque)) : undefined;
}

const secretsEncrypted = defineRule({
  id: "eks-secrets-encrypted",
  severity: "mandatory",
  area: "eks",
  title: "Kubernetes Secrets are envelope-encrypted with a KMS key",
  rationale:
    "Our own KMS key puts Secrets' encryption under our rotation, revocation and CloudTrail audit (CIS EKS 5.3.1, checkov CKV_AWS_58).",
  fix: "Create an aws.kms.Key with rotation and pass its ARN as encryptionConfigKeyArn.",
  resources: {
    types: CLUSTER_TYPES,
    check: (r) => {
      const view = clusterView(r);
      const [keyPath, keyArn] = view.keyArn;
      // An ARN computed from a kms.Key is unknown offline: that still proves a key is configured.
      if (keyArn === undefined || keyArn === "") return [violation(`${keyPath} is unset`)];
      const [path, resources] = view.encrypted;
      if (isOpaque(resources)) return [undetermined(describeOpaque(path, resources))];
      if (!Array.isArray(resources) || !resources.includes("secrets")) {
        return [violation(`${path} does not include "secrets"`)];
      }
      return [];
    },
  },
});

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const controlPlaneLogs = defineRule({
  id: "eks-control-plane-logs",
  severity: "mandatory",
  area: "eks",
  title: "Every control plane log type is sent to CloudWatch",
  rationale: "Audit and authenticator logs are the only record of who did what to the cluster (checkov CKV_AWS_37).",
  fix: `Set enabledClusterLogTypes to ${CONTROL_PLANE_LOG_TYPES.join(", ")}.`,
  resources: {
    types: CLUSTER_TYPES,
    check: (r) => {
      const [path, value] = clusterView(r).logTypes;
      const types = listAt(value);
      if (isOpaque(types)) return [undetermined(describeOpaque(path, types))];
      const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !types.includes(t));
      return missing.length ? [violation(`${path} lacks ${missing.join(", ")}`)] : [];
    },
  },
});

const authModeApi = defineRule({
  id: "eks-auth-mode-api",
  severity: "mandatory",
  area: "eks",
  title: "Cluster access is granted through access entries only (authentication mode API)",
  rationale:
    "The aws-auth ConfigMap is deprecated, unaudited and one bad edit locks everyone out; @pulumi/eks still defaults to it.",
  fix: 'Set authenticationMode: "API" and grant access with access entries.',
  resources: {
    types: CLUSTER_TYPES,
    check: (r) => {
      const [path, value] = clusterView(r).authMode;
      if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
      if (value === "API") return [];
      return [violation(`${path} is ${value === undefined ? "unset (default: CONFIG_MAP)" : show(value)}`)];
    },
  },
});

const ADDON_TYPES = ["aws:eks/addon:Addon", "eks:index:Addon"];

const versionsPinned = defineRule({
  id: "eks-versions-pinned",
  severity: "mandatory",
  area: "eks",
  title: "The Kubernetes version and every EKS addon version are pinned exactly",
  rationale: "An unpinned addon takes whatever AWS calls default that day: an upgrade nobody reviewed.",
  fix: "Pin version (e.g. 1.33) and each addonVersion (e.g. v1.19.2-eksbuild.1) in Pulumi.<env>.yaml.",
  resources: {
    types: [...ADDON_TYPES, EKS_COMPONENT],
    check: (r) => {
      if (ADDON_TYPES.includes(r.type))
        return versionProblems([["addonVersion", r.inputs.addonVersion]], isExactVersion);
      const i = r.inputs;
      const versions: [string, unknown][] = [["version", i.version]];
      if (valueAt(i, "corednsAddonOptions", "enabled") !== false) {
        versions.push(["corednsAddonOptions.version", valueAt(i, "corednsAddonOptions", "version")]);
      }
      if (valueAt(i, "kubeProxyAddonOptions", "enabled") !== false) {
        versions.push(["kubeProxyAddonOptions.version", valueAt(i, "kubeProxyAddonOptions", "version")]);
      }
      if (i.useDefaultVpcCni !== true) {
        versions.push(["vpcCniOptions.addonVersion", valueAt(i, "vpcCniOptions", "addonVersion")]);
      }
      return versionProblems(versions, (v, path) => (path === "version" ? isMinorVersion(v) : isExactVersion(v)));
    },
  },
});

function isMinorVersion(value: unknown): boolean {
  return typeof value === "string" && /^\d+\.\d+$/.test(value);
}

function versionProblems(
  versions: readonly [string, unknown][],
  exact: (value: unknown, path: string) => boolean,
): Outcome[] {
  return versions.flatMap(([path, value]): Outcome[] => {
    if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
    if (exact(value, path)) return [];
    return [violation(`${path} is ${value === undefined ? "unset: AWS picks the default" : show(value)}`)];
  });
}

export const eksRules: readonly Rule[] = [
  endpointPrivateInProduction,
  endpointCidrsRestricted,
  secretsEncrypted,
  controlPlaneLogs,
  authModeApi,
  versionsPinned,
];
