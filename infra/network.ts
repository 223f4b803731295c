import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatCidr, parseCidr, subdivide } from "./cidr";
import { InfraConfig, NewVpcConfig } from "./config";

/** One AZ's share of the VPC: a private subnet for nodes and pods, a public one for load balancers and NAT. */
export interface AzPlan {
  readonly availabilityZone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
  /** The AZ whose NAT gateway this AZ's private subnet routes through. */
  readonly natGatewayAz: string;
}

export interface NetworkPlan {
  readonly vpcCidr: string;
  readonly zones: readonly AzPlan[];
  /** AZs that get a NAT gateway, in the order of `zones`. */
  readonly natGatewayAzs: readonly string[];
}

/**
 * Carves the VPC into subnets. Private subnets take an eighth of the VPC each (a /19 of a /16: the
 * VPC CNI gives every pod a VPC address, so they need room); public subnets only hold load balancer
 * and NAT interfaces and share the last eighth in /22s. An AZ keeps its CIDRs when AZs are added
 * after it, because each block is chosen by the AZ's position, never by a count.
 */
export function planNetwork(vpc: NewVpcConfig): NetworkPlan {
  const cidr = parseCidr(vpc.cidr);
  if (!cidr) throw new RangeError(`${vpc.cidr} is not an IPv4 CIDR`);
  const zones = vpc.availabilityZones;
  if (zones.length > 7) throw new RangeError(`the subnet plan fits at most 7 AZs, got ${zones.length}`);
  const natGatewayAzs = vpc.natGateways === "onePerAz" ? [...zones] : [zones[0]];
  return {
    vpcCidr: formatCidr(cidr),
    natGatewayAzs,
    zones: zones.map((availabilityZone, i) => ({
      availabilityZone,
      privateCidr: formatCidr(subdivide(cidr, 3, i)),
      publicCidr: formatCidr(subdivide(subdivide(cidr, 3, 7), 3, i)),
      natGatewayAz: vpc.natGateways === "onePerAz" ? availabilityZone : zones[0],
    })),
  };
}

/** Tags that let the AWS Load Balancer Controller and the in-tree service controller pick subnets. */
export function subnetTags(tier: "public" | "private", clusterName: string, az: string): Record<string, string> {
  return {
    Name: `${clusterName}-${tier}-${az}`,
    [tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
    [`kubernetes.io/cluster/${clusterName}`]: "shared",
  };
}

export interface NetworkArgs {
  readonly clusterName: string;
  readonly network: InfraConfig["network"];
}

/** The VPC the cluster runs in: built from the plan, or taken as-is from existing IDs. */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly publicSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:infra:Network", name, {}, opts);
    const { newVpc, existingVpc } = args.network;
    if (existingVpc) {
      this.vpcId = pulumi.output(existingVpc.vpcId);
      this.privateSubnetIds = pulumi.output(existingVpc.privateSubnetIds);
      this.publicSubnetIds = pulumi.output(existingVpc.publicSubnetIds);
    } else if (newVpc) {
      const built = this.build(name, args.clusterName, planNetwork(newVpc));
      this.vpcId = built.vpc.id;
      this.privateSubnetIds = pulumi.all(built.privateSubnets.map((s) => s.id));
      this.publicSubnetIds = pulumi.all(built.publicSubnets.map((s) => s.id));
    } else {
      throw new Error("network config has neither newVpc nor existingVpc; the schema should have refused it");
    }
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }

  private build(name: string, clusterName: string, plan: NetworkPlan) {
    const parent = { parent: this };
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: plan.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: clusterName } },
      parent,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: clusterName } }, parent);
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${clusterName}-public` },
      },
      parent,
    );
    // Nothing launched in either tier gets a public IP: nodes live in the private subnets, and load
    // balancers and NAT gateways get their addresses explicitly.
    const subnet = (tier: "public" | "private", zone: AzPlan, routeTableId: pulumi.Input<string>) => {
      const az = zone.availabilityZone;
      const created = new aws.ec2.Subnet(
        `${name}-${tier}-${az}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: tier === "public" ? zone.publicCidr : zone.privateCidr,
          mapPublicIpOnLaunch: false,
          tags: subnetTags(tier, clusterName, az),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(`${name}-${tier}-${az}`, { subnetId: created.id, routeTableId }, parent);
      return created;
    };

    const publicSubnets = new Map(plan.zones.map((z) => [z.availabilityZone, subnet("public", z, publicRoutes.id)]));
    const natGateways = new Map(
      plan.natGatewayAzs.map((az) => {
        const tags = { Name: `${clusterName}-nat-${az}` };
        const eip = new aws.ec2.Eip(`${name}-nat-${az}`, { domain: "vpc", tags }, parent);
        const subnetId = publicSubnets.get(az)!.id;
        const nat = new aws.ec2.NatGateway(
          `${name}-nat-${az}`,
          { allocationId: eip.id, subnetId, tags },
          { parent: this, dependsOn: [igw] },
        );
        return [az, nat] as const;
      }),
    );
    const privateSubnets = plan.zones.map((zone) => {
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${zone.availabilityZone}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: natGateways.get(zone.natGatewayAz)!.id }],
          tags: { Name: `${clusterName}-private-${zone.availabilityZone}` },
        },
        parent,
      );
      return subnet("private", zone, routes.id);
    });
    return { vpc, privateSubnets, publicSubnets: [...publicSubnets.values()] };
  }
}
