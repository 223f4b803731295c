import { workloadIdentities } from "../infra/outputs";
import { Environment } from "../stack";
import { IN_CLUSTER } from "./applications";
import { ARGOCD_NAMESPACE } from "./components";
import { InfraFacts } from "./facts";
import { ReleasePlan } from "./releases";

/**
 * The in-cluster Argo CD cluster Secret, in the GitOps Bridge shape
 * (github.com/gitops-bridge-dev/terraform-helm-gitops-bridge, main.tf): labels `cluster_name`,
 * `environment` and `enable_<addon>: "true"`; annotations with the cluster's AWS metadata and, per
 * workload identity, `<addon>_iam_role_arn`, `<addon>_namespace` and `<addon>_service_account`. An
 * ApplicationSet written for GitOps Bridge reads these through its cluster generator unchanged.
 */

export const CLUSTER_SECRET_NAME = "in-cluster";

/** GitOps Bridge names of the add-ons infra binds an IAM role to (eks-blueprints-addons' gitops metadata). */
const IDENTITY_ADDONS: Record<keyof typeof workloadIdentities, string> = {
  externalDns: "external_dns",
  logging: "fluent_operator",
  ebsCsiDriver: "aws_ebs_csi_driver",
};

export interface ClusterSecretSpec {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  };
  readonly stringData: Record<string, string>;
}

function identityAnnotations(facts: InfraFacts): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [key, addon] of Object.entries(IDENTITY_ADDONS) as [keyof typeof workloadIdentities, string][]) {
    const roleArn = facts.roleArns[key];
    // The logging role exists only when logs ship to CloudWatch (infra/outputs.ts).
    if (!roleArn) continue;
    annotations[`${addon}_iam_role_arn`] = roleArn;
    annotations[`${addon}_namespace`] = workloadIdentities[key].namespace;
    annotations[`${addon}_service_account`] = workloadIdentities[key].serviceAccount;
  }
  return annotations;
}

export function clusterSecret(plans: readonly ReleasePlan[], env: Environment, facts: InfraFacts): ClusterSecretSpec {
  const addons = Object.fromEntries(plans.map((p) => [`enable_${p.gitopsBridgeAddon}`, "true"]));
  return {
    metadata: {
      name: CLUSTER_SECRET_NAME,
      namespace: ARGOCD_NAMESPACE,
      labels: {
        "argocd.argoproj.io/secret-type": "cluster",
        cluster_name: facts.clusterName,
        environment: env,
        ...addons,
      },
      annotations: {
        cluster_name: facts.clusterName,
        environment: env,
        aws_cluster_name: facts.clusterName,
        aws_region: facts.region,
        aws_account_id: facts.accountId,
        aws_vpc_id: facts.vpcId,
        ...identityAnnotations(facts),
      },
    },
    // The name stays "in-cluster", Argo CD's own name for this cluster, so that Applications with
    // `destination.name: in-cluster` keep working; the EKS name is in the labels and annotations.
    stringData: {
      name: CLUSTER_SECRET_NAME,
      server: IN_CLUSTER,
      config: JSON.stringify({ tlsClientConfig: { insecure: false } }),
    },
  };
}
