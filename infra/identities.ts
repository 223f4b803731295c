import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InfraConfig } from "./config";
import {
  cloudWatchLogsPolicy,
  ebsCsiDriverPolicyArn,
  externalDnsPolicy,
  irsaTrustPolicy,
  podIdentityTrustPolicy,
  PolicyDocument,
  ServiceAccountBinding,
} from "./identity-policies";
import { workloadIdentities } from "./outputs";
import { partitionOf } from "./partition";

type IdentityKey = keyof typeof workloadIdentities;

/** Resource names of each identity's children (kebab case, stable). */
const RESOURCE_KEYS: Readonly<Record<IdentityKey, string>> = {
  externalDns: "external-dns",
  logging: "logging",
  ebsCsiDriver: "ebs-csi-driver",
};

export interface WorkloadIdentitiesArgs {
  readonly config: InfraConfig;
  /** The cluster must exist before a Pod Identity association can name it, which goes with it. */
  readonly cluster: pulumi.Resource;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
}

export interface RoleArns {
  readonly externalDns: pulumi.Output<string>;
  readonly ebsCsiDriver: pulumi.Output<string>;
  readonly logging?: pulumi.Output<string>;
}

/**
 * The IAM roles of the add-ons, bound to the service accounts in `workloadIdentities` (the names
 * the platform layer installs them with): by an EKS Pod Identity association, or by an IRSA trust.
 */
export class WorkloadIdentities extends pulumi.ComponentResource {
  readonly roleArns: RoleArns;
  /** The container log group, when logs ship to CloudWatch. */
  readonly logGroupName?: pulumi.Output<string>;
  /** Pod Identity associations by identity (none with IRSA): an addon using one is created after it. */
  readonly associations: Partial<Record<IdentityKey, aws.eks.PodIdentityAssociation>> = {};

  constructor(
    name: string,
    private readonly args: WorkloadIdentitiesArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("gitops-platform:infra:WorkloadIdentities", name, {}, opts);
    const { config } = args;
    const partition = partitionOf(config.region);

    const externalDns = this.role(name, "externalDns");
    this.inlinePolicy(name, "externalDns", externalDns, externalDnsPolicy(partition, config.externalDns.hostedZoneIds));

    const ebsCsiDriver = this.role(name, "ebsCsiDriver");
    new aws.iam.RolePolicyAttachment(
      `${name}-${RESOURCE_KEYS.ebsCsiDriver}`,
      { role: ebsCsiDriver.name, policyArn: ebsCsiDriverPolicyArn(partition) },
      { parent: this },
    );

    let logging: aws.iam.Role | undefined;
    if (config.cloudWatchLogs) {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-${RESOURCE_KEYS.logging}`,
        { name: config.cloudWatchLogs.logGroupName, retentionInDays: config.cloudWatchLogs.retentionInDays },
        { parent: this, protect: config.protect },
      );
      logging = this.role(name, "logging");
      this.inlinePolicy(
        name,
        "logging",
        logging,
        cloudWatchLogsPolicy(partition, config.region, config.accountId, config.cloudWatchLogs.logGroupName),
      );
      this.logGroupName = logGroup.name;
    }

    this.roleArns = {
      externalDns: externalDns.arn,
      ebsCsiDriver: ebsCsiDriver.arn,
      ...(logging ? { logging: logging.arn } : {}),
    };
    this.registerOutputs({ roleArns: this.roleArns });
  }

  private role(name: string, key: IdentityKey): aws.iam.Role {
    const binding = workloadIdentities[key];
    const resourceName = `${name}-${RESOURCE_KEYS[key]}`;
    const role = new aws.iam.Role(
      resourceName,
      {
        description: `${key} add-on: ${binding.namespace}/${binding.serviceAccount} in ${this.args.config.clusterName}`,
        assumeRolePolicy: this.trustPolicy(binding),
      },
      // An identity: replaced, it gets a new ID that every trust and grant naming the old one lacks.
      { parent: this, protect: this.args.config.protect },
    );
    if (this.args.config.workloadIdentity === "podIdentity") {
      this.associations[key] = new aws.eks.PodIdentityAssociation(
        resourceName,
        {
          clusterName: this.args.config.clusterName,
          namespace: binding.namespace,
          serviceAccount: binding.serviceAccount,
          roleArn: role.arn,
        },
        // DeleteCluster removes the cluster's associations: a destroy skips deleting them one by one.
        { parent: this, dependsOn: [this.args.cluster], deletedWith: this.args.cluster },
      );
    }
    return role;
  }

  private trustPolicy(binding: ServiceAccountBinding): pulumi.Input<string> {
    if (this.args.config.workloadIdentity === "podIdentity") {
      return JSON.stringify(podIdentityTrustPolicy(this.args.config.clusterName, binding));
    }
    return pulumi
      .all([this.args.oidcProviderArn, this.args.oidcIssuer])
      .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, binding)));
  }

  private inlinePolicy(name: string, key: IdentityKey, role: aws.iam.Role, policy: PolicyDocument): void {
    new aws.iam.RolePolicy(
      `${name}-${RESOURCE_KEYS[key]}`,
      { role: role.id, policy: JSON.stringify(policy) },
      { parent: this },
    );
  }
}
