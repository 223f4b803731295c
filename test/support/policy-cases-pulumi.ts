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
];
