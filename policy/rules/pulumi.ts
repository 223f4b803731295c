import { defineRule, resourcesOfType } from "../define";
import { DeclaredResource, resourceRef, Rule, undetermined, violation } from "../model";
import { UNKNOWN_MARKER } from "../../config";
import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./eks";

/**
 * How Pulumi itself holds the platform: explicit providers, protected state, and in-cluster
 * objects that go with their cluster. These judge resource options, not inputs.
 */

/** Packages whose resources must name their provider: never ambient AWS credentials or kubeconfig. */
const PROVIDER_PACKAGES = ["aws", "kubernetes"];

function packageOf(type: string): string {
  return type.split(":")[0];
}

/** A default provider: none recorded (synth), or one the engine named `default…` (policy pack). */
function isDefaultProvider(provider: string): boolean {
  return /::default(_[\d_]+)?$/.test(provider);
}

const explicitProvider = defineRule({
  id: "pulumi-explicit-provider",
  severity: "mandatory",
  area: "pulumi",
  title: "Every AWS and Kubernetes resource uses an explicit provider",
  rationale:
    "A default provider reads ambient credentials or kubeconfig: one wrong shell deploys into the wrong account or cluster.",
  fix: "Pass the layer's provider (provider: or providers: on the parent component).",
  resources: {
    types: (r) => r.custom && PROVIDER_PACKAGES.includes(packageOf(r.type)),
    check: (r) => {
      const provider = r.options.provider;
      if (provider === UNKNOWN_MARKER)
        return [undetermined("the provider is not visible here, so this cannot be judged")];
      if (provider === null || isDefaultProvider(provider)) return [violation("uses the default provider")];
      return [];
    },
  },
});

/** Resources whose loss loses data or identity: protected in production. */
export const STATEFUL_TYPES = [
  EKS_COMPONENT,
  AWS_EKS_CLUSTER,
  "aws:kms/key:Key",
  "aws:iam/role:Role",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:ebs/volume:Volume",
  "aws:efs/fileSystem:FileSystem",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:route53/zone:Zone",
  "aws:ecr/repository:Repository",
  "aws:secretsmanager/secret:Secret",
  "kubernetes:core/v1:PersistentVolume",
  "kubernetes:core/v1:PersistentVolumeClaim",
];

const protectInProduction = defineRule({
  id: "pulumi-protect-in-production",
  severity: "mandatory",
  area: "pulumi",
  title: "Stateful and identity resources are protected in production",
  rationale:
    "A replace or a stray destroy of the cluster, a KMS key or a role cannot be undone; protect makes Pulumi refuse.",
  fix: "Set protect: true on it (or on its parent component) in every production-tier environment.",
  resources: {
    types: STATEFUL_TYPES,
    check: (r, ctx) =>
      ctx.tier !== "production" || r.options.protect
        ? []
        : [violation("is not protected in a production-tier environment")],
  },
});

/**
 * Objects that vanish with the cluster: deleting them one by one on destroy is slow and fails once
 * the API server is gone. Node groups and Fargate profiles are NOT here: EKS refuses to delete a
 * cluster that still has them (DeleteCluster API), so they must be deleted first.
 */
function livesInCluster(r: DeclaredResource): boolean {
  if (packageOf(r.type) === "kubernetes") return r.custom;
  return [
    "aws:eks/addon:Addon",
    "eks:index:Addon",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  ].includes(r.type);
}

/**
 * Scope: the stack that declares the cluster. `deletedWith` names a resource of the same stack, so
 * the platform and gitops stacks' Kubernetes objects cannot name the cluster, which is infra's. They
 * are torn down while the cluster still runs instead: the CLI's `destroy` goes gitops, then the
 * leftover Applications and load balancers, then platform, and infra last. Their teardown is that
 * order, not this rule, and the rule says nothing about them.
 */
const deletedWithCluster = defineRule({
  id: "pulumi-deleted-with-cluster",
  severity: "mandatory",
  area: "pulumi",
  title: "In-cluster resources of the cluster's stack are deleted with the cluster",
  rationale: "On destroy, deletedWith skips per-object deletes that would hang or fail once the cluster is gone.",
  fix: "Set deletedWith: cluster on addons, access entries, Pod Identity associations and Kubernetes objects.",
  crossSubject: true,
  resources: {
    types: livesInCluster,
    check: (r, ctx) => {
      const clusters = resourcesOfType(ctx, [EKS_COMPONENT, AWS_EKS_CLUSTER]).map(resourceRef);
      if (clusters.length === 0) return [];
      const target = r.options.deletedWith;
      if (target === UNKNOWN_MARKER) return [undetermined("deletedWith is not visible here, so this cannot be judged")];
      // Stryker disable next-line ConditionalExpression: clusters never include null, so the first test only reads clearer
      if (target !== null && clusters.includes(target)) return [];
      return [violation(target === null ? "has no deletedWith" : `is deleted with ${target}, not the cluster`)];
    },
  },
});

export const pulumiRules: readonly Rule[] = [explicitProvider, protectInProduction, deletedWithCluster];
