import { UNKNOWN_MARKER } from "../../config";
import {
  awsEksCluster,
  eksCluster,
  externalDnsStatements,
  iamPolicy,
  launchTemplate,
  logShipperStatements,
  patch,
} from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const POLICY = "aws:iam/policy:Policy";

/** EKS control plane, nodes, KMS and IAM. */
export const awsCases: RuleCase[] = [
  passes("eks-endpoint-private-in-production", "passes with a private endpoint", one(EKS, eksCluster)),
  passes("eks-endpoint-private-in-production", "passes a public endpoint in staging", {
    ...one(EKS, patch(eksCluster, "endpointPublicAccess", true)),
    tier: "staging",
  }),
  fails(
    "eks-endpoint-private-in-production",
    "fails when production leaves the endpoint at its public default",
    one(EKS, patch(eksCluster, "endpointPublicAccess", undefined)),
    "endpointPublicAccess is unset (AWS default: public) in a production-tier environment",
  ),
  fails(
    "eks-endpoint-private-in-production",
    "fails on the aws.eks.Cluster shape too",
    one(AWS_EKS, patch(awsEksCluster, "vpcConfig.endpointPublicAccess", true)),
    "vpcConfig.endpointPublicAccess is true in a production-tier environment",
  ),
  cannotJudge(
    "eks-endpoint-private-in-production",
    "cannot judge an endpoint flag that is unknown offline",
    one(EKS, patch(eksCluster, "endpointPublicAccess", UNKNOWN_MARKER)),
    "endpointPublicAccess is unknown until deployed, so this cannot be judged",
  ),

  passes("eks-endpoint-cidrs-restricted", "passes a private endpoint", one(EKS, eksCluster)),
  passes(
    "eks-endpoint-cidrs-restricted",
    "passes a public endpoint limited to listed CIDRs",
    one(EKS, { ...eksCluster, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
  ),
  fails(
    "eks-endpoint-cidrs-restricted",
    "fails a public endpoint without CIDRs",
    one(EKS, { ...eksCluster, endpointPublicAccess: true }),
    "publicAccessCidrs is unset: AWS opens it to 0.0.0.0/0",
  ),
  fails(
    "eks-endpoint-cidrs-restricted",
    "fails 0.0.0.0/0 on the aws.eks.Cluster shape",
    one(AWS_EKS, patch(awsEksCluster, "vpcConfig", { subnetIds: [], publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] })),
    "vpcConfig.publicAccessCidrs contains 0.0.0.0/0",
  ),

  passes("eks-secrets-encrypted", "passes a key ARN that is unknown offline", one(EKS, eksCluster)),
  passes("eks-secrets-encrypted", "passes aws.eks.Cluster encrypting secrets", one(AWS_EKS, awsEksCluster)),
  fails(
    "eks-secrets-encrypted",
    "fails without a key",
    one(EKS, patch(eksCluster, "encryptionConfigKeyArn", undefined)),
    "encryptionConfigKeyArn is unset",
  ),
  fails(
    "eks-secrets-encrypted",
    "fails when the key does not cover secrets",
    one(AWS_EKS, patch(awsEksCluster, "encryptionConfig.resources", [])),
    'encryptionConfig.resources does not include "secrets"',
  ),

  passes("eks-control-plane-logs", "passes with every log type", one(EKS, eksCluster)),
  fails(
    "eks-control-plane-logs",
    "fails listing the missing log types",
    one(AWS_EKS, patch(awsEksCluster, "enabledClusterLogTypes", ["api", "audit"])),
    "enabledClusterLogTypes lacks authenticator, controllerManager, scheduler",
  ),

  passes("eks-auth-mode-api", "passes API mode", one(AWS_EKS, awsEksCluster)),
  fails(
    "eks-auth-mode-api",
    "fails the eks component's CONFIG_MAP default",
    one(EKS, patch(eksCluster, "authenticationMode", undefined)),
    "authenticationMode is unset (default: CONFIG_MAP)",
  ),
  fails(
    "eks-auth-mode-api",
    "fails API_AND_CONFIG_MAP",
    one(AWS_EKS, patch(awsEksCluster, "accessConfig.authenticationMode", "API_AND_CONFIG_MAP")),
    'accessConfig.authenticationMode is "API_AND_CONFIG_MAP"',
  ),

  passes("eks-versions-pinned", "passes pinned cluster and addon versions", one(EKS, eksCluster)),
  passes(
    "eks-versions-pinned",
    "passes a pinned aws.eks.Addon",
    one("aws:eks/addon:Addon", { addonName: "eks-pod-identity-agent", addonVersion: "v1.3.4-eksbuild.1" }),
  ),
  fails(
    "eks-versions-pinned",
    "fails an addon without a version",
    one("aws:eks/addon:Addon", { addonName: "coredns" }),
    "addonVersion is unset: AWS picks the default",
  ),
  fails(
    "eks-versions-pinned",
    "fails the built-in coredns addon without a version, and a loose Kubernetes version",
    one(EKS, { ...eksCluster, version: "1", corednsAddonOptions: {} }),
    'version is "1"',
    "corednsAddonOptions.version is unset: AWS picks the default",
  ),

  passes("ec2-imdsv2-required", "passes a launch template requiring tokens", one(LT, launchTemplate)),
  passes(
    "ec2-imdsv2-required",
    "passes a managed node group with a launch template",
    one("eks:index:ManagedNodeGroup", {
      cluster: UNKNOWN_MARKER,
      launchTemplate: { id: UNKNOWN_MARKER, version: UNKNOWN_MARKER },
    }),
  ),
  fails(
    "ec2-imdsv2-required",
    "fails optional tokens",
    one(LT, patch(launchTemplate, "metadataOptions.httpTokens", "optional")),
    'metadataOptions.httpTokens is "optional"',
  ),
  fails(
    "ec2-imdsv2-required",
    "fails a managed node group without a launch template",
    one("aws:eks/nodeGroup:NodeGroup", { clusterName: UNKNOWN_MARKER }),
    "launchTemplate is unset: EKS's generated template does not require IMDSv2",
  ),

  passes("ec2-imds-hop-limit", "passes a hop limit of 1", one(LT, launchTemplate)),
  fails(
    "ec2-imds-hop-limit",
    "fails a hop limit of 2",
    one(LT, patch(launchTemplate, "metadataOptions.httpPutResponseHopLimit", 2)),
    "metadataOptions.httpPutResponseHopLimit is 2",
  ),

  passes("ec2-no-public-ip", "passes interfaces without public IPs", one(LT, launchTemplate)),
  passes("ec2-no-public-ip", "passes a cluster without a default node group", one(EKS, eksCluster)),
  fails(
    "ec2-no-public-ip",
    "fails an interface with a public IP",
    one(LT, patch(launchTemplate, "networkInterfaces.0.associatePublicIpAddress", "true")),
    'networkInterfaces[0].associatePublicIpAddress is "true"',
  ),
  fails(
    "ec2-no-public-ip",
    "fails the cluster's default node group left at its default",
    one(EKS, patch(eksCluster, "skipDefaultNodeGroup", undefined)),
    "the default node group: nodeAssociatePublicIpAddress is unset",
  ),

  passes("ec2-volumes-encrypted", "passes an encrypted root volume", one(LT, launchTemplate)),
  passes("ec2-volumes-encrypted", "passes an encrypted EBS volume", one("aws:ebs/volume:Volume", { encrypted: true })),
  fails(
    "ec2-volumes-encrypted",
    "fails a template that leaves the root volume to the AMI",
    one(LT, patch(launchTemplate, "blockDeviceMappings", undefined)),
    "blockDeviceMappings declares no EBS volume: the root volume's encryption is left to the AMI",
  ),
  fails(
    "ec2-volumes-encrypted",
    "fails an unencrypted mapping",
    one(LT, patch(launchTemplate, "blockDeviceMappings.0.ebs.encrypted", "false")),
    'blockDeviceMappings[0].ebs.encrypted is "false"',
  ),

  passes("kms-key-rotation", "passes a rotating key", one("aws:kms/key:Key", { enableKeyRotation: true })),
  passes(
    "kms-key-rotation",
    "passes an asymmetric key, which cannot rotate",
    one("aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
  ),
  fails("kms-key-rotation", "fails a key without rotation", one("aws:kms/key:Key", {}), "enableKeyRotation is unset"),

  passes(
    "iam-no-wildcard-actions",
    "passes exact actions",
    one(POLICY, { policy: iamPolicy(...externalDnsStatements) }),
  ),
  passes(
    "iam-no-wildcard-actions",
    "passes a wildcard that only denies",
    one(POLICY, { policy: iamPolicy({ Effect: "Deny", Action: "*", Resource: "*" }) }),
  ),
  fails(
    "iam-no-wildcard-actions",
    "fails a service wildcard in a role's inline policy",
    one("aws:iam/role:Role", {
      assumeRolePolicy: "{}",
      inlinePolicies: [{ name: "s3", policy: iamPolicy({ Effect: "Allow", Action: ["s3:*"], Resource: "*" }) }],
    }),
    'inlinePolicies[0].policy Statement[0] allows "s3:*"',
  ),
  fails(
    "iam-no-wildcard-actions",
    "fails Allow with NotAction",
    one("aws:iam/rolePolicy:RolePolicy", {
      policy: { Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } },
    }),
    "policy Statement[0] allows everything except NotAction",
  ),
  cannotJudge(
    "iam-no-wildcard-actions",
    "cannot judge a document computed from unknown values",
    one(POLICY, { policy: UNKNOWN_MARKER }),
    "policy is unknown until deployed, so this cannot be judged",
  ),

  passes(
    "iam-route53-scoped",
    "passes changes on a named zone and lists on *",
    one(POLICY, { policy: iamPolicy(...externalDnsStatements) }),
  ),
  fails(
    "iam-route53-scoped",
    "fails record changes on *",
    one(POLICY, { policy: iamPolicy({ Effect: "Allow", Action: "route53:ChangeResourceRecordSets", Resource: "*" }) }),
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" on "*", not named hosted zones',
  ),
  fails(
    "iam-route53-scoped",
    "fails a wildcard zone ARN",
    one(POLICY, {
      policy: iamPolicy({ Effect: "Allow", Action: "route53:Change*", Resource: "arn:aws:route53:::hostedzone/*" }),
    }),
    'policy Statement[0] grants "route53:Change*" on "arn:aws:route53:::hostedzone/*", not named hosted zones',
  ),

  passes(
    "iam-logs-scoped",
    "passes writes on a named log group prefix",
    one(POLICY, { policy: iamPolicy(...logShipperStatements) }),
  ),
  fails(
    "iam-logs-scoped",
    "fails writes on every log group",
    one(POLICY, {
      policy: iamPolicy({ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "arn:aws:logs:*:*:log-group:*" }),
    }),
    'policy Statement[0] grants "logs:PutLogEvents" on "arn:aws:logs:*:*:log-group:*", not named log groups',
  ),

  passes(
    "iam-no-admin-policies",
    "passes a narrow managed policy",
    one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
      role: UNKNOWN_MARKER,
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    }),
  ),
  fails(
    "iam-no-admin-policies",
    "fails AdministratorAccess",
    one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {
      role: UNKNOWN_MARKER,
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    'policyArn attaches "arn:aws:iam::aws:policy/AdministratorAccess"',
  ),
];
