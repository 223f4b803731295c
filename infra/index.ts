import * as aws from "@pulumi/aws";
import { exportOutputs, StackIdentity, StackOutputs } from "../stack";
import { loadInfraConfig } from "./config";
import { infraOutputs } from "./outputs";

/** Stands in for the outputs the infra layer (issue 3) computes; replaced by its program at merge. */
const PENDING = "pending: infra layer (issue 3)";

/** The infra layer: the AWS side of one environment. */
export function infraProgram(stack: StackIdentity): StackOutputs<typeof infraOutputs.schema.shape> {
  const config = loadInfraConfig(stack);
  new aws.Provider(`aws-${stack.env}`, {
    region: config.region,
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: { "gitops-platform/environment": stack.env, "gitops-platform/stack": stack.name } },
  });
  return exportOutputs(infraOutputs, {
    region: config.region,
    accountId: config.accountId,
    clusterName: PENDING,
    clusterEndpoint: PENDING,
    kubeconfig: PENDING,
    oidcProviderArn: PENDING,
    oidcIssuerUrl: PENDING,
    vpcId: PENDING,
    privateSubnetIds: [],
    roleArns: { externalDns: PENDING, ebsCsiDriver: PENDING },
    logGroupName: PENDING,
  });
}
