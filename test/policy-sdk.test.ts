import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as assert from "node:assert/strict";
import { evaluatePolicy, PolicyReport } from "../policy/engine";
import { EnvironmentConfig, stackIdentity } from "../stack";
import { testEngine } from "./support/engine";
import {
  appProject,
  application,
  argoCdRelease,
  deployment,
  eksCluster,
  externalDnsStatements,
  iamPolicy,
  launchTemplate,
  patch,
  rootApplication,
} from "./support/policy";

const ARGO_CD_CHILD = "spec.source.helm.valuesObject.applications.argo-cd";

/**
 * The rules judge what the real SDKs declare: the same classes the layers use, run under the mock
 * engine, recorded by synth. Each mistake is one wrong value; it must trip exactly its rule.
 */
const mistakes = {
  "key without rotation": "kms-key-rotation",
  "cluster in API_AND_CONFIG_MAP mode": "eks-auth-mode-api",
  "optional IMDS tokens": "ec2-imdsv2-required",
  "record changes on every zone": "iam-route53-scoped",
  "unprotected role": "pulumi-protect-in-production",
  "association not deleted with the cluster": "pulumi-deleted-with-cluster",
  "Application in the default project": "argocd-app-project-not-default",
  "latest image": "k8s-image-pinned",
  "release not retained": "argocd-handoff-release-retained",
} as const;
type Mistake = keyof typeof mistakes;

function program(made: ReadonlySet<Mistake>): void {
  const provider = new aws.Provider("aws", { region: "eu-west-1", allowedAccountIds: ["222222222222"] });
  const key = new aws.kms.Key(
    "secrets",
    { enableKeyRotation: !made.has("key without rotation") },
    { provider, protect: true },
  );
  const cluster = new eks.Cluster(
    "cluster",
    {
      ...eksCluster,
      authenticationMode: made.has("cluster in API_AND_CONFIG_MAP mode") ? "API_AND_CONFIG_MAP" : "API",
      encryptionConfigKeyArn: key.arn,
      vpcId: "vpc-0123",
      privateSubnetIds: ["subnet-0123"],
    },
    { providers: { aws: provider }, protect: true },
  );
  const template = new aws.ec2.LaunchTemplate(
    "nodes",
    made.has("optional IMDS tokens") ? patch(launchTemplate, "metadataOptions.httpTokens", "optional") : launchTemplate,
    { provider },
  );
  new eks.ManagedNodeGroup(
    "system",
    { cluster, launchTemplate: { id: template.id, version: template.latestVersion.apply(String) } },
    { providers: { aws: provider } },
  );
  new aws.eks.Addon(
    "pod-identity",
    { clusterName: cluster.eksCluster.name, addonName: "eks-pod-identity-agent", addonVersion: "v1.3.4-eksbuild.1" },
    { provider, deletedWith: cluster },
  );
  const role = new aws.iam.Role(
    "external-dns",
    { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) },
    { provider, protect: !made.has("unprotected role") },
  );
  const everyZone = { Effect: "Allow", Action: "route53:ChangeResourceRecordSets", Resource: "*" };
  new aws.iam.RolePolicy(
    "external-dns",
    {
      role: role.name,
      policy: iamPolicy(...(made.has("record changes on every zone") ? [everyZone] : externalDnsStatements)),
    },
    { provider },
  );
  new aws.eks.PodIdentityAssociation(
    "external-dns",
    {
      clusterName: cluster.eksCluster.name,
      namespace: "external-dns",
      serviceAccount: "external-dns",
      roleArn: role.arn,
    },
    { provider, deletedWith: made.has("association not deleted with the cluster") ? undefined : cluster },
  );
  const inCluster = { provider: new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfigJson }), deletedWith: cluster };
  new k8s.helm.v3.Release("argocd", argoCdRelease, {
    ...inCluster,
    retainOnDelete: !made.has("release not retained"),
  });
  // Before the hand-off: the root renders no child for Argo CD yet, so the bootstrap release is its one owner.
  new k8s.apiextensions.CustomResource("platform", patch(rootApplication, ARGO_CD_CHILD, undefined), inCluster);
  new k8s.apiextensions.CustomResource(
    "demo",
    made.has("Application in the default project") ? patch(application, "spec.project", "default") : application,
    inCluster,
  );
  new k8s.apiextensions.CustomResource("apps", appProject, inCluster);
  const image = made.has("latest image") ? "ghcr.io/example-org/demo:latest" : "ghcr.io/example-org/demo:1.4.2";
  const { metadata, spec } = patch(deployment, "spec.template.spec.containers.0.image", image);
  new k8s.apps.v1.Deployment("demo", { metadata, spec }, inCluster);
}

const noConfig: EnvironmentConfig = { file: "Pulumi.production.yaml", values: {}, secretKeys: [] };

async function judge(made: readonly Mistake[]): Promise<PolicyReport> {
  const stack = stackIdentity("infra", "production");
  const run = await testEngine().run(stack, noConfig, () => program(new Set(made)));
  return evaluatePolicy({
    env: "production",
    tier: "production",
    stacks: [{ stack: stack.name, resources: run.resources }],
  });
}

describe("guardrails over real SDK declarations", () => {
  it("finds nothing to report in a compliant production stack", async () => {
    const report = await judge([]);
    assert.deepEqual(report.violations, []);
    assert.deepEqual(report.undetermined, []);
    assert.equal(report.subjects.resources, 15);
  });

  for (const [mistake, rule] of Object.entries(mistakes)) {
    it(`trips exactly ${rule} for a ${mistake}`, async () => {
      const report = await judge([mistake as Mistake]);
      assert.deepEqual(
        report.violations.map((v) => v.rule),
        [rule],
      );
    });
  }

  it("trips exactly the expected rules, and nothing else, when everything is broken at once", async () => {
    const report = await judge(Object.keys(mistakes) as Mistake[]);
    assert.deepEqual([...new Set(report.violations.map((v) => v.rule))].sort(), [...Object.values(mistakes)].sort());
    assert.deepEqual(report.undetermined, []);
  });
});
