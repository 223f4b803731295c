import * as fc from "fast-check";
import * as assert from "node:assert/strict";
import { contains, formatCidr, overlaps, parseCidr, subdivide } from "../../infra/cidr";
import { NewVpcConfig } from "../../infra/config";
import { planNetwork, subnetTags } from "../../infra/network";

describe("CIDR arithmetic", () => {
  const parsed: [string, string | undefined][] = [
    ["10.0.0.0/16", "10.0.0.0/16"],
    ["203.0.113.0/24", "203.0.113.0/24"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["10.0.0.1/16", undefined],
    ["10.0.0.0/33", undefined],
    ["256.0.0.0/8", undefined],
    ["10.0.0.0", undefined],
    ["::/0", undefined],
  ];
  for (const [text, expected] of parsed) {
    it(`reads ${text} as ${expected ?? "not a network CIDR"}`, () => {
      const cidr = parseCidr(text);
      assert.equal(cidr && formatCidr(cidr), expected);
    });
  }

  it("splits a block like Terraform's cidrsubnet", () => {
    const vpc = parseCidr("10.20.0.0/16")!;
    assert.equal(formatCidr(subdivide(vpc, 3, 0)), "10.20.0.0/19");
    assert.equal(formatCidr(subdivide(vpc, 3, 7)), "10.20.224.0/19");
    assert.equal(formatCidr(subdivide(subdivide(vpc, 3, 7), 3, 2)), "10.20.232.0/22");
    assert.throws(() => subdivide(vpc, 3, 8), /10\.20\.0\.0\/16 has no block 8 of size \/19/);
    assert.throws(() => subdivide(vpc, 17, 0), /cannot be split into \/33 blocks/);
  });
});

function vpc(cidr: string, zones: string[], natGateways: NewVpcConfig["natGateways"]): NewVpcConfig {
  return { cidr, availabilityZones: zones, natGateways };
}

describe("network plan", () => {
  it("gives each AZ a /19 private subnet and a /22 public one out of a /16", () => {
    assert.deepEqual(planNetwork(vpc("10.20.0.0/16", ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "onePerAz")), {
      vpcCidr: "10.20.0.0/16",
      natGatewayAzs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      zones: [
        {
          availabilityZone: "eu-west-1a",
          privateCidr: "10.20.0.0/19",
          publicCidr: "10.20.224.0/22",
          natGatewayAz: "eu-west-1a",
        },
        {
          availabilityZone: "eu-west-1b",
          privateCidr: "10.20.32.0/19",
          publicCidr: "10.20.228.0/22",
          natGatewayAz: "eu-west-1b",
        },
        {
          availabilityZone: "eu-west-1c",
          privateCidr: "10.20.64.0/19",
          publicCidr: "10.20.232.0/22",
          natGatewayAz: "eu-west-1c",
        },
      ],
    });
  });

  it("routes every AZ through the first AZ's NAT gateway when there is a single one", () => {
    const plan = planNetwork(vpc("10.0.0.0/20", ["us-east-1a", "us-east-1b"], "single"));
    assert.deepEqual(plan.natGatewayAzs, ["us-east-1a"]);
    assert.deepEqual(
      plan.zones.map((z) => [z.availabilityZone, z.privateCidr, z.publicCidr, z.natGatewayAz]),
      [
        ["us-east-1a", "10.0.0.0/23", "10.0.14.0/26", "us-east-1a"],
        ["us-east-1b", "10.0.2.0/23", "10.0.14.64/26", "us-east-1a"],
      ],
    );
  });

  it("keeps an AZ's subnets when another AZ is added after it", () => {
    const two = planNetwork(vpc("10.0.0.0/16", ["eu-west-1a", "eu-west-1b"], "single"));
    const three = planNetwork(vpc("10.0.0.0/16", ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "single"));
    assert.deepEqual(three.zones.slice(0, 2), two.zones);
  });

  it("never overlaps two subnets and keeps every subnet inside the VPC, for any VPC and AZ count", () => {
    const arbitraryVpc = fc.record({
      prefix: fc.integer({ min: 16, max: 20 }),
      base: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      zones: fc.integer({ min: 2, max: 6 }),
      nat: fc.constantFrom("onePerAz" as const, "single" as const),
    });
    fc.assert(
      fc.property(arbitraryVpc, ({ prefix, base, zones, nat }) => {
        const network = { address: base - (base % 2 ** (32 - prefix)), prefix };
        const names = Array.from({ length: zones }, (_, i) => `eu-west-1${"abcdef"[i]}`);
        const plan = planNetwork(vpc(formatCidr(network), names, nat));
        const subnets = plan.zones.flatMap((z) => [z.privateCidr, z.publicCidr]).map((c) => parseCidr(c)!);
        subnets.forEach((a, i) => {
          assert.ok(contains(network, a), `${formatCidr(a)} is outside ${formatCidr(network)}`);
          subnets.slice(i + 1).forEach((b) => assert.ok(!overlaps(a, b), `${formatCidr(a)} overlaps ${formatCidr(b)}`));
        });
        assert.equal(plan.natGatewayAzs.length, nat === "onePerAz" ? zones : 1);
        assert.ok(plan.zones.every((z) => plan.natGatewayAzs.includes(z.natGatewayAz)));
      }),
    );
  });

  it("tags public subnets for internet-facing and private ones for internal load balancers", () => {
    assert.deepEqual(subnetTags("public", "gitops-staging", "eu-west-1a"), {
      Name: "gitops-staging-public-eu-west-1a",
      "kubernetes.io/role/elb": "1",
      "kubernetes.io/cluster/gitops-staging": "shared",
    });
    assert.deepEqual(subnetTags("private", "gitops-staging", "eu-west-1b"), {
      Name: "gitops-staging-private-eu-west-1b",
      "kubernetes.io/role/internal-elb": "1",
      "kubernetes.io/cluster/gitops-staging": "shared",
    });
  });
});
