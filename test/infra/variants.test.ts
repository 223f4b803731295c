import * as assert from "node:assert/strict";
import { testEngine } from "../support/engine";
import { assertRunError, idsOf, ofType, OIDC_ISSUER, playCloud, resource, synthInfra, withInfra } from "./support";

const EXISTING_VPC = {
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  publicSubnetIds: ["subnet-0123456789abcdef2"],
};

describe("infra stack variants", () => {
  it("exports every output of the contract, the kubeconfig as a secret, from the cluster's outputs", async () => {
    playCloud();
    const stack = await synthInfra("staging");
    assert.deepEqual(stack.outputs, {
      region: "eu-west-1",
      accountId: "111111111111",
      clusterName: "gitops-staging",
      clusterEndpoint: "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com",
      kubeconfig: "[secret]",
      oidcProviderArn: `arn:aws:iam::111111111111:oidc-provider/${OIDC_ISSUER}`,
      oidcIssuerUrl: `https://${OIDC_ISSUER}`,
      vpcId: "[unknown]",
      privateSubnetIds: "[unknown]",
      roleArns: {
        externalDns: "arn:aws:iam::111111111111:role/identities-external-dns",
        ebsCsiDriver: "arn:aws:iam::111111111111:role/identities-ebs-csi-driver",
        logging: "arn:aws:iam::111111111111:role/identities-logging",
      },
      logGroupName: "/gitops-platform/staging/containers",
    });
  });

  it("uses IRSA when asked: OIDC trust per service account, no Pod Identity association, the EBS CSI role on its addon", async () => {
    playCloud();
    const stack = await synthInfra(
      "staging",
      withInfra("staging", (i) => (i.workloadIdentity = "irsa")),
    );
    assert.deepEqual(ofType(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation"), []);
    const trust = JSON.parse(
      resource(stack, "aws:iam/role:Role", "identities-external-dns").inputs.assumeRolePolicy as string,
    ) as { Statement: unknown[] };
    assert.deepEqual(trust.Statement, [
      {
        Sid: "AllowIrsa",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::111111111111:oidc-provider/${OIDC_ISSUER}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:external-dns:external-dns",
            [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ]);
    assert.equal(
      resource(stack, "aws:eks/addon:Addon", "addons-aws-ebs-csi-driver").inputs.serviceAccountRoleArn,
      "arn:aws:iam::111111111111:role/identities-ebs-csi-driver",
    );
    assert.deepEqual(resource(stack, "gitops-platform:infra:EksAddons", "addons").options.dependsOn, [
      "gitops-platform:infra:NodeGroups::node-groups",
    ]);
  });

  it("builds no network on an existing VPC, and runs the cluster and nodes in its subnets", async () => {
    const stack = await synthInfra(
      "production",
      withInfra("production", (i) => (i.network = { existingVpc: EXISTING_VPC })),
    );
    assert.deepEqual(
      idsOf(stack).filter((id) => id.startsWith("aws:ec2/") && !id.startsWith("aws:ec2/launchTemplate")),
      [],
    );
    const cluster = resource(stack, "eks:index:Cluster", "cluster-eks").inputs;
    assert.deepEqual(
      [cluster.vpcId, cluster.privateSubnetIds, cluster.publicSubnetIds],
      [EXISTING_VPC.vpcId, EXISTING_VPC.privateSubnetIds, EXISTING_VPC.publicSubnetIds],
    );
    assert.deepEqual(
      resource(stack, "eks:index:ManagedNodeGroup", "node-groups-system").inputs.subnetIds,
      EXISTING_VPC.privateSubnetIds,
    );
    assert.deepEqual(
      [stack.outputs.vpcId, stack.outputs.privateSubnetIds],
      [EXISTING_VPC.vpcId, EXISTING_VPC.privateSubnetIds],
    );
  });

  it("creates no logging role or log group when logs do not ship to CloudWatch", async () => {
    playCloud();
    const stack = await synthInfra(
      "staging",
      withInfra("staging", (i) => delete i.cloudWatchLogs),
    );
    assert.deepEqual(
      idsOf(stack).filter((id) => id.includes("identities-logging")),
      [],
    );
    assert.deepEqual(stack.outputs.roleArns, {
      externalDns: "arn:aws:iam::111111111111:role/identities-external-dns",
      ebsCsiDriver: "arn:aws:iam::111111111111:role/identities-ebs-csi-driver",
    });
    assert.ok(!("logGroupName" in stack.outputs));
  });

  it("adds a pool from config as one more launch template and managed node group", async () => {
    const stack = await synthInfra(
      "staging",
      withInfra("staging", (i) => {
        i.nodePools.batch = {
          ...i.nodePools.workloads,
          minSize: 0,
          desiredSize: 0,
          taints: [{ key: "batch", effect: "NoSchedule" }],
        };
      }),
    );
    const groups = ofType(stack, "eks:index:ManagedNodeGroup");
    assert.deepEqual(
      groups.map((g) => [g.name, g.inputs.taints]),
      [
        ["node-groups-batch", [{ key: "batch", effect: "NO_SCHEDULE" }]],
        ["node-groups-system", [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]],
        ["node-groups-workloads", []],
      ],
    );
    assert.equal(ofType(stack, "aws:ec2/launchTemplate:LaunchTemplate").length, 3);
  });

  describe("refuses bad input with one clear error and declares nothing", () => {
    const K = "gitops-platform:infra";
    const refused: [string, Parameters<typeof withInfra>[0], Parameters<typeof withInfra>[1], string][] = [
      [
        "min > max in a pool, naming the pool",
        "staging",
        (i) => Object.assign(i.nodePools.workloads, { minSize: 7, maxSize: 6 }),
        `Pulumi.staging.yaml: ${K}.nodePools.workloads.minSize: received 7; expected minSize <= maxSize (6) in node pool "workloads"`,
      ],
      [
        "an empty pool list",
        "staging",
        (i) => (i.nodePools = {}),
        `Pulumi.staging.yaml: ${K}.nodePools: received {}; expected at least one node pool (a map of pool name to pool)`,
      ],
      [
        "a public endpoint open to 0.0.0.0/0",
        "staging",
        (i) => (i.publicEndpoint = { allowedCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }),
        `Pulumi.staging.yaml: ${K}.publicEndpoint.allowedCidrs[1]: received "0.0.0.0/0"; expected a CIDR narrower than /0: the public endpoint is never open to the whole internet`,
      ],
      [
        "a missing Kubernetes version",
        "production",
        (i) => delete (i as Partial<typeof i>).kubernetesVersion,
        `Pulumi.production.yaml: ${K}.kubernetesVersion: received nothing (the key is missing); expected a string`,
      ],
      [
        "an unknown key",
        "staging",
        (i) => Object.assign(i, { kubernetesDashboard: true }),
        `Pulumi.staging.yaml: ${K}.kubernetesDashboard: unknown key; expected one of the known keys: accountId, addons, adminRoleArns, cloudWatchLogs, clusterName, controlPlaneLogs, externalDns, kubernetesVersion, network, nodePools, protect, publicEndpoint, region, workloadIdentity`,
      ],
      [
        "a public endpoint in production, even with an allowlist",
        "production",
        (i) => (i.publicEndpoint = { allowedCidrs: ["203.0.113.0/24"] }),
        `Pulumi.production.yaml: ${K}.publicEndpoint: received {"allowedCidrs":["203.0.113.0/24"]}; expected no public endpoint in a production-tier environment (remove publicEndpoint: the API is reachable only from inside the VPC)`,
      ],
      [
        "production without protect",
        "production",
        (i) => (i.protect = false),
        `Pulumi.production.yaml: ${K}.protect: received false; expected true in a production-tier environment`,
      ],
    ];
    for (const [what, env, edit, message] of refused) {
      it(`fails on ${what}`, async () => {
        await assertRunError(synthInfra(env, withInfra(env, edit)), message);
        assert.deepEqual(testEngine().declared(), []);
      });
    }
  });
});
