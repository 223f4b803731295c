import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StackIdentity } from "../stack";
import { exportOutputs, StackOutputs } from "../layer-outputs";
import { EksAddons, planAddons } from "./addons";
import { Cluster } from "./cluster";
import { loadInfraConfig } from "./config";
import { SecretsEncryption } from "./encryption";
import { WorkloadIdentities } from "./identities";
import { Network } from "./network";
import { NodeGroups } from "./node-groups";
import { planNodePools } from "./node-pools";
import { infraOutputs } from "./outputs";

/**
 * The infra layer: the AWS side of one environment. Order of creation, made explicit where no
 * input carries it: cluster -> bootstrap addons (CNI, kube-proxy, Pod Identity agent) -> node
 * groups -> addons that need nodes (CoreDNS, EBS CSI driver, after its role is bound).
 */
export function infraProgram(stack: StackIdentity): StackOutputs<typeof infraOutputs.schema.shape> {
  const config = loadInfraConfig(stack);
  const provider = new aws.Provider(`aws-${stack.env}`, {
    region: config.region,
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: { "gitops-platform/environment": stack.env, "gitops-platform/stack": stack.name } },
  });
  const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };

  const network = new Network("network", { clusterName: config.clusterName, network: config.network }, opts);
  const encryption = new SecretsEncryption(
    "secrets-encryption",
    { clusterName: config.clusterName, protect: config.protect },
    opts,
  );
  const cluster = new Cluster(
    "cluster",
    {
      config,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      publicSubnetIds: network.publicSubnetIds,
      encryptionKeyArn: encryption.keyArn,
    },
    opts,
  );
  const identities = new WorkloadIdentities(
    "identities",
    {
      config,
      cluster: cluster.eksCluster,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuer: cluster.oidcIssuer,
    },
    opts,
  );

  const addons = planAddons(config.addons);
  const bootstrapAddons = new EksAddons(
    "bootstrap-addons",
    {
      clusterName: config.clusterName,
      cluster: cluster.eksCluster,
      addons: addons.filter((a) => a.phase === "beforeNodes"),
    },
    { ...opts, dependsOn: [cluster.eksCluster] },
  );
  const nodeGroups = new NodeGroups(
    "node-groups",
    {
      cluster: cluster.eksCluster,
      clusterName: config.clusterName,
      region: config.region,
      pools: planNodePools(config),
      privateSubnetIds: network.privateSubnetIds,
      protect: config.protect,
    },
    { ...opts, dependsOn: [bootstrapAddons] },
  );
  new EksAddons(
    "addons",
    {
      clusterName: config.clusterName,
      cluster: cluster.eksCluster,
      addons: addons.filter((a) => a.phase === "afterNodes"),
      serviceAccountRoleArns:
        config.workloadIdentity === "irsa" ? { "aws-ebs-csi-driver": identities.roleArns.ebsCsiDriver } : {},
    },
    // The EBS CSI controller must find its Pod Identity association when its pods first start.
    { ...opts, dependsOn: [nodeGroups, ...compact([identities.associations.ebsCsiDriver])] },
  );

  return exportOutputs(infraOutputs, {
    region: config.region,
    accountId: config.accountId,
    clusterName: config.clusterName,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfigJson,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    roleArns: pulumi.output(identities.roleArns),
    logGroupName: identities.logGroupName,
  });
}

function compact<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((i): i is T => i !== undefined);
}
