import { InfraConfig, NodePoolConfig } from "./config";

/**
 * The node pools as plain data: what each EKS managed node group and its launch template get.
 * No Pulumi here; node-groups.ts registers the plan.
 */

/** The EKS API spells taint effects in upper snake case (NodeGroup taints), Kubernetes in camel case. */
const TAINT_EFFECTS = {
  NoSchedule: "NO_SCHEDULE",
  PreferNoSchedule: "PREFER_NO_SCHEDULE",
  NoExecute: "NO_EXECUTE",
} as const;

export interface NodeGroupPlan {
  readonly capacityType: "ON_DEMAND" | "SPOT";
  readonly instanceTypes: readonly string[];
  readonly amiType: string;
  readonly version: string;
  readonly scalingConfig: { readonly minSize: number; readonly maxSize: number; readonly desiredSize: number };
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly {
    key: string;
    value?: string;
    effect: (typeof TAINT_EFFECTS)[keyof typeof TAINT_EFFECTS];
  }[];
}

export interface LaunchTemplatePlan {
  readonly metadataOptions: {
    readonly httpEndpoint: "enabled";
    readonly httpTokens: "required";
    readonly httpPutResponseHopLimit: number;
    readonly instanceMetadataTags: "disabled";
  };
  readonly blockDeviceMappings: readonly {
    readonly deviceName: string;
    readonly ebs: {
      readonly volumeSize: number;
      readonly volumeType: "gp3";
      readonly encrypted: "true";
      readonly deleteOnTermination: "true";
    };
  }[];
}

export interface NodePoolPlan {
  readonly name: string;
  readonly nodeGroup: NodeGroupPlan;
  readonly launchTemplate: LaunchTemplatePlan;
}

/**
 * IMDSv2 only (`httpTokens: required`), with a PUT response hop limit of 1. A pod on the pod network
 * sits one hop behind the node, so a hop limit of 1 keeps it from fetching an IMDS token and with it
 * the node role's credentials (EKS Best Practices, "Restrict access to the instance profile assigned
 * to the worker node"). Host-network daemons (aws-node, kube-proxy, eks-pod-identity-agent) still
 * reach IMDS. Add-on pods get their own roles through Pod Identity or IRSA instead. The EBS CSI
 * driver then reads its instance metadata from the Kubernetes API (its documented fallback: both
 * its controller and node pods carry CSI_NODE_NAME), which cannot count attached ENIs; AWS's own
 * default for node groups is 2, and raising this is the one change that trade-off may call for.
 */
export const IMDS_HOP_LIMIT = 1;

/** AL2023 EKS AMIs boot from this device; the mapping resizes and encrypts their root volume. */
const AL2023_ROOT_DEVICE = "/dev/xvda";

export function planLaunchTemplate(pool: NodePoolConfig): LaunchTemplatePlan {
  return {
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: IMDS_HOP_LIMIT,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [
      {
        deviceName: AL2023_ROOT_DEVICE,
        ebs: { volumeSize: pool.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ],
  };
}

export function planNodeGroup(pool: NodePoolConfig, kubernetesVersion: string): NodeGroupPlan {
  return {
    capacityType: pool.capacityType,
    instanceTypes: [...pool.instanceTypes],
    amiType: pool.amiType,
    version: kubernetesVersion,
    scalingConfig: { minSize: pool.minSize, maxSize: pool.maxSize, desiredSize: pool.desiredSize },
    labels: { ...pool.labels },
    taints: pool.taints.map((t) => ({
      key: t.key,
      ...(t.value === undefined ? {} : { value: t.value }),
      effect: TAINT_EFFECTS[t.effect],
    })),
  };
}

/** One plan per pool, in name order so that the declaration order never depends on YAML key order. */
export function planNodePools(config: Pick<InfraConfig, "nodePools" | "kubernetesVersion">): NodePoolPlan[] {
  return Object.keys(config.nodePools)
    .sort()
    .map((name) => {
      const pool = config.nodePools[name];
      return {
        name,
        nodeGroup: planNodeGroup(pool, config.kubernetesVersion),
        launchTemplate: planLaunchTemplate(pool),
      };
    });
}
