import { UNKNOWN_MARKER } from "../../config";
import { declared, declaredObject, deployment, eksCluster } from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";

const CLUSTER = "eks:index:Cluster::cluster";

/** The infra stack's cluster with one in-cluster resource beside it. */
function withCluster(deletedWith: string | null) {
  return {
    resources: [
      declared("eks:index:Cluster", "cluster", eksCluster, { protect: true }),
      declared(
        "aws:eks/addon:Addon",
        "coredns",
        { addonName: "coredns", addonVersion: "v1.11.4-eksbuild.2" },
        { deletedWith },
      ),
    ],
  };
}

/** Providers, protect and deletedWith. */
export const pulumiCases: RuleCase[] = [
  passes(
    "pulumi-explicit-provider",
    "passes an explicit provider",
    one("aws:kms/key:Key", { enableKeyRotation: true }),
  ),
  fails(
    "pulumi-explicit-provider",
    "fails an object on the default (ambient kubeconfig) provider",
    { resources: [declaredObject(deployment, { provider: null })] },
    "uses the default provider",
  ),
  fails(
    "pulumi-explicit-provider",
    "fails the engine's default provider as the policy pack names it",
    one("aws:kms/key:Key", {}, { provider: "pulumi:providers:aws::default_7_48_0" }),
    "uses the default provider",
  ),

  passes("pulumi-protect-in-production", "passes a protected key", one("aws:kms/key:Key", {}, { protect: true })),
  passes("pulumi-protect-in-production", "passes an unprotected key in staging", {
    ...one("aws:kms/key:Key", {}),
    tier: "staging",
  }),
  fails(
    "pulumi-protect-in-production",
    "fails every kind of stateful or identity resource left unprotected in production",
    {
      resources: [
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
      ].map((type) => declared(type, "subject", {})),
    },
    ...Array<string>(14).fill("is not protected in a production-tier environment"),
  ),
  fails(
    "pulumi-protect-in-production",
    "fails an unprotected role in production",
    one("aws:iam/role:Role", { assumeRolePolicy: "{}" }),
    "is not protected in a production-tier environment",
  ),

  passes("pulumi-deleted-with-cluster", "passes an addon deleted with the cluster", withCluster(CLUSTER)),
  passes("pulumi-deleted-with-cluster", "passes an in-cluster object of a stack without the cluster", {
    resources: [declaredObject(deployment)],
  }),
  fails("pulumi-deleted-with-cluster", "fails an addon without deletedWith", withCluster(null), "has no deletedWith"),
  cannotJudge(
    "pulumi-deleted-with-cluster",
    "cannot judge where deletedWith is not visible (the policy pack)",
    withCluster(UNKNOWN_MARKER),
    "deletedWith is not visible here, so this cannot be judged",
  ),

  fails(
    "pulumi-explicit-provider",
    "fails the default provider as the engine names it without a version",
    one("aws:kms/key:Key", {}, { provider: "pulumi:providers:aws::default" }),
    "uses the default provider",
  ),
  passes("pulumi-explicit-provider", "passes an explicit provider whose name only starts with default", {
    resources: [
      declared("aws:kms/key:Key", "key", {}, { provider: "pulumi:providers:aws::defaults" }),
      declared("aws:kms/key:Key", "other", {}, { provider: "pulumi:providers:aws::default_7_48_0-eu" }),
    ],
  }),
  passes("pulumi-explicit-provider", "does not judge a component of a provider package, which has no provider", {
    resources: [
      declared("kubernetes:helm.sh/v4:Chart", "chart", {}, { provider: null }),
      declared("aws:kms/key:Key", "key", {}),
    ],
  }),
  cannotJudge(
    "pulumi-explicit-provider",
    "cannot judge a provider the policy pack does not see",
    one("aws:kms/key:Key", {}, { provider: UNKNOWN_MARKER }),
    "the provider is not visible here, so this cannot be judged",
  ),

  fails(
    "pulumi-deleted-with-cluster",
    "fails every kind of in-cluster AWS resource without deletedWith, and none of the others",
    {
      resources: [
        declared("eks:index:Cluster", "cluster", eksCluster, { protect: true }),
        declared("aws:kms/key:Key", "key", {}),
        declared("aws:iam/role:Role", "role", {}),
        declared("eks:index:Addon", "addon", {}),
        declared("aws:eks/podIdentityAssociation:PodIdentityAssociation", "identity", {}),
        declared("aws:eks/accessEntry:AccessEntry", "entry", {}),
        declared("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "policy", {}),
      ],
    },
    "has no deletedWith",
    "has no deletedWith",
    "has no deletedWith",
    "has no deletedWith",
  ),
  fails(
    "pulumi-deleted-with-cluster",
    "fails an addon deleted with something other than the cluster",
    withCluster("aws:kms/key:Key::key"),
    "is deleted with aws:kms/key:Key::key, not the cluster",
  ),
];
