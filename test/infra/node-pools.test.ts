import * as assert from "node:assert/strict";
import { NodePoolConfig } from "../../infra/config";
import { IMDS_HOP_LIMIT, planLaunchTemplate, planNodeGroup, planNodePools } from "../../infra/node-pools";

const system: NodePoolConfig = {
  capacityType: "ON_DEMAND",
  instanceTypes: ["m6i.large"],
  amiType: "AL2023_x86_64_STANDARD",
  minSize: 2,
  maxSize: 3,
  desiredSize: 2,
  diskSizeGiB: 50,
  labels: { "gitops-platform/pool": "system" },
  taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }],
};

const spot: NodePoolConfig = {
  ...system,
  capacityType: "SPOT",
  instanceTypes: ["m6i.large", "m6a.large"],
  amiType: "AL2023_ARM_64_STANDARD",
  minSize: 0,
  maxSize: 10,
  desiredSize: 1,
  diskSizeGiB: 100,
  labels: {},
  taints: [
    { key: "spot", effect: "PreferNoSchedule" },
    { key: "batch", value: "only", effect: "NoExecute" },
  ],
};

describe("node pool plan", () => {
  it("turns a pool into a managed node group with EKS-API taint effects", () => {
    assert.deepEqual(planNodeGroup(system, "1.33"), {
      capacityType: "ON_DEMAND",
      instanceTypes: ["m6i.large"],
      amiType: "AL2023_x86_64_STANDARD",
      version: "1.33",
      scalingConfig: { minSize: 2, maxSize: 3, desiredSize: 2 },
      labels: { "gitops-platform/pool": "system" },
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    });
  });

  const effects: [NodePoolConfig, unknown][] = [
    [system, [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]],
    [
      spot,
      [
        { key: "spot", effect: "PREFER_NO_SCHEDULE" },
        { key: "batch", value: "only", effect: "NO_EXECUTE" },
      ],
    ],
  ];
  for (const [pool, taints] of effects) {
    it(`maps the taints of a ${pool.capacityType} pool, leaving out values that are not set`, () => {
      assert.deepEqual(planNodeGroup(pool, "1.33").taints, taints);
    });
  }

  it("requires IMDSv2 with a hop limit of 1 and an encrypted gp3 root volume of the pool's size", () => {
    assert.equal(IMDS_HOP_LIMIT, 1);
    assert.deepEqual(planLaunchTemplate(spot), {
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        },
      ],
    });
  });

  it("plans pools in name order, whatever the order of the config map", () => {
    const plans = planNodePools({ kubernetesVersion: "1.32", nodePools: { workloads: spot, system } });
    assert.deepEqual(
      plans.map((p) => [p.name, p.nodeGroup.capacityType, p.nodeGroup.version]),
      [
        ["system", "ON_DEMAND", "1.32"],
        ["workloads", "SPOT", "1.32"],
      ],
    );
  });
});
