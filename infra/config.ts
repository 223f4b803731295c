import { z } from "zod";
import { InputError, loadConfigSection, parseConfig } from "../config";
import { loadTier, Tier } from "../environments";
import { StackIdentity } from "../stack";
import { parseCidr } from "./cidr";

/**
 * The `gitops-platform:infra` section: everything the infra layer builds is decided here. Versions
 * (Kubernetes, addons) have no defaults: they are pinned in Pulumi.<env>.yaml.
 */

const SECTION_KEY = "gitops-platform:infra";

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy API). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Smallest and largest VPC the subnet plan supports; AWS allows /16 to /28, the plan needs room for 6 AZs. */
export const VPC_PREFIX_RANGE = { min: 16, max: 20 } as const;

const RETENTION_EXPECTED = `one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`;
const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { message: RETENTION_EXPECTED });

const ipv4Cidr = z.string().refine((c) => parseCidr(c) !== undefined, {
  message: "an IPv4 CIDR with its host bits zero, e.g. 203.0.113.0/24",
});

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const availabilityZone = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/);
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/);

const newVpcSchema = z.strictObject({
  cidr: ipv4Cidr
    .refine(
      (c) => {
        const prefix = parseCidr(c)?.prefix;
        return prefix === undefined || (prefix >= VPC_PREFIX_RANGE.min && prefix <= VPC_PREFIX_RANGE.max);
      },
      { message: `a VPC CIDR from /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}` },
    )
    .describe(
      `The VPC's IPv4 CIDR, /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}. The subnet plan carves one private ` +
        "and one public subnet per AZ out of it: private subnets get 1/8 of it each, public ones share the last 1/8.",
    ),
  availabilityZones: z
    .array(availabilityZone)
    .min(2)
    .max(6)
    .describe(
      "AZ names of `region`, each once. Names, not a count: AZ letters differ by account, and the AZ list " +
        "cannot be looked up offline (invokes are refused). Both shipped files use 3.",
    ),
  natGateways: z
    .enum(["onePerAz", "single"])
    .describe(
      "`onePerAz`: each AZ's private subnets leave through their own NAT, which survives the loss of an AZ. " +
        "`single`: one NAT for all.",
    ),
});

const existingVpcSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/),
  privateSubnetIds: z
    .array(subnetId)
    .min(2)
    .describe("Nodes run here; EKS needs subnets in at least two AZs. Tag them `kubernetes.io/role/internal-elb: 1`."),
  publicSubnetIds: z
    .array(subnetId)
    .describe("For internet-facing load balancers. Tag them `kubernetes.io/role/elb: 1`."),
});

const taintSchema = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const nodePoolSchema = z.strictObject({
  capacityType: z
    .enum(["ON_DEMAND", "SPOT"])
    .describe("A `SPOT` pool lists at least 2 instance types, so that capacity can come from several Spot pools."),
  instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/)).min(1),
  amiType: z
    .enum(["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"])
    .describe("EKS-optimized Amazon Linux 2023; the launch template's root device name assumes it."),
  minSize: z.number().int().min(0).describe("At most `maxSize`."),
  maxSize: z.number().int().min(1),
  desiredSize: z.number().int().min(0).describe("From `minSize` to `maxSize`; an error names the pool."),
  diskSizeGiB: z
    .number()
    .int()
    .min(20)
    .max(16384)
    .describe("Root volume size; the volume is always gp3 and encrypted."),
  labels: z.record(z.string().min(1), z.string()).default({}),
  taints: z.array(taintSchema).default([]),
});

const POOL_NAME = /^[a-z][a-z0-9-]{0,29}$/;

const nodePoolsSchema = z.record(z.string(), nodePoolSchema).superRefine((pools, ctx) => {
  if (Object.keys(pools).length === 0) {
    ctx.addIssue({
      // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
      code: "custom",
      message: "at least one node pool (a map of pool name to pool)",
    });
  }
  for (const [name, pool] of Object.entries(pools)) {
    const where = `in node pool "${name}"`;
    if (!POOL_NAME.test(name)) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [name],
        message: `a pool name of at most 30 lowercase letters, digits and "-", starting with a letter (got "${name}")`,
      });
    }
    if (pool.minSize > pool.maxSize) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [name, "minSize"],
        message: `minSize <= maxSize (${pool.maxSize}) ${where}`,
      });
    } else if (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [name, "desiredSize"],
        message: `minSize (${pool.minSize}) <= desiredSize <= maxSize (${pool.maxSize}) ${where}`,
      });
    }
    // AWS Spot best practice: diversify instance types so one reclaimed Spot pool cannot empty the group.
    if (pool.capacityType === "SPOT" && pool.instanceTypes.length < 2) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [name, "instanceTypes"],
        message: `at least 2 instance types for a SPOT pool ${where}`,
      });
    }
  }
});

const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);

