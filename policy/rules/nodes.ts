import { defineRule } from "../define";
import { DeclaredResource, Outcome, Rule, undetermined, violation } from "../model";
import { describeOpaque, isFalse, isOpaque, isRecord, isTrue, listAt, show, valueAt } from "../values";
import { EKS_COMPONENT } from "./eks";

/**
 * Worker nodes and their keys. Managed node groups are judged through the launch template they
 * must carry (`aws.ec2.LaunchTemplate`), because that is where IMDS, public IPs and volume
 * encryption are set; self-managed groups from @pulumi/eks expose their own inputs for the last two.
 */

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const MANAGED_NODE_GROUPS = ["eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup"];
/** @pulumi/eks self-managed groups, and the cluster component's default group when it has one. */
const SELF_MANAGED_NODE_GROUPS = ["eks:index:NodeGroup", "eks:index:NodeGroupV2"];

/** Whether `eks.Cluster` creates its default self-managed node group (it does unless told otherwise). */
export function hasDefaultNodeGroup(cluster: DeclaredResource): boolean {
  const i = cluster.inputs;
  const fargate = i.fargate !== undefined && i.fargate !== false;
  return i.skipDefaultNodeGroup !== true && !fargate && valueAt(i, "autoMode", "enabled") !== true;
}

function imdsEnabled(template: DeclaredResource): boolean {
  return valueAt(template.inputs, "metadataOptions", "httpEndpoint") !== "disabled";
}

const imdsv2Required = defineRule({
  id: "ec2-imdsv2-required",
  severity: "mandatory",
  area: "aws",
  title: "Nodes require IMDSv2 (session tokens) for instance metadata",
  rationale: "IMDSv1 answers any SSRF'd GET with the node role's credentials (EKS best practices, checkov CKV_AWS_79).",
  fix: 'Give every managed node group a launch template with metadataOptions.httpTokens: "required".',
  resources: {
    types: [LAUNCH_TEMPLATE, ...MANAGED_NODE_GROUPS],
    check: (r) => {
      if (MANAGED_NODE_GROUPS.includes(r.type)) {
        return r.inputs.launchTemplate === undefined
          ? [violation("launchTemplate is unset: EKS's generated template does not require IMDSv2")]
          : [];
      }
      if (!imdsEnabled(r)) return [];
      const tokens = valueAt(r.inputs, "metadataOptions", "httpTokens");
      if (isOpaque(tokens)) return [undetermined(describeOpaque("metadataOptions.httpTokens", tokens))];
      if (tokens === "required") return [];
      return [violation(`metadataOptions.httpTokens is ${tokens === undefined ? "unset (optional)" : show(tokens)}`)];
    },
  },
});

const imdsHopLimit = defineRule({
  id: "ec2-imds-hop-limit",
  severity: "advisory",
  area: "aws",
  title: "Pods cannot reach the node's metadata endpoint (hop limit 1)",
  rationale:
    "With a hop limit of 2 every pod can borrow the node role; pods get their own role from Pod Identity (checkov CKV_AWS_341).",
  fix: "Set metadataOptions.httpPutResponseHopLimit: 1 in the node launch template.",
  resources: {
    types: [LAUNCH_TEMPLATE],
    check: (r) => {
      if (!imdsEnabled(r)) return [];
      const limit = valueAt(r.inputs, "metadataOptions", "httpPutResponseHopLimit");
      if (isOpaque(limit)) return [undetermined(describeOpaque("metadataOptions.httpPutResponseHopLimit", limit))];
      return limit === 1 ? [] : [violation(`metadataOptions.httpPutResponseHopLimit is ${show(limit)}`)];
    },
  },
});

/** The settings of a self-managed group, or of eks.Cluster's default group; none when it has no group. */
function selfManagedInputs(r: DeclaredResource): Readonly<Record<string, unknown>> | undefined {
  // Stryker disable next-line ConditionalExpression: a node group has none of the cluster's default-group inputs (skipDefaultNodeGroup, fargate, autoMode)
  if (r.type === EKS_COMPONENT) return hasDefaultNodeGroup(r) ? r.inputs : undefined;
  return r.inputs;
}

function selfManagedLabel(r: DeclaredResource): string {
  return r.type === EKS_COMPONENT ? "the default node group: " : "";
}

