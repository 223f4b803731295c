import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AddonName, InfraConfig } from "./config";

/**
 * When each EKS managed addon can be installed. `beforeNodes`: what a node needs to become Ready
 * (the CNI, kube-proxy) and what must run before add-on pods ask for Pod Identity credentials.
 * `afterNodes`: addons whose pods need a node to schedule on; EKS reports them DEGRADED, and the
 * provider times out waiting for ACTIVE, when they are created on a cluster without nodes.
 */
export const ADDON_PHASES: Readonly<Record<AddonName, "beforeNodes" | "afterNodes">> = {
  "vpc-cni": "beforeNodes",
  "kube-proxy": "beforeNodes",
  "eks-pod-identity-agent": "beforeNodes",
  coredns: "afterNodes",
  "aws-ebs-csi-driver": "afterNodes",
};

export interface AddonPlan {
  readonly name: AddonName;
  readonly version: string;
  readonly phase: "beforeNodes" | "afterNodes";
}

/** Every addon at its pinned version, in a fixed order (the order of ADDON_PHASES). */
export function planAddons(addons: InfraConfig["addons"]): AddonPlan[] {
  return (Object.keys(ADDON_PHASES) as AddonName[]).map((name) => ({
    name,
    version: addons[name],
    phase: ADDON_PHASES[name],
  }));
}

export interface EksAddonsArgs {
  readonly clusterName: string;
  /** The cluster the addons are deleted with: DeleteCluster removes them, so a destroy skips them. */
  readonly cluster: pulumi.Resource;
  readonly addons: readonly AddonPlan[];
  /** IRSA only: the role an addon's service account assumes (with Pod Identity, an association binds it). */
  readonly serviceAccountRoleArns?: Partial<Record<AddonName, pulumi.Input<string>>>;
}

/** A set of EKS managed addons at pinned versions. */
export class EksAddons extends pulumi.ComponentResource {
  constructor(name: string, args: EksAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:infra:EksAddons", name, {}, opts);
    for (const addon of args.addons) {
      new aws.eks.Addon(
        `${name}-${addon.name}`,
        {
          clusterName: args.clusterName,
          addonName: addon.name,
          addonVersion: addon.version,
          serviceAccountRoleArn: args.serviceAccountRoleArns?.[addon.name],
          // The config is the desired state: a hand edit of an addon-managed field is reverted.
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
        },
        { parent: this, deletedWith: args.cluster },
      );
    }
    this.registerOutputs({});
  }
}