export const infraConfigSchema = z
  .strictObject({
    region: z.string().regex(REGION).describe("AWS region of the environment, e.g. `eu-west-1`."),
    accountId: z
      .string()
      .regex(/^\d{12}$/)
      .describe("The only AWS account this environment may deploy to, quoted; the provider refuses any other."),
    clusterName: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/)
      .describe("The EKS cluster's name; also used in subnet tags and the Pod Identity trust policies."),
    kubernetesVersion: z
      .string()
      .regex(/^1\.\d{2}$/)
      .describe(
        'Kubernetes minor version of the control plane and the node groups, e.g. `"1.33"`, quoted: YAML reads an ' +
          "unquoted `1.30` as the number 1.3.",
      ),
    network: z
      .strictObject({ newVpc: newVpcSchema.optional(), existingVpc: existingVpcSchema.optional() })
      .refine((n) => (n.newVpc === undefined) !== (n.existingVpc === undefined), {
        message: "exactly one of newVpc or existingVpc",
      })
      .describe(
        "Exactly one of `newVpc` (this stack builds the network) or `existingVpc` (IDs of a network built elsewhere).",
      ),
    publicEndpoint: z
      .strictObject({
        allowedCidrs: z
          .array(
            ipv4Cidr.refine((c) => parseCidr(c)?.prefix !== 0, {
              message: "a CIDR narrower than /0: the public endpoint is never open to the whole internet",
            }),
          )
          .min(1)
          .describe("IPv4 CIDRs, never `/0`."),
      })
      .optional()
      .describe(
        "The public API endpoint, reachable only from `allowedCidrs`; without it the endpoint is private only " +
          "(the private endpoint is always on). Refused in a production-tier environment.",
      ),
    adminRoleArns: z
      .array(z.string().regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/))
      .min(1)
      .refine((arns) => new Set(arns.map(roleNameOf)).size === arns.length, {
        message: "roles with distinct names (each name keys one access entry)",
      })
      .describe(
        "IAM roles granted cluster admin through EKS access entries (authentication mode API; no aws-auth " +
          "ConfigMap), with distinct role names.",
      ),
    nodePools: nodePoolsSchema.describe(
      "Managed node groups, by pool name: at most 30 lower-case letters, digits and `-`, starting with a letter. " +
        "At least one.",
    ),
    addons: z
      .strictObject({
        "vpc-cni": addonVersion,
        coredns: addonVersion,
        "kube-proxy": addonVersion,
        "aws-ebs-csi-driver": addonVersion,
        "eks-pod-identity-agent": addonVersion,
      })
      .describe(
        "Version of each EKS managed addon, pinned; list valid ones with " +
          "`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`.",
      ),
    workloadIdentity: z
      .enum(["podIdentity", "irsa"])
      .default("podIdentity")
      .describe("How add-on pods get their IAM roles: EKS Pod Identity (no OIDC trust to manage) or IRSA."),
    externalDns: z.strictObject({
      hostedZoneIds: z
        .array(z.string().regex(/^Z[A-Z0-9]{1,32}$/))
        .min(1)
        .describe("external-dns may change records only in these Route53 hosted zones."),
    }),
    controlPlaneLogs: z.strictObject({
      retentionInDays: retentionDays.describe(
        `Days the control-plane logs (all five types) are kept in \`/aws/eks/<clusterName>/cluster\`: ${RETENTION_EXPECTED}.`,
      ),
    }),
    cloudWatchLogs: z
      .strictObject({
        logGroupName: z.string().regex(/^[\w\-./#]{1,512}$/),
        retentionInDays: retentionDays.describe(RETENTION_EXPECTED),
      })
      .optional()
      .describe(
        "When set, container logs ship to this CloudWatch log group, and the stack creates the group and the " +
          "logging add-on's role for it.",
      ),
    protect: z
      .boolean()
      .describe(
        "Pulumi `protect` and EKS deletion protection on the cluster; `protect` on the KMS key, every IAM role " +
          "and both log groups. Must be `true` in a production-tier environment.",
      ),
  })
  .superRefine((config, ctx) => {
    // A bad region is already reported; checking zones against it would only repeat the error.
    if (!REGION.test(config.region)) return;
    const zones = config.network.newVpc?.availabilityZones ?? [];
    zones.forEach((zone, i) => {
      if (!zone.startsWith(config.region) || zone.length !== config.region.length + 1) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
          code: "custom",
          path: ["network", "newVpc", "availabilityZones", i],
          message: `an availability zone of ${config.region}, e.g. ${config.region}a`,
        });
      }
    });
    if (new Set(zones).size !== zones.length) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: ["network", "newVpc", "availabilityZones"],
        message: "each availability zone once",
      });
    }
  });

export type InfraConfig = z.output<typeof infraConfigSchema>;
export type NodePoolConfig = InfraConfig["nodePools"][string];
export type NewVpcConfig = NonNullable<InfraConfig["network"]["newVpc"]>;
export type AddonName = keyof InfraConfig["addons"];

/** `platform-admin` from `arn:aws:iam::111111111111:role/team/platform-admin`. */
export function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf("/") + 1);
}

export function parseInfraConfig(raw: unknown, file: string): InfraConfig {
  return parseConfig(infraConfigSchema, raw, { file, key: SECTION_KEY });
}

/**
 * What issue #3 requires of production whatever its config says: no public API endpoint, and
 * `protect` on. It follows the declared tier (gitops-platform:tier), never the environment's name;
 * environments otherwise differ only by config, and this only refuses.
 */
export function checkTierRules(config: InfraConfig, tier: Tier, file: string): void {
  if (tier !== "production") return;
  if (config.publicEndpoint) {
    throw new InputError(
      `${file}: ${SECTION_KEY}.publicEndpoint: received ${JSON.stringify(config.publicEndpoint)}; ` +
        "expected no public endpoint in a production-tier environment (remove publicEndpoint: the API is reachable only from inside the VPC)",
    );
  }
  if (!config.protect) {
    throw new InputError(
      `${file}: ${SECTION_KEY}.protect: received false; expected true in a production-tier environment`,
    );
  }
}

export function loadInfraConfig(stack: StackIdentity): InfraConfig {
  const config = loadConfigSection("infra", infraConfigSchema, stack.configFile);
  checkTierRules(config, loadTier(stack), stack.configFile);
  return config;
}
