import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { ResourceRecord, StackRun } from "../automation/synth/mock-engine";
import { EnvironmentConfig, stackIdentity } from "../stack";
import { testEngine } from "./support/engine";

const noConfig: EnvironmentConfig = { file: "Pulumi.staging.yaml", values: {}, secretKeys: [] };
const stack = stackIdentity("infra", "staging");

function run(program: () => unknown): Promise<StackRun> {
  return testEngine().run(stack, noConfig, program);
}

function find(result: StackRun, type: string, name: string): ResourceRecord {
  const record = result.resources.find((r) => r.type === type && r.name === name);
  assert.ok(
    record,
    `${type}::${name} was not recorded; got ${result.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`,
  );
  return record;
}

class Group extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Group", name, {}, opts);
    this.registerOutputs({});
  }
}

describe("mock engine", () => {
  it("records every declared resource with its type, name, parent and inputs, in declaration order", async () => {
    const result = await run(() => {
      const group = new Group("group");
      new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", tags: { b: "2", a: "1" } }, { parent: group });
    });
    assert.deepEqual(
      result.resources.map((r) => [r.type, r.name, r.parent, r.custom]),
      [
        ["test:index:Group", "group", "pulumi:pulumi:Stack::gitops-platform-infra-staging", false],
        ["aws:ec2/vpc:Vpc", "vpc", "test:index:Group::group", true],
      ],
    );
    assert.deepEqual(find(result, "aws:ec2/vpc:Vpc", "vpc").inputs, {
      cidrBlock: "10.0.0.0/16",
      tags: { a: "1", b: "2" },
    });
  });

  it("shows values only the cloud knows as unknown, never as invented values", async () => {
    const result = await run(() => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.Subnet("subnet", { vpcId: vpc.id, cidrBlock: vpc.cidrBlock.apply((c) => c.replace("/16", "/20")) });
    });
    assert.deepEqual(find(result, "aws:ec2/subnet:Subnet", "subnet").inputs, {
      cidrBlock: "10.0.0.0/20",
      vpcId: "[unknown]",
    });
  });

  it("never shows a secret input", async () => {
    const result = await run(() => {
      new aws.ssm.Parameter("token", { type: "SecureString", value: pulumi.secret("hunter2") });
    });
    const inputs = find(result, "aws:ssm/parameter:Parameter", "token").inputs;
    assert.equal(inputs.value, "[secret]");
    assert.ok(!JSON.stringify(result).includes("hunter2"));
  });

  it("records the resource options the SDK lets us observe, including inherited protect and provider", async () => {
    const result = await run(() => {
      const provider = new aws.Provider("aws", { region: "eu-west-1" });
      const group = new Group("group", { protect: true, providers: [provider] });
      const key = new aws.kms.Key("key", { enableKeyRotation: true }, { parent: group, retainOnDelete: true });
      new aws.kms.Alias(
        "alias",
        { name: "alias/test", targetKeyId: key.keyId },
        { parent: group, dependsOn: [key], deletedWith: key, ignoreChanges: ["name", "targetKeyId"] },
      );
    });
    assert.deepEqual(find(result, "aws:kms/key:Key", "key").options, {
      protect: true,
      retainOnDelete: true,
      ignoreChanges: [],
      deletedWith: null,
      dependsOn: [],
      provider: "pulumi:providers:aws::aws",
    });
    assert.deepEqual(find(result, "aws:kms/alias:Alias", "alias").options, {
      protect: true,
      retainOnDelete: false,
      ignoreChanges: ["name", "targetKeyId"],
      deletedWith: "aws:kms/key:Key::key",
      dependsOn: ["aws:kms/key:Key::key"],
      provider: "pulumi:providers:aws::aws",
    });
    assert.equal(find(result, "test:index:Group", "group").options.provider, null);
    assert.equal(find(result, "pulumi:providers:aws", "aws").options.protect, false);
  });

  it("answers a StackReference with marked placeholders of the contract's shape", async () => {
    const result = await run(() => {
      const ref = new pulumi.StackReference("platform-staging", {
        name: "organization/gitops-platform/platform-staging",
      });
      return { url: ref.requireOutput("stateRepoUrl"), phase: ref.requireOutput("platformPhase") };
    });
    assert.deepEqual(result.outputs, {
      url: "[stack-ref platform-staging:stateRepoUrl]",
      phase: "[stack-ref platform-staging:platformPhase]",
    });
  });

  it("answers a read of the running stack's own outputs with its previous outputs, none for a stack never deployed", async () => {
    const readOwnRegion = async () => {
      const read = (await pulumi.runtime.invoke("pulumi:pulumi:readStackOutputs", {
        name: "organization/gitops-platform/infra-staging",
      })) as { outputs: Record<string, unknown> };
      return { previous: read.outputs.region ?? "none" };
    };
    assert.deepEqual((await run(readOwnRegion)).outputs, { previous: "none" });
    const again = await testEngine().run(stack, noConfig, readOwnRegion, { previousOutputs: { region: "eu-west-1" } });
    assert.deepEqual(again.outputs, { previous: "eu-west-1" });
  });

  it("lets a test play the cloud for a resource's outputs", async () => {
    testEngine().play({
      resourceOutputs: (args) => (args.type === "aws:ec2/vpc:Vpc" ? { arn: "arn:aws:ec2:::vpc/test" } : undefined),
    });
    const result = await run(() => ({ arn: new aws.ec2.Vpc("vpc", {}).arn }));
    assert.deepEqual(result.outputs, { arn: "arn:aws:ec2:::vpc/test" });
  });

  it("refuses a provider function it cannot answer offline, naming it", async () => {
    await assert.rejects(
      run(() => aws.getCallerIdentity()),
      /no offline answer for the provider function aws:index\/getCallerIdentity:getCallerIdentity/,
    );
  });

  it("fails when two resources of one type share a name, since synth could not tell them apart", async () => {
    await assert.rejects(
      run(() => {
        new aws.ec2.Vpc("same", {}, { parent: new Group("a") });
        new aws.ec2.Vpc("same", {}, { parent: new Group("b") });
      }),
      /two resources of type aws:ec2\/vpc:Vpc are both named "same"/,
    );
  });

  it("starts each run from an empty record", async () => {
    await run(() => new aws.ec2.Vpc("first", {}));
    const second = await run(() => new aws.ec2.Vpc("second", {}));
    assert.deepEqual(
      second.resources.map((r) => r.name),
      ["second"],
    );
  });
});
