import { z } from "zod";
import { defineOutputContract } from "../layer-outputs";

/**
 * Where each add-on's workload identity is bound (EKS Pod Identity association or IRSA trust).
 * Plain data shared at build time: the infra layer binds the roles to exactly these service
 * accounts, and the platform layer installs each add-on with exactly these names.
 */
export const workloadIdentities = {
  externalDns: { namespace: "external-dns", serviceAccount: "external-dns" },
  logging: { namespace: "logging", serviceAccount: "fluent-bit" },
  ebsCsiDriver: { namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa" },
} as const;

/** What the infra stack exports and the platform (and gitops) stacks read. */
export const infraOutputs = defineOutputContract({
  layer: "infra",
  schema: z.object({
    region: z.string(),
    accountId: z.string(),
    clusterName: z.string(),
    clusterEndpoint: z.string(),
    /** Kubeconfig (JSON) that authenticates with `aws eks get-token`; exported as a secret. */
    kubeconfig: z.string(),
    oidcProviderArn: z.string(),
    oidcIssuerUrl: z.string(),
    vpcId: z.string(),
    privateSubnetIds: z.array(z.string()),
    /** IAM role ARN per add-on; `logging` only when logs ship to CloudWatch. */
    roleArns: z.object({
      externalDns: z.string(),
      ebsCsiDriver: z.string(),
      logging: z.string().optional(),
    }),
    /** CloudWatch log group the logging add-on writes to, when logs ship to CloudWatch. */
    logGroupName: z.string().optional(),
  }),
  secrets: ["kubeconfig"],
});
