import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../automation/synth/synth";
import { InputError } from "../../config";
import { checkTierRules, infraConfigSchema, parseInfraConfig, roleNameOf } from "../../infra/config";
import { documentedKeyTable, generatedKeyTable } from "../support/config";
import { infraSection, InfraSection } from "./support";

const FILE = "Pulumi.staging.yaml";
const KEY = "gitops-platform:infra";
const AT = `${FILE}: ${KEY}`;
const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
const ROLE = "arn:aws:iam::111111111111:role";

/** The message of an error listing several problems of the infra section. */
function several(...lines: string[]): string {
  return [`${FILE}: ${lines.length} invalid values under ${KEY}:`, ...lines.map((l) => `  - ${AT}${l}`)].join("\n");
}

/** The staging section with `edit` applied, parsed. */
function accepted(edit: (infra: InfraSection) => void) {
  const infra = infraSection("staging");
  edit(infra);
  return parseInfraConfig(infra, FILE);
}

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

  // Each pattern is pinned at both ends: a value valid but for a character before or after it.
  const anchored: [string, (infra: InfraSection) => void, string][] = [
    [
      "a region with a prefix",
      (i) => (i.region = "Xeu-west-1"),
      `.region: received "Xeu-west-1"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d$/`,
    ],
    [
      "a region with a suffix",
      (i) => (i.region = "eu-west-1a"),
      `.region: received "eu-west-1a"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d$/`,
    ],
    [
      "an account ID of 13 digits",
      (i) => (i.accountId = "1111111111112"),
      `.accountId: received "1111111111112"; expected a string matching /^\\d{12}$/`,
    ],
    [
      "an account ID with a prefix",
      (i) => (i.accountId = "x111111111111"),
      `.accountId: received "x111111111111"; expected a string matching /^\\d{12}$/`,
    ],
    [
      "a cluster name of 64 characters",
      (i) => (i.clusterName = `g${"x".repeat(63)}`),
      `.clusterName: received "g${"x".repeat(63)}"; expected a string matching /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/`,
    ],
    [
      "a cluster name starting with a digit",
      (i) => (i.clusterName = "1gitops"),
      `.clusterName: received "1gitops"; expected a string matching /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/`,
    ],
    [
      "a Kubernetes version with a prefix",
      (i) => (i.kubernetesVersion = "11.33"),
      `.kubernetesVersion: received "11.33"; expected a string matching /^1\\.\\d{2}$/`,
    ],
    [
      "a Kubernetes version with a suffix",
      (i) => (i.kubernetesVersion = "1.333"),
      `.kubernetesVersion: received "1.333"; expected a string matching /^1\\.\\d{2}$/`,
    ],
    [
      "a VPC ID with a prefix",
      (i) =>
        (i.network = {
          existingVpc: { vpcId: "xvpc-0123456789abcdef0", privateSubnetIds: SUBNETS, publicSubnetIds: [] },
        }),
      `.network.existingVpc.vpcId: received "xvpc-0123456789abcdef0"; expected a string matching /^vpc-[0-9a-f]{8,17}$/`,
    ],
    [
      "a VPC ID of 18 hex digits",
      (i) =>
        (i.network = {
          existingVpc: { vpcId: "vpc-0123456789abcdef01", privateSubnetIds: SUBNETS, publicSubnetIds: [] },
        }),
      `.network.existingVpc.vpcId: received "vpc-0123456789abcdef01"; expected a string matching /^vpc-[0-9a-f]{8,17}$/`,
    ],
    [
      "a subnet ID with a prefix",
      (i) =>
        (i.network = {
          existingVpc: {
            vpcId: "vpc-01234567",
            privateSubnetIds: ["xsubnet-01234567", SUBNETS[0]],
            publicSubnetIds: [],
          },
        }),
      `.network.existingVpc.privateSubnetIds[0]: received "xsubnet-01234567"; expected a string matching /^subnet-[0-9a-f]{8,17}$/`,
    ],
    [
      "a subnet ID of 18 hex digits",
      (i) =>
        (i.network = {
          existingVpc: {
            vpcId: "vpc-01234567",
            privateSubnetIds: SUBNETS,
            publicSubnetIds: ["subnet-0123456789abcdef01"],
          },
        }),
      `.network.existingVpc.publicSubnetIds[0]: received "subnet-0123456789abcdef01"; expected a string matching /^subnet-[0-9a-f]{8,17}$/`,
    ],
    [
      "an instance type with a prefix",
      (i) => (i.nodePools.system.instanceTypes = ["Xm6i.large"]),
      `.nodePools.system.instanceTypes[0]: received "Xm6i.large"; expected a string matching /^[a-z][a-z0-9-]*\\.[a-z0-9-]+$/`,
    ],
    [
      "an instance type with a suffix",
      (i) => (i.nodePools.system.instanceTypes = ["m6i.large!"]),
      `.nodePools.system.instanceTypes[0]: received "m6i.large!"; expected a string matching /^[a-z][a-z0-9-]*\\.[a-z0-9-]+$/`,
    ],
    [
      "an admin role ARN with a prefix",
      (i) => (i.adminRoleArns = [`x${ROLE}/admin`]),
      `.adminRoleArns[0]: received "x${ROLE}/admin"; expected a string matching /^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role\\/[\\w+=,.@/-]+$/`,
    ],
    [
      "an admin role ARN with a space",
      (i) => (i.adminRoleArns = [`${ROLE}/admin x`]),
      `.adminRoleArns[0]: received "${ROLE}/admin x"; expected a string matching /^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role\\/[\\w+=,.@/-]+$/`,
    ],
    [
      "a log group name with a space",
      (i) => (i.cloudWatchLogs = { logGroupName: "/gp/a b", retentionInDays: 14 }),
      `.cloudWatchLogs.logGroupName: received "/gp/a b"; expected a string matching /^[\\w\\-./#]{1,512}$/`,
    ],
  ];
  for (const [what, edit, message] of anchored) {
    it(`fails on ${what}, naming the pattern`, () => assert.equal(errorOf(edit), `${AT}${message}`));
  }

  const refusedTogether: [string, (infra: InfraSection) => void, string][] = [
    [
      "an availability zone with a prefix",
      (i) => (i.network.newVpc!.availabilityZones = ["eu-west-1a", "Xeu-west-1b"]),
      several(
        '.network.newVpc.availabilityZones[1]: received "Xeu-west-1b"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d[a-z]$/',
        '.network.newVpc.availabilityZones[1]: received "Xeu-west-1b"; expected an availability zone of eu-west-1, e.g. eu-west-1a',
      ),
    ],
    [
      "an availability zone with a suffix",
      (i) => (i.network.newVpc!.availabilityZones = ["eu-west-1a", "eu-west-1bc"]),
      several(
        '.network.newVpc.availabilityZones[1]: received "eu-west-1bc"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d[a-z]$/',
        '.network.newVpc.availabilityZones[1]: received "eu-west-1bc"; expected an availability zone of eu-west-1, e.g. eu-west-1a',
      ),
    ],
    [
      "a minimum above the maximum, which is all it reports of that pool's sizes",
      (i) => Object.assign(i.nodePools.system, { minSize: 4, maxSize: 3, desiredSize: 9 }),
      `${AT}.nodePools.system.minSize: received 4; expected minSize <= maxSize (3) in node pool "system"`,
    ],
    [
      "a desired size below the minimum",
      (i) => Object.assign(i.nodePools.system, { minSize: 2, maxSize: 3, desiredSize: 1 }),
      `${AT}.nodePools.system.desiredSize: received 1; expected minSize (2) <= desiredSize <= maxSize (3) in node pool "system"`,
    ],
    [
      "a pool name of 31 characters",
      (i) => (i.nodePools = { [`p${"o".repeat(30)}`]: i.nodePools.system }),
      `${AT}.nodePools.p${"o".repeat(30)}: received {"capacityType":"ON_DEMAND","instanceTypes":["m6i.large"],"amiType":"AL2023_x86_64_STANDARD","minSize":2,"maxSize":3,"desiredSize":2,"diskSizeGiB":50,"labels":{"gitops-platform/pool":"system"},"taints… (270 characters); expected a pool name of at most 30 lowercase letters, digits and "-", starting with a letter (got "p${"o".repeat(30)}")`,
    ],
    [
      "no node pool",
      (i) => (i.nodePools = {}),
      `${AT}.nodePools: received {}; expected at least one node pool (a map of pool name to pool)`,
    ],
    [
      "neither a new nor an existing VPC",
      (i) => (i.network = {}),
      `${AT}.network: received {}; expected exactly one of newVpc or existingVpc`,
    ],
    [
      "a VPC CIDR one bit wider than /16",
      (i) => (i.network.newVpc!.cidr = "10.0.0.0/15"),
      `${AT}.network.newVpc.cidr: received "10.0.0.0/15"; expected a VPC CIDR from /16 to /20`,
    ],
    [
      "a VPC CIDR one bit narrower than /20",
      (i) => (i.network.newVpc!.cidr = "10.0.0.0/21"),
      `${AT}.network.newVpc.cidr: received "10.0.0.0/21"; expected a VPC CIDR from /16 to /20`,
    ],
    [
      "a VPC CIDR that is no CIDR, reported once",
      (i) => (i.network.newVpc!.cidr = "my-vpc"),
      `${AT}.network.newVpc.cidr: received "my-vpc"; expected an IPv4 CIDR with its host bits zero, e.g. 203.0.113.0/24`,
    ],
    [
      "a public endpoint open to the whole internet",
      (i) => (i.publicEndpoint = { allowedCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }),
      `${AT}.publicEndpoint.allowedCidrs[1]: received "0.0.0.0/0"; expected a CIDR narrower than /0: the public endpoint is never open to the whole internet`,
    ],
    [
      "two admin roles of one name under different paths",
      (i) => (i.adminRoleArns = [`${ROLE}/team-a/admin`, `${ROLE}/team-b/admin`]),
      `${AT}.adminRoleArns: received ["${ROLE}/team-a/admin","${ROLE}/team-b/admin"]; expected roles with distinct names (each name keys one access entry)`,
    ],
    [
      "an availability zone listed twice",
      (i) => (i.network.newVpc!.availabilityZones = ["eu-west-1a", "eu-west-1a"]),
      `${AT}.network.newVpc.availabilityZones: received ["eu-west-1a","eu-west-1a"]; expected each availability zone once`,
    ],
    [
      "a workload identity mechanism EKS does not have",
      (i) => (i.workloadIdentity = "oidc" as "irsa"),
      `${AT}.workloadIdentity: received "oidc"; expected one of "podIdentity", "irsa"`,
    ],
    [
      "a bad region, without judging the zones against it",
      (i) => (i.region = "Europe"),
      `${AT}.region: received "Europe"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d$/`,
    ],
  ];
  for (const [what, edit, message] of refusedTogether) {
    it(`fails on ${what}`, () => assert.equal(errorOf(edit), message));
  }

  it("accepts each bound at its limit and each pattern's longest form", () => {
    const config = accepted((i) => {
      i.region = "us-gov-west-1";
      i.network.newVpc = {
        cidr: "10.0.0.0/20",
        availabilityZones: ["us-gov-west-1a", "us-gov-west-1b"],
        natGateways: "onePerAz",
      };
      i.nodePools = {
        [`p${"o".repeat(29)}`]: { ...i.nodePools.system, minSize: 3, maxSize: 3, desiredSize: 3 },
        spot: {
          ...i.nodePools.workloads,
          instanceTypes: ["m6i.large", "m6a.large"],
          minSize: 1,
          maxSize: 4,
          desiredSize: 4,
        },
      };
      i.adminRoleArns = ["arn:aws-us-gov:iam::111111111111:role/team/admin", `${ROLE}/admin2`];
      i.externalDns.hostedZoneIds = ["Z0STAGINGZONE0001", "Z0STAGINGZONE0002"];
      i.clusterName = `g${"x".repeat(62)}`;
      i.workloadIdentity = "irsa";
    });
    assert.deepEqual(config.network.newVpc?.availabilityZones, ["us-gov-west-1a", "us-gov-west-1b"]);
    assert.deepEqual(Object.keys(config.nodePools), [`p${"o".repeat(29)}`, "spot"]);
    assert.equal(config.workloadIdentity, "irsa");
    assert.equal(config.externalDns.hostedZoneIds.length, 2);
  });

  it("accepts an existing VPC with more than two private subnets", () => {
    const config = accepted((i) => {
      i.network = {
        existingVpc: { vpcId: "vpc-01234567", privateSubnetIds: [...SUBNETS, "subnet-01234567"], publicSubnetIds: [] },
      };
    });
    assert.deepEqual(config.network.existingVpc?.privateSubnetIds, [...SUBNETS, "subnet-01234567"]);
  });

  it("names a role by the last segment of its ARN", () => {
    assert.equal(roleNameOf(`${ROLE}/team/platform-admin`), "platform-admin");
    assert.equal(roleNameOf(`${ROLE}/admin`), "admin");
  });

  it("documents every key of the schema in docs/config.md's generated table", () => {
    assert.deepEqual(generatedKeyTable(infraConfigSchema), documentedKeyTable("infra-keys"));
  });

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
    assert.doesNotThrow(() =>
      checkTierRules({ ...staging, publicEndpoint: undefined, protect: true }, "production", "Pulumi.live.yaml"),
    );
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
