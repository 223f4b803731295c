import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { NodePoolPlan } from "./node-pools";
import { partitionOf } from "./partition";

/**
 * What a managed node's own role needs (EKS user guide, "Amazon EKS node IAM role"): join the
 * cluster, pull images, and run the VPC CNI, whose host-network aws-node pods use this role.
 * Add-ons get their own roles (identities.ts); with IMDS hop limit 1 no other pod can use this one.
 */
const NODE_POLICIES = {
  worker: "AmazonEKSWorkerNodePolicy",
  ecr: "AmazonEC2ContainerRegistryPullOnly",
  cni: "AmazonEKS_CNI_Policy",
} as const;

export interface NodeGroupsArgs {
  readonly cluster: eks.Cluster;
  readonly clusterName: string;
  readonly region: string;
  readonly pools: readonly NodePoolPlan[];
  /** Nodes run only in private subnets: they get no public IP. */
  readonly privateSubnetIds: pulumi.Input<string[]>;
  /** Pulumi `protect` on the node role (infra's `protect`): an identity the cluster's access entries name. */
  readonly protect: boolean;
}

/** One EKS managed node group per pool, each with its own launch template, sharing one node role. */
export class NodeGroups extends pulumi.ComponentResource {
  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:infra:NodeGroups", name, {}, opts);
    const role = new aws.iam.Role(
      `${name}-node`,
      {
        description: `Nodes of EKS cluster ${args.clusterName}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this, protect: args.protect },
    );
    const attachments = Object.entries(NODE_POLICIES).map(
      ([key, policy]) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${key}`,
          { role: role.name, policyArn: `arn:${partitionOf(args.region)}:iam::aws:policy/${policy}` },
          { parent: this },
        ),
    );

    for (const pool of args.pools) {
      const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-${pool.name}`,
        {
          description: `Node pool ${pool.name} of EKS cluster ${args.clusterName}`,
          updateDefaultVersion: true,
          metadataOptions: pool.launchTemplate.metadataOptions,
          blockDeviceMappings: pool.launchTemplate.blockDeviceMappings.map((m) => ({ ...m, ebs: { ...m.ebs } })),
          tagSpecifications: ["instance", "volume"].map((resourceType) => ({
            resourceType,
            tags: { Name: `${args.clusterName}-${pool.name}` },
          })),
        },
        { parent: this },
      );
      const group = pool.nodeGroup;
      new eks.ManagedNodeGroup(
        `${name}-${pool.name}`,
        {
          cluster: args.cluster,
          nodeRoleArn: role.arn,
          subnetIds: args.privateSubnetIds,
          launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
          capacityType: group.capacityType,
          instanceTypes: [...group.instanceTypes],
          amiType: group.amiType,
          version: group.version,
          scalingConfig: { ...group.scalingConfig },
          labels: { ...group.labels },
          taints: group.taints.map((t) => ({ ...t })),
        },
        { parent: this, dependsOn: attachments },
      );
    }
    this.registerOutputs({});
  }
}
