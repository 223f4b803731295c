import { UNKNOWN_MARKER } from "../../config";
import { awsEksCluster, declared, eksCluster, launchTemplate, patch } from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "eks:index:NodeGroup";
const VOLUME = "aws:ebs/volume:Volume";
const KEY = "aws:kms/key:Key";
const UNKNOWN = "is unknown until deployed, so this cannot be judged";

/** The eks component with its default node group (nodes in the cluster's own group), one input changed. */
function defaultGroup(inputs: Record<string, unknown>) {
  return one(EKS, { ...eksCluster, skipDefaultNodeGroup: undefined, ...inputs });
}

/** Boundaries and unknowns of the EKS, node and KMS rules: each branch and each message. */
export const eksEdgeCases: RuleCase[] = [
  cannotJudge(
    "eks-endpoint-cidrs-restricted",
    "cannot judge an endpoint unknown offline that would be open if public",
    one(EKS, patch(eksCluster, "endpointPublicAccess", UNKNOWN_MARKER)),
    `endpointPublicAccess ${UNKNOWN}; if public: publicAccessCidrs is unset: AWS opens it to 0.0.0.0/0`,
  ),
  cannotJudge(
    "eks-endpoint-cidrs-restricted",
    "says only that the CIDRs are unknown when both the endpoint and its CIDRs are",
    one(EKS, { ...eksCluster, endpointPublicAccess: UNKNOWN_MARKER, publicAccessCidrs: UNKNOWN_MARKER }),
    `publicAccessCidrs ${UNKNOWN}`,
  ),
  fails(
    "eks-endpoint-cidrs-restricted",
    "fails a public endpoint with an empty CIDR list",
    one(EKS, { ...eksCluster, endpointPublicAccess: true, publicAccessCidrs: [] }),
    "publicAccessCidrs is unset: AWS opens it to 0.0.0.0/0",
  ),
  fails(
    "eks-endpoint-cidrs-restricted",
    "fails both open CIDRs, IPv4 and IPv6, in one message",
    one(EKS, { ...eksCluster, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0", "::/0"] }),
    "publicAccessCidrs contains 0.0.0.0/0, ::/0",
  ),
  cannotJudge(
    "eks-endpoint-cidrs-restricted",
    "cannot judge a CIDR unknown offline",
    one(EKS, { ...eksCluster, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8", UNKNOWN_MARKER] }),
    `an entry of publicAccessCidrs ${UNKNOWN}`,
  ),

  fails(
    "eks-secrets-encrypted",
    "fails an empty key ARN",
    one(EKS, patch(eksCluster, "encryptionConfigKeyArn", "")),
    "encryptionConfigKeyArn is unset",
  ),
  fails(
    "eks-secrets-encrypted",
    "fails aws.eks.Cluster without a key, naming its input path",
    one(AWS_EKS, patch(awsEksCluster, "encryptionConfig.provider.keyArn", undefined)),
    "encryptionConfig.provider.keyArn is unset",
  ),
  cannotJudge(
    "eks-secrets-encrypted",
    "cannot judge what the key encrypts when that is unknown offline",
    one(AWS_EKS, patch(awsEksCluster, "encryptionConfig.resources", UNKNOWN_MARKER)),
    `encryptionConfig.resources ${UNKNOWN}`,
  ),

  fails(
    "eks-control-plane-logs",
    "fails the eks component without log types, naming every one",
    one(EKS, patch(eksCluster, "enabledClusterLogTypes", undefined)),
    "enabledClusterLogTypes lacks api, audit, authenticator, controllerManager, scheduler",
  ),
  cannotJudge(
    "eks-control-plane-logs",
    "cannot judge log types unknown offline",
    one(EKS, patch(eksCluster, "enabledClusterLogTypes", UNKNOWN_MARKER)),
    `enabledClusterLogTypes ${UNKNOWN}`,
  ),
  cannotJudge(
    "eks-auth-mode-api",
    "cannot judge an authentication mode unknown offline",
    one(EKS, patch(eksCluster, "authenticationMode", UNKNOWN_MARKER)),
    `authenticationMode ${UNKNOWN}`,
  ),

  passes(
    "eks-versions-pinned",
    "passes a two-digit minor and major Kubernetes version, and pinned built-in addons",
    one(EKS, {
      ...eksCluster,
      version: "10.12",
      corednsAddonOptions: { version: "v1.11.4-eksbuild.2" },
      kubeProxyAddonOptions: { version: "v1.33.0-eksbuild.2" },
    }),
  ),
  passes(
    "eks-versions-pinned",
    "does not ask for a VPC CNI version when the cluster keeps the default CNI",
    one(EKS, { ...eksCluster, useDefaultVpcCni: true, vpcCniOptions: undefined }),
  ),
  fails(
    "eks-versions-pinned",
    "fails a patch-level, a v-prefixed and a numeric Kubernetes version",
    {
      resources: [
        declared(EKS, "patch-level", { ...eksCluster, version: "1.33.1" }),
        declared(EKS, "prefixed", { ...eksCluster, version: "v1.33" }),
        declared(EKS, "number", { ...eksCluster, version: 1.33 }),
      ],
    },
    'version is "1.33.1"',
    'version is "v1.33"',
    "version is 1.33",
  ),
  fails(
    "eks-versions-pinned",
    "fails an unpinned kube-proxy addon and a floating VPC CNI version",
    one(EKS, { ...eksCluster, kubeProxyAddonOptions: {}, vpcCniOptions: { addonVersion: "latest" } }),
    "kubeProxyAddonOptions.version is unset: AWS picks the default",
    'vpcCniOptions.addonVersion is "latest"',
  ),
  cannotJudge(
    "eks-versions-pinned",
    "cannot judge an addon version unknown offline",
    one("eks:index:Addon", { addonName: "coredns", addonVersion: UNKNOWN_MARKER }),
    `addonVersion ${UNKNOWN}`,
  ),

  passes(
    "ec2-imdsv2-required",
    "passes a template that switches instance metadata off",
    one(LT, { ...launchTemplate, metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional" } }),
  ),
  fails(
    "ec2-imdsv2-required",
    "fails tokens left at their optional default",
    one(LT, patch(launchTemplate, "metadataOptions.httpTokens", undefined)),
    "metadataOptions.httpTokens is unset (optional)",
  ),
  cannotJudge(
    "ec2-imdsv2-required",
    "cannot judge tokens unknown offline",
    one(LT, patch(launchTemplate, "metadataOptions.httpTokens", UNKNOWN_MARKER)),
    `metadataOptions.httpTokens ${UNKNOWN}`,
  ),
  passes(
    "ec2-imds-hop-limit",
    "passes any hop limit when instance metadata is off",
    one(LT, { ...launchTemplate, metadataOptions: { httpEndpoint: "disabled", httpPutResponseHopLimit: 2 } }),
  ),
  cannotJudge(
    "ec2-imds-hop-limit",
    "cannot judge a hop limit unknown offline",
    one(LT, patch(launchTemplate, "metadataOptions.httpPutResponseHopLimit", UNKNOWN_MARKER)),
    `metadataOptions.httpPutResponseHopLimit ${UNKNOWN}`,
  ),

  passes("ec2-no-public-ip", "passes a cluster whose nodes are Fargate or Auto Mode, which has no default node group", {
    resources: [
      declared(EKS, "fargate", { ...eksCluster, skipDefaultNodeGroup: undefined, fargate: true }),
      declared(EKS, "auto", { ...eksCluster, skipDefaultNodeGroup: undefined, autoMode: { enabled: true } }),
    ],
  }),
  fails(
    "ec2-no-public-ip",
    "fails a default node group when fargate is explicitly off",
    defaultGroup({ fargate: false, autoMode: { enabled: false } }),
    "the default node group: nodeAssociatePublicIpAddress is unset",
  ),
  passes(
    "ec2-no-public-ip",
    "passes a self-managed node group that declines public IPs",
    one(NODE_GROUP, { nodeAssociatePublicIpAddress: false }),
  ),
  fails(
    "ec2-no-public-ip",
    "fails self-managed node groups (v1 and v2) with public IPs, without the default-group label",
    {
      resources: [
        declared(NODE_GROUP, "v1", { nodeAssociatePublicIpAddress: true }),
        declared("eks:index:NodeGroupV2", "v2", { nodeAssociatePublicIpAddress: "true" }),
      ],
    },
    "nodeAssociatePublicIpAddress is true",
    'nodeAssociatePublicIpAddress is "true"',
  ),
  cannotJudge(
    "ec2-no-public-ip",
    "cannot judge a node group's public IP flag unknown offline",
    one(NODE_GROUP, { nodeAssociatePublicIpAddress: UNKNOWN_MARKER }),
    `nodeAssociatePublicIpAddress ${UNKNOWN}`,
  ),
  cannotJudge(
    "ec2-no-public-ip",
    "cannot judge network interfaces unknown offline, as a list or one flag",
    {
      resources: [
        declared(LT, "all", { ...launchTemplate, networkInterfaces: UNKNOWN_MARKER }),
        declared(LT, "one", patch(launchTemplate, "networkInterfaces.0.associatePublicIpAddress", UNKNOWN_MARKER)),
      ],
    },
    `networkInterfaces ${UNKNOWN}`,
    `networkInterfaces[0].associatePublicIpAddress ${UNKNOWN}`,
  ),

  passes("ec2-volumes-encrypted", "passes a cluster without a default node group", one(EKS, eksCluster)),
  fails(
    "ec2-volumes-encrypted",
    "fails an unencrypted EBS volume and a default node group with an unencrypted root volume",
    {
      resources: [
        declared(VOLUME, "data", { encrypted: false }),
        declared(EKS, "cluster", { ...eksCluster, skipDefaultNodeGroup: undefined }),
      ],
    },
    "encrypted is false",
    "the default node group: nodeRootVolumeEncrypted is unset",
  ),
  fails(
    "ec2-volumes-encrypted",
    "fails a template whose mappings have no ebs block, or a null one: the root volume is left to the AMI",
    {
      resources: [
        declared(LT, "ephemeral", { ...launchTemplate, blockDeviceMappings: [{ deviceName: "/dev/sdb" }] }),
        declared(LT, "null", { ...launchTemplate, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: null }] }),
      ],
    },
    "blockDeviceMappings declares no EBS volume: the root volume's encryption is left to the AMI",
    "blockDeviceMappings declares no EBS volume: the root volume's encryption is left to the AMI",
  ),
  fails(
    "ec2-volumes-encrypted",
    "fails an unencrypted mapping after one without ebs, naming its index",
    one(LT, {
      ...launchTemplate,
      blockDeviceMappings: [{ deviceName: "/dev/sdb" }, { deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
    }),
    'blockDeviceMappings[1].ebs.encrypted is "false"',
  ),
  cannotJudge(
    "ec2-volumes-encrypted",
    "cannot judge mappings or a volume flag unknown offline",
    {
      resources: [
        declared(LT, "template", { ...launchTemplate, blockDeviceMappings: UNKNOWN_MARKER }),
        declared(VOLUME, "data", { encrypted: UNKNOWN_MARKER }),
      ],
    },
    `blockDeviceMappings ${UNKNOWN}`,
    `encrypted ${UNKNOWN}`,
  ),

  fails(
    "kms-key-rotation",
    "fails a symmetric key named as such without rotation",
    one(KEY, { customerMasterKeySpec: "SYMMETRIC_DEFAULT", enableKeyRotation: false }),
    "enableKeyRotation is false",
  ),
  cannotJudge(
    "kms-key-rotation",
    "cannot judge rotation unknown offline",
    one(KEY, { enableKeyRotation: UNKNOWN_MARKER }),
    `enableKeyRotation ${UNKNOWN}`,
  ),
];
