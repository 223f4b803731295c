import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { infraOutputs } from "../infra/outputs";
import { StackOutputReader } from "../layer-outputs";

type InfraShape = typeof infraOutputs.schema.shape;

/**
 * What the platform needs to know about the cluster infra built, as plain values: the injected
 * layer of the release values, the GitOps Bridge annotations and the CloudWatch output are pure
 * functions of it. The kubeconfig is left out on purpose: it is a secret, and only the provider needs it.
 */
export type InfraFacts = Pick<
  z.output<typeof infraOutputs.schema>,
  "region" | "accountId" | "clusterName" | "vpcId" | "roleArns" | "logGroupName"
>;

/** Collects the facts from the infra stack's outputs into one Output of plain data. */
export function infraFacts(infra: StackOutputReader<InfraShape>): pulumi.Output<InfraFacts> {
  return pulumi
    .all([infra.region, infra.accountId, infra.clusterName, infra.vpcId, infra.roleArns, infra.logGroupName])
    .apply(([region, accountId, clusterName, vpcId, roleArns, logGroupName]) => ({
      region,
      accountId,
      clusterName,
      vpcId,
      roleArns,
      logGroupName,
    }));
}
