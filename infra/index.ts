import * as aws from "@pulumi/aws";
import { exportOutputs, StackIdentity, StackOutputs } from "../stack";
import { loadInfraConfig } from "./config";
import { infraOutputs } from "./outputs";

/** The infra layer: the AWS side of one environment. */
export function infraProgram(stack: StackIdentity): StackOutputs<typeof infraOutputs.schema.shape> {
  const config = loadInfraConfig(stack);
  new aws.Provider(`aws-${stack.env}`, {
    region: config.region,
    allowedAccountIds: [config.accountId],
    defaultTags: { tags: { "gitops-platform/environment": stack.env, "gitops-platform/stack": stack.name } },
  });
  // Skeleton until the infra layer (issue 3) lands: no cluster yet, so its outputs are empty.
  return exportOutputs(infraOutputs, {
    region: config.region,
    accountId: config.accountId,
    clusterName: "",
    clusterEndpoint: "",
    kubeconfig: "",
    oidcProviderArn: "",
    oidcIssuerUrl: "",
    vpcId: "",
    privateSubnetIds: [],
    roleArns: { externalDns: "", ebsCsiDriver: "" },
    logGroupName: "",
  });
}
