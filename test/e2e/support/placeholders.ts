import { z } from "zod";
import { infraOutputs } from "../../../infra/outputs";

type InfraOutputs = z.output<typeof infraOutputs.schema>;

/**
 * The one place where the e2e tier stands in for what only the cloud knows. Offline, synth marks
 * these values `[unknown]` or `[stack-ref …]`; a real apiserver needs values of the right type and
 * format instead. They are realistic (an ARN is an ARN, a region is a region) but made up, and
 * nothing here is ever a real account's.
 *
 * - infra outputs (what EKS, IAM and CloudWatch would report): below, per environment;
 * - platform outputs: not placeholders; the gitops stack reads the platform stack's real synth;
 * - `secure:` config values: synth's `[secret]` marker, which is a valid string wherever a secret
 *   string goes (the engine records the value under the secret instead of the marker).
 */

export const PLACEHOLDER_ACCOUNT_ID = "123456789012";

export function infraPlaceholders(env: string, region: string): InfraOutputs {
  const cluster = `${env}-eks`;
  const role = (name: string) => `arn:aws:iam::${PLACEHOLDER_ACCOUNT_ID}:role/${cluster}-${name}`;
  const issuer = `https://oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
  return {
    region,
    accountId: PLACEHOLDER_ACCOUNT_ID,
    clusterName: cluster,
    clusterEndpoint: `https://0123456789ABCDEF0123456789ABCDEF.gr7.${region}.eks.amazonaws.com`,
    kubeconfig: JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [], users: [], contexts: [] }),
    oidcProviderArn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT_ID}:oidc-provider/${issuer.replace("https://", "")}`,
    oidcIssuerUrl: issuer,
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
    roleArns: { externalDns: role("external-dns"), ebsCsiDriver: role("ebs-csi-driver"), logging: role("logging") },
    logGroupName: `/aws/eks/${cluster}/workloads`,
  };
}
