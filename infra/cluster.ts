import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { InfraConfig, roleNameOf } from "./config";
import { partitionOf } from "./partition";

/** Every control-plane log type EKS offers (issue #3 asks for all five). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EndpointAccess {
  readonly endpointPrivateAccess: true;
  readonly endpointPublicAccess: boolean;
  readonly publicAccessCidrs?: string[];
}

/** The API endpoint: private always; public only with an explicit allowlist (the schema refuses /0). */
export function endpointAccess(publicEndpoint: InfraConfig["publicEndpoint"]): EndpointAccess {
  if (!publicEndpoint) return { endpointPrivateAccess: true, endpointPublicAccess: false };
  return {
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: [...publicEndpoint.allowedCidrs],
  };
}

/** Cluster-admin access for one admin role: an access entry and its access policy association. */
export interface AdminAccess {
  /** Stable resource-name key: `admin-<role name>`. */
  readonly key: string;
  readonly principalArn: string;
  readonly policyArn: string;
}

/** One cluster-wide AmazonEKSClusterAdminPolicy grant per admin role, keyed by role name. */
export function planAdminAccess(adminRoleArns: readonly string[], region: string): AdminAccess[] {
  const policyArn = `arn:${partitionOf(region)}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
  return adminRoleArns.map((principalArn) => ({ key: `admin-${roleNameOf(principalArn)}`, principalArn, policyArn }));
}

export interface ClusterArgs {
  readonly config: InfraConfig;
  readonly vpcId: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<string[]>;
  readonly publicSubnetIds: pulumi.Input<string[]>;
  readonly encryptionKeyArn: pulumi.Input<string>;
}

/**
 * The EKS control plane, through @pulumi/eks (a remote component: its children exist only in the
 * real engine). The component installs nothing on its own here: no default node group, no
 * self-managed addons, no CNI, no CoreDNS or kube-proxy of its own. The addons are EKS managed
 * addons at pinned versions (addons.ts), so every version is in config.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly eksCluster: eks.Cluster;
  readonly endpoint: pulumi.Output<string>;
  readonly kubeconfigJson: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** `https://oidc.eks.<region>.amazonaws.com/id/<id>` */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** The issuer without `https://`, as IRSA trust conditions spell it. */
  readonly oidcIssuer: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:infra:Cluster", name, {}, opts);
    const { config } = args;
    // EKS creates this group on first log with no expiry; creating it first sets the retention.
    // Protected with the cluster: it holds the audit log, the record of who did what to the cluster.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${config.clusterName}/cluster`, retentionInDays: config.controlPlaneLogs.retentionInDays },
      { parent: this, protect: config.protect },
    );
    this.eksCluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: config.clusterName,
        version: config.kubernetesVersion,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        publicSubnetIds: args.publicSubnetIds,
        ...endpointAccess(config.publicEndpoint),
        // @pulumi/eks v4 still defaults to CONFIG_MAP (the aws-auth ConfigMap): access entries only.
        authenticationMode: eks.AuthenticationMode.Api,
        encryptionConfigKeyArn: args.encryptionKeyArn,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        createOidcProvider: true,
        skipDefaultNodeGroup: true,
        bootstrapSelfManagedAddons: false,
        // `useDefaultVpcCni: true` means "install no VPC CNI addon of your own": addons.ts does.
        useDefaultVpcCni: true,
        corednsAddonOptions: { enabled: false },
        kubeProxyAddonOptions: { enabled: false },
        deletionProtection: config.protect,
      },
      { parent: this, protect: config.protect, dependsOn: [logGroup] },
    );
    // Access entries are declared here rather than as eks.Cluster's `accessEntries`, whose children
    // of a remote component take no resource options from this program (and synth cannot see them).
    // DeleteCluster removes them, so a destroy must not delete them one by one: deletedWith.
    const withCluster = { parent: this, deletedWith: this.eksCluster };
    for (const access of planAdminAccess(config.adminRoleArns, config.region)) {
      const entry = new aws.eks.AccessEntry(
        `${name}-${access.key}`,
        { clusterName: config.clusterName, principalArn: access.principalArn, type: "STANDARD" },
        { ...withCluster, dependsOn: [this.eksCluster] },
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-${access.key}`,
        {
          clusterName: config.clusterName,
          principalArn: access.principalArn,
          policyArn: access.policyArn,
          accessScope: { type: "cluster" },
        },
        { ...withCluster, dependsOn: [entry] },
      );
    }
    this.endpoint = this.eksCluster.core.endpoint;
    this.kubeconfigJson = this.eksCluster.kubeconfigJson;
    this.oidcProviderArn = this.eksCluster.oidcProviderArn;
    this.oidcIssuerUrl = this.eksCluster.oidcProviderUrl;
    this.oidcIssuer = this.eksCluster.oidcIssuer;
    this.registerOutputs({ endpoint: this.endpoint, oidcProviderArn: this.oidcProviderArn });
  }
}
