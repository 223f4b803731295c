import * as assert from "node:assert/strict";
import { SynthStack } from "../../automation/synth/synth";
import { Environment } from "../../stack";
import { idsOf, ofType, playCloud, resource, synthInfra } from "./support";

const NAT = (az: string) => [`aws:ec2/eip:Eip::network-nat-${az}`, `aws:ec2/natGateway:NatGateway::network-nat-${az}`];
const ZONE = (tier: "public" | "private", az: string) =>
  tier === "public"
    ? [
        `aws:ec2/subnet:Subnet::network-public-${az}`,
        `aws:ec2/routeTableAssociation:RouteTableAssociation::network-public-${az}`,
      ]
    : [
        `aws:ec2/routeTable:RouteTable::network-private-${az}`,
        `aws:ec2/subnet:Subnet::network-private-${az}`,
        `aws:ec2/routeTableAssociation:RouteTableAssociation::network-private-${az}`,
      ];
const AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const CLUSTER = "eks:index:Cluster::cluster-eks";

function expectedResources(env: "staging" | "production"): string[] {
  const natAzs = env === "production" ? AZS : ["eu-west-1a"];
  return [
    `pulumi:providers:aws::aws-${env}`,
    "gitops-platform:infra:Network::network",
    "aws:ec2/vpc:Vpc::network-vpc",
    "aws:ec2/internetGateway:InternetGateway::network-igw",
    "aws:ec2/routeTable:RouteTable::network-public",
    ...AZS.flatMap((az) => ZONE("public", az)),
    ...natAzs.flatMap(NAT),
    ...AZS.flatMap((az) => ZONE("private", az)),
    "gitops-platform:infra:SecretsEncryption::secrets-encryption",
    "aws:kms/key:Key::secrets-encryption-key",
    "aws:kms/alias:Alias::secrets-encryption-alias",
    "gitops-platform:infra:Cluster::cluster",
    "aws:cloudwatch/logGroup:LogGroup::cluster-control-plane-logs",
    "eks:index:Cluster::cluster-eks",
    "aws:eks/accessEntry:AccessEntry::cluster-admin-platform-admin",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation::cluster-admin-platform-admin",
    "gitops-platform:infra:WorkloadIdentities::identities",
    "aws:iam/role:Role::identities-external-dns",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation::identities-external-dns",
    "aws:iam/rolePolicy:RolePolicy::identities-external-dns",
    "aws:iam/role:Role::identities-ebs-csi-driver",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation::identities-ebs-csi-driver",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::identities-ebs-csi-driver",
    "aws:cloudwatch/logGroup:LogGroup::identities-logging",
    "aws:iam/role:Role::identities-logging",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation::identities-logging",
    "aws:iam/rolePolicy:RolePolicy::identities-logging",
    "gitops-platform:infra:EksAddons::bootstrap-addons",
    "aws:eks/addon:Addon::bootstrap-addons-vpc-cni",
    "aws:eks/addon:Addon::bootstrap-addons-kube-proxy",
    "aws:eks/addon:Addon::bootstrap-addons-eks-pod-identity-agent",
    "gitops-platform:infra:NodeGroups::node-groups",
    "aws:iam/role:Role::node-groups-node",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::node-groups-node-worker",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::node-groups-node-ecr",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::node-groups-node-cni",
    "aws:ec2/launchTemplate:LaunchTemplate::node-groups-system",
    "eks:index:ManagedNodeGroup::node-groups-system",
    "aws:ec2/launchTemplate:LaunchTemplate::node-groups-workloads",
    "eks:index:ManagedNodeGroup::node-groups-workloads",
    "gitops-platform:infra:EksAddons::addons",
    "aws:eks/addon:Addon::addons-coredns",
    "aws:eks/addon:Addon::addons-aws-ebs-csi-driver",
  ];
}

const ADDONS = {
  "bootstrap-addons-vpc-cni": ["vpc-cni", "v1.19.5-eksbuild.1"],
  "bootstrap-addons-kube-proxy": ["kube-proxy", "v1.33.0-eksbuild.2"],
  "bootstrap-addons-eks-pod-identity-agent": ["eks-pod-identity-agent", "v1.3.7-eksbuild.2"],
  "addons-coredns": ["coredns", "v1.12.1-eksbuild.2"],
  "addons-aws-ebs-csi-driver": ["aws-ebs-csi-driver", "v1.44.0-eksbuild.1"],
};