const noPublicIp = defineRule({
  id: "ec2-no-public-ip",
  severity: "mandatory",
  area: "aws",
  title: "Nodes get no public IP address",
  rationale: "A node with a public IP is one security-group mistake away from the internet (CIS EKS 5.4.3).",
  fix: "Run nodes in private subnets; never set associatePublicIpAddress, set nodeAssociatePublicIpAddress: false.",
  resources: {
    types: [LAUNCH_TEMPLATE, EKS_COMPONENT, ...SELF_MANAGED_NODE_GROUPS],
    check: (r) => {
      if (r.type === LAUNCH_TEMPLATE) {
        const interfaces = listAt(r.inputs, "networkInterfaces");
        if (isOpaque(interfaces)) return [undetermined(describeOpaque("networkInterfaces", interfaces))];
        return interfaces.flatMap((nic, n): Outcome[] => {
          const value = valueAt(nic, "associatePublicIpAddress");
          const path = `networkInterfaces[${n}].associatePublicIpAddress`;
          if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
          return isTrue(value) ? [violation(`${path} is ${show(value)}`)] : [];
        });
      }
      const inputs = selfManagedInputs(r);
      if (!inputs) return [];
      const value = inputs.nodeAssociatePublicIpAddress;
      if (isOpaque(value)) return [undetermined(describeOpaque("nodeAssociatePublicIpAddress", value))];
      if (isFalse(value)) return [];
      return [violation(`${selfManagedLabel(r)}nodeAssociatePublicIpAddress is ${show(value)}`)];
    },
  },
});

const volumesEncrypted = defineRule({
  id: "ec2-volumes-encrypted",
  severity: "mandatory",
  area: "aws",
  title: "Node and data volumes are encrypted",
  rationale: "Unencrypted EBS volumes and snapshots leak image layers, logs and emptyDir data (CIS AWS 2.2.1).",
  fix: 'Declare the root device in blockDeviceMappings with ebs.encrypted: "true"; set encrypted on volumes.',
  resources: {
    types: [LAUNCH_TEMPLATE, "aws:ebs/volume:Volume", EKS_COMPONENT, ...SELF_MANAGED_NODE_GROUPS],
    check: (r) => {
      if (r.type === LAUNCH_TEMPLATE) return launchTemplateVolumes(r);
      if (r.type === "aws:ebs/volume:Volume") return encryptedFlag("encrypted", r.inputs.encrypted, "");
      const inputs = selfManagedInputs(r);
      return inputs
        ? encryptedFlag("nodeRootVolumeEncrypted", inputs.nodeRootVolumeEncrypted, selfManagedLabel(r))
        : [];
    },
  },
});

function launchTemplateVolumes(template: DeclaredResource): Outcome[] {
  const mappings = listAt(template.inputs, "blockDeviceMappings");
  if (isOpaque(mappings)) return [undetermined(describeOpaque("blockDeviceMappings", mappings))];
  // A mapping without an `ebs` block (or with `ebs: null`) is an instance-store or no-device mapping.
  const ebs = mappings.map((m, n) => [n, valueAt(m, "ebs")] as const).filter(([, e]) => isRecord(e) || isOpaque(e));
  if (ebs.length === 0) {
    return [violation("blockDeviceMappings declares no EBS volume: the root volume's encryption is left to the AMI")];
  }
  return ebs.flatMap(([n, e]) => encryptedFlag(`blockDeviceMappings[${n}].ebs.encrypted`, valueAt(e, "encrypted"), ""));
}

function encryptedFlag(path: string, value: unknown, label: string): Outcome[] {
  if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
  return isTrue(value) ? [] : [violation(`${label}${path} is ${show(value)}`)];
}

const kmsKeyRotation = defineRule({
  id: "kms-key-rotation",
  severity: "mandatory",
  area: "aws",
  title: "Symmetric KMS keys rotate automatically",
  rationale: "Rotation limits what one leaked key version can decrypt (checkov CKV_AWS_7).",
  fix: "Set enableKeyRotation: true on the aws.kms.Key.",
  resources: {
    types: ["aws:kms/key:Key"],
    check: (r) => {
      const spec = r.inputs.customerMasterKeySpec;
      // Asymmetric and HMAC keys cannot rotate automatically.
      if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return [];
      const value = r.inputs.enableKeyRotation;
      if (isOpaque(value)) return [undetermined(describeOpaque("enableKeyRotation", value))];
      return value === true ? [] : [violation(`enableKeyRotation is ${show(value)}`)];
    },
  },
});

export const nodeRules: readonly Rule[] = [imdsv2Required, imdsHopLimit, noPublicIp, volumesEncrypted, kmsKeyRotation];
