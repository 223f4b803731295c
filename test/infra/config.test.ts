import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../automation/synth/synth";
import { InputError } from "../../config";
import { checkTierRules, parseInfraConfig } from "../../infra/config";
import { infraSection, InfraSection } from "./support";

const FILE = "Pulumi.staging.yaml";
const KEY = "gitops-platform:infra";

function errorOf(edit: (infra: InfraSection) => void): string {
  const infra = infraSection("staging");
  edit(infra);
  try {
    parseInfraConfig(infra, FILE);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected the infra config to be refused");
}

describe("infra config", () => {
  it("reads the shipped files with their defaults filled in", () => {
    const staging = parseInfraConfig(infraSection("staging"), FILE);
    assert.equal(staging.workloadIdentity, "podIdentity");
    assert.deepEqual(staging.nodePools.workloads.taints, []);
    const production = parseInfraConfig(infraSection("production"), "Pulumi.production.yaml");
    assert.equal(production.protect, true);
    assert.equal(production.publicEndpoint, undefined);
  });

  const refused: [string, (infra: InfraSection) => void, string][] = [
    [
      "a Kubernetes version YAML read as a number",
      (i) => Object.assign(i, { kubernetesVersion: 1.3 }),
      `${FILE}: ${KEY}.kubernetesVersion: received 1.3; expected a string`,
    ],
    [
      "an addon without a pinned version",
      (i) => delete (i.addons as Partial<InfraSection["addons"]>).coredns,
      `${FILE}: ${KEY}.addons.coredns: received nothing (the key is missing); expected a string`,
    ],
    [
      "an addon version that is not an EKS build",
      (i) => (i.addons["vpc-cni"] = "latest"),
      `${FILE}: ${KEY}.addons.vpc-cni: received "latest"; expected a string matching /^v\\d+\\.\\d+\\.\\d+-eksbuild\\.\\d+$/`,
    ],
    [
      "an unknown key inside a node pool",
      (i) => Object.assign(i.nodePools.system, { spotPrice: "0.1" }),
      `${FILE}: ${KEY}.nodePools.system.spotPrice: unknown key; expected one of the known keys: amiType, capacityType, desiredSize, diskSizeGiB, instanceTypes, labels, maxSize, minSize, taints`,
    ],
    [
      "a desired size outside min..max",
      (i) => (i.nodePools.system.desiredSize = 9),
      `${FILE}: ${KEY}.nodePools.system.desiredSize: received 9; expected minSize (2) <= desiredSize <= maxSize (3) in node pool "system"`,
    ],
    [
      "a SPOT pool with a single instance type",
      (i) => (i.nodePools.workloads.instanceTypes = ["m6i.large"]),
      `${FILE}: ${KEY}.nodePools.workloads.instanceTypes: received ["m6i.large"]; expected at least 2 instance types for a SPOT pool in node pool "workloads"`,
    ],
    [
      "a pool name Kubernetes labels and AWS names cannot carry",
      (i) => (i.nodePools = { System_Pool: i.nodePools.system }),
      `${FILE}: ${KEY}.nodePools.System_Pool: received {"capacityType":"ON_DEMAND","instanceTypes":["m6i.large"],"amiType":"AL2023_x86_64_STANDARD","minSize":2,"maxSize":3,"desiredSize":2,"diskSizeGiB":50,"labels":{"gitops-platform/pool":"system"},"taints… (270 characters); expected a pool name of at most 30 lowercase letters, digits and "-", starting with a letter (got "System_Pool")`,
    ],
    [
      "both a new and an existing VPC",
      (i) =>
        (i.network.existingVpc = {
          vpcId: "vpc-0123456789abcdef0",
          privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
          publicSubnetIds: [],
        }),
      `${FILE}: ${KEY}.network: received {"newVpc":{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b","eu-west-1c"],"natGateways":"single"},"existingVpc":{"vpcId":"vpc-0123456789abcdef0","privateSubnetIds":["subnet-0123456… (262 characters); expected exactly one of newVpc or existingVpc`,
    ],
    [
      "a single availability zone",
      (i) => (i.network.newVpc!.availabilityZones = ["eu-west-1a"]),
      `${FILE}: ${KEY}.network.newVpc.availabilityZones: received ["eu-west-1a"]; expected at least 2 item(s)`,
    ],
    [
      "an availability zone of another region",
      (i) => (i.network.newVpc!.availabilityZones = ["eu-west-1a", "us-east-1b"]),
      `${FILE}: ${KEY}.network.newVpc.availabilityZones[1]: received "us-east-1b"; expected an availability zone of eu-west-1, e.g. eu-west-1a`,
    ],
    [
      "a VPC too small for the subnet plan",
      (i) => (i.network.newVpc!.cidr = "10.0.0.0/24"),
      `${FILE}: ${KEY}.network.newVpc.cidr: received "10.0.0.0/24"; expected a VPC CIDR from /16 to /20`,
    ],
    [
      "an allowlist entry that is not a CIDR",
      (i) => (i.publicEndpoint = { allowedCidrs: ["my-office"] }),
      `${FILE}: ${KEY}.publicEndpoint.allowedCidrs[0]: received "my-office"; expected an IPv4 CIDR with its host bits zero, e.g. 203.0.113.0/24`,
    ],
    [
      "an empty allowlist",
      (i) => (i.publicEndpoint = { allowedCidrs: [] }),
      `${FILE}: ${KEY}.publicEndpoint.allowedCidrs: received []; expected at least 1 item(s)`,
    ],
    [
      "no admin role",
      (i) => (i.adminRoleArns = []),
      `${FILE}: ${KEY}.adminRoleArns: received []; expected at least 1 item(s)`,
    ],
    [
      "a retention CloudWatch does not offer",
      (i) => (i.controlPlaneLogs.retentionInDays = 45),
      `${FILE}: ${KEY}.controlPlaneLogs.retentionInDays: received 45; expected one of CloudWatch's retention periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653`,
    ],
    [
      "a hosted zone that is not a Route53 zone ID",
      (i) => (i.externalDns.hostedZoneIds = ["example.com"]),
      `${FILE}: ${KEY}.externalDns.hostedZoneIds[0]: received "example.com"; expected a string matching /^Z[A-Z0-9]{1,32}$/`,
    ],
  ];
  for (const [what, edit, message] of refused) {
    it(`fails with one clear error for ${what}`, () => {
      assert.equal(errorOf(edit), message);
    });
  }

  it("accepts an existing VPC instead of a new one", () => {
    const infra = infraSection("staging");
    infra.network = {
      existingVpc: {
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        publicSubnetIds: ["subnet-0123456789abcdef2"],
      },
    };
    assert.equal(parseInfraConfig(infra, FILE).network.existingVpc?.vpcId, "vpc-0123456789abcdef0");
  });

  it("holds the production tier to no public endpoint and protect on, and the other tiers to neither", () => {
    const staging = parseInfraConfig(infraSection("staging"), FILE);
    for (const tier of ["staging", "development"] as const) {
      assert.doesNotThrow(() => checkTierRules({ ...staging, protect: false }, tier, FILE));
    }
    assert.throws(() => checkTierRules({ ...staging, protect: true }, "production", "Pulumi.live.yaml"), {
      name: "InputError",
      message:
        'Pulumi.live.yaml: gitops-platform:infra.publicEndpoint: received {"allowedCidrs":["203.0.113.0/24"]}; ' +
        "expected no public endpoint in a production-tier environment (remove publicEndpoint: the API is reachable only from inside the VPC)",
    });
    assert.throws(
      () => checkTierRules({ ...staging, publicEndpoint: undefined, protect: false }, "production", "Pulumi.live.yaml"),
      {
        name: "InputError",
        message:
          "Pulumi.live.yaml: gitops-platform:infra.protect: received false; expected true in a production-tier environment",
      },
    );
  });

  for (const env of ["staging", "production"] as const) {
    it(`documents exactly the shipped ${env} section in docs/config.md`, () => {
      const page = fs.readFileSync(path.join(REPO_ROOT, "docs", "config.md"), "utf8");
      const heading = `${env[0].toUpperCase()}${env.slice(1)} (\`Pulumi.${env}.yaml\`)`;
      const example = new RegExp(`^${heading.replace(/[().]/g, "\\$&")}[^]*?\`\`\`yaml\n([^]*?)\`\`\``, "m").exec(page);
      assert.ok(example, `docs/config.md has no example after "${heading}"`);
      assert.deepEqual((parse(example[1]) as Record<string, unknown>)[KEY], infraSection(env));
    });
  }
});