const envs = [
  {
    env: "staging" as const,
    account: "111111111111",
    endpoint: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    protect: false,
    pools: {
      system: ["ON_DEMAND", ["m6i.large"], 2, 3, 2],
      workloads: ["SPOT", ["m6i.large", "m6a.large", "m5.large"], 1, 6, 2],
    },
  },
  {
    env: "production" as const,
    account: "222222222222",
    endpoint: { endpointPrivateAccess: true, endpointPublicAccess: false },
    protect: true,
    pools: {
      system: ["ON_DEMAND", ["m6i.large"], 3, 4, 3],
      workloads: ["SPOT", ["m6i.xlarge", "m6a.xlarge", "m5.xlarge", "m7i.xlarge"], 3, 20, 6],
    },
  },
];

describe("infra stack", () => {
  // One run per environment serves every test below: they only read what it declared.
  const synthesized = new Map<Environment, SynthStack>();
  const synthOf = (env: Environment): SynthStack => synthesized.get(env)!;
  before(async () => {
    for (const env of ["staging", "production"] as const) {
      playCloud();
      synthesized.set(env, await synthInfra(env));
    }
  });

  for (const { env, account, endpoint, protect, pools } of envs) {
    describe(env, () => {
      it("declares exactly the network, key, cluster, identities, node groups and addons, with one AWS provider", () => {
        const stack = synthOf(env);
        assert.deepEqual(idsOf(stack), expectedResources(env));
        const providers = new Set(
          stack.resources
            .filter((r) => r.custom && !r.type.startsWith("pulumi:providers"))
            .map((r) => r.options.provider),
        );
        assert.deepEqual([...providers], [`pulumi:providers:aws::aws-${env}`]);
      });

      it("creates the control plane with API auth, encrypted secrets, every log type and no default node group", () => {
        const stack = synthOf(env);
        const cluster = resource(stack, "eks:index:Cluster", "cluster-eks");
        const addonOptions = {
          enabled: false,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
        };
        assert.deepEqual(cluster.inputs, {
          name: `gitops-${env}`,
          version: "1.33",
          vpcId: "[unknown]",
          privateSubnetIds: "[unknown]",
          publicSubnetIds: "[unknown]",
          ...endpoint,
          authenticationMode: "API",
          encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/secrets-encryption-key",
          enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
          createOidcProvider: true,
          skipDefaultNodeGroup: true,
          bootstrapSelfManagedAddons: false,
          useDefaultVpcCni: true,
          corednsAddonOptions: addonOptions,
          kubeProxyAddonOptions: addonOptions,
          deletionProtection: protect,
        });
        assert.equal(cluster.options.protect, protect);
        assert.deepEqual(cluster.options.dependsOn, ["aws:cloudwatch/logGroup:LogGroup::cluster-control-plane-logs"]);
      });

      it("grants each admin role cluster admin through an access entry deleted with the cluster", () => {
        const stack = synthOf(env);
        const principalArn = `arn:aws:iam::${account}:role/platform-admin`;
        const entry = resource(stack, "aws:eks/accessEntry:AccessEntry", "cluster-admin-platform-admin");
        const policy = resource(
          stack,
          "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
          "cluster-admin-platform-admin",
        );
        assert.deepEqual(entry.inputs, { clusterName: `gitops-${env}`, principalArn, type: "STANDARD" });
        assert.deepEqual(policy.inputs, {
          clusterName: `gitops-${env}`,
          principalArn,
          policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
          accessScope: { type: "cluster" },
        });
        assert.deepEqual(
          [entry, policy].map((r) => [r.options.deletedWith, r.options.dependsOn]),
          [
            [CLUSTER, [CLUSTER]],
            [CLUSTER, ["aws:eks/accessEntry:AccessEntry::cluster-admin-platform-admin"]],
          ],
        );
      });

      it("deletes every addon and Pod Identity association with the cluster, and protects identities and logs as config says", () => {
        const stack = synthOf(env);
        const inCluster = [
          ...ofType(stack, "aws:eks/addon:Addon"),
          ...ofType(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation"),
        ];
        assert.equal(inCluster.length, 8);
        assert.deepEqual(new Set(inCluster.map((r) => r.options.deletedWith)), new Set([CLUSTER]));
        const kept = [...ofType(stack, "aws:iam/role:Role"), ...ofType(stack, "aws:cloudwatch/logGroup:LogGroup")];
        assert.deepEqual(
          kept.map((r) => [r.name, r.options.protect]).sort(),
          [
            "cluster-control-plane-logs",
            "identities-external-dns",
            "identities-ebs-csi-driver",
            "identities-logging",
            "identities-logging",
            "node-groups-node",
          ]
            .sort()
            .map((name) => [name, protect]),
        );
      });

      it("encrypts with a customer-managed KMS key that rotates", () => {
        const stack = synthOf(env);
        const key = resource(stack, "aws:kms/key:Key", "secrets-encryption-key");
        assert.deepEqual(key.inputs, {
          description: `Envelope encryption of Kubernetes Secrets in EKS cluster gitops-${env}`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
        });
        assert.equal(key.options.protect, protect);
      });

      it("runs each pool as a managed node group on IMDSv2-only, encrypted nodes in private subnets", () => {
        const stack = synthOf(env);
        for (const [pool, [capacityType, instanceTypes, minSize, maxSize, desiredSize]] of Object.entries(pools)) {
          const group = resource(stack, "eks:index:ManagedNodeGroup", `node-groups-${pool}`);
          assert.deepEqual(
            [group.inputs.capacityType, group.inputs.instanceTypes, group.inputs.scalingConfig, group.inputs.version],
            [capacityType, instanceTypes, { minSize, maxSize, desiredSize }, "1.33"],
          );
          assert.equal(group.inputs.cluster, "eks:index:Cluster::cluster-eks");
          assert.equal(group.inputs.subnetIds, "[unknown]");
          const template = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", `node-groups-${pool}`);
          assert.deepEqual(template.inputs.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
          });
          assert.deepEqual(
            (template.inputs.blockDeviceMappings as { ebs: { encrypted: string } }[]).map((m) => m.ebs.encrypted),
            ["true"],
          );
        }
        const subnets = ofType(stack, "aws:ec2/subnet:Subnet");
        assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
      });

      it("installs every addon at the version pinned in config, the node-bound ones after the node groups", () => {
        const stack = synthOf(env);
        assert.deepEqual(
          Object.fromEntries(
            ofType(stack, "aws:eks/addon:Addon").map((a) => [a.name, [a.inputs.addonName, a.inputs.addonVersion]]),
          ),
          ADDONS,
        );
        assert.deepEqual(resource(stack, "gitops-platform:infra:EksAddons", "bootstrap-addons").options.dependsOn, [
          "eks:index:Cluster::cluster-eks",
        ]);
        assert.deepEqual(resource(stack, "gitops-platform:infra:NodeGroups", "node-groups").options.dependsOn, [
          "gitops-platform:infra:EksAddons::bootstrap-addons",
        ]);
        assert.deepEqual(resource(stack, "gitops-platform:infra:EksAddons", "addons").options.dependsOn, [
          "gitops-platform:infra:NodeGroups::node-groups",
          "aws:eks/podIdentityAssociation:PodIdentityAssociation::identities-ebs-csi-driver",
        ]);
      });

      it("binds each add-on role with Pod Identity to the service account the platform layer uses", () => {
        const stack = synthOf(env);
        assert.deepEqual(
          ofType(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => a.inputs),
          [
            ["external-dns", "external-dns", "external-dns"],
            ["ebs-csi-driver", "kube-system", "ebs-csi-controller-sa"],
            ["logging", "logging", "fluent-bit"],
          ].map(([role, namespace, serviceAccount]) => ({
            clusterName: `gitops-${env}`,
            namespace,
            serviceAccount,
            roleArn: `arn:aws:iam::111111111111:role/identities-${role}`,
          })),
        );
      });
    });
  }

  it("differs between staging and production in exactly the security- and cost-relevant places", () => {
    const [staging, production] = [synthOf("staging"), synthOf("production")];
    const facts = (stack: typeof staging) => ({
      publicEndpoint: resource(stack, "eks:index:Cluster", "cluster-eks").inputs.endpointPublicAccess,
      protectCluster: resource(stack, "eks:index:Cluster", "cluster-eks").options.protect,
      protectKey: resource(stack, "aws:kms/key:Key", "secrets-encryption-key").options.protect,
      natGateways: ofType(stack, "aws:ec2/natGateway:NatGateway").length,
      controlPlaneLogDays: resource(stack, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs").inputs
        .retentionInDays,
      vpcCidr: resource(stack, "aws:ec2/vpc:Vpc", "network-vpc").inputs.cidrBlock,
    });
    assert.deepEqual(facts(staging), {
      publicEndpoint: true,
      protectCluster: false,
      protectKey: false,
      natGateways: 1,
      controlPlaneLogDays: 30,
      vpcCidr: "10.20.0.0/16",
    });
    assert.deepEqual(facts(production), {
      publicEndpoint: false,
      protectCluster: true,
      protectKey: true,
      natGateways: 3,
      controlPlaneLogDays: 365,
      vpcCidr: "10.30.0.0/16",
    });
    assert.deepEqual(
      idsOf(production).filter((id) => !idsOf(staging).includes(id.replace("aws-production", "aws-staging"))),
      [...NAT("eu-west-1b"), ...NAT("eu-west-1c")],
    );
  });
});
