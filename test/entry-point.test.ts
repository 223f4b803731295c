import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { runEntryPoint } from "../automation/synth/synth";
import { infraOutputs } from "../infra/outputs";
import { platformOutputs } from "../platform/outputs";
import { StackIdentity, stackIdentity } from "../stack";
import { sectionOf, shippedConfig, withValue } from "./support/config";
import { synth, testEngine } from "./support/engine";

/** Asserts that `run` failed with a RunError (printed by the CLI without a stack trace) carrying `message`. */
async function assertRunError(run: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(run, (err: Error) => {
    assert.ok(pulumi.RunError.isInstance(err), `expected a RunError, got ${err.name}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
}

describe("Pulumi entry point (index.ts)", () => {
  it("runs one stack per layer, in deployment order, from the environment's config file", async () => {
    const result = await synth({ env: "production", layers: ["infra", "platform", "gitops"] });
    assert.deepEqual(
      result.stacks.map((s) => [s.layer, s.stack]),
      [
        ["infra", "infra-production"],
        ["platform", "platform-production"],
        ["gitops", "gitops-production"],
      ],
    );
  });

  it("refuses a run without --config-file before declaring any resource", async () => {
    const config = withValue(shippedConfig("staging"), "gitops-platform:environment", undefined);
    await assertRunError(
      synth({ env: "staging", layers: ["platform"], config }),
      'Stack "platform-staging" ran without its environment\'s config file (gitops-platform:environment is not set). ' +
        "Pass the file explicitly, on every command: pulumi up -s platform-staging --config-file Pulumi.staging.yaml",
    );
    assert.deepEqual(testEngine().declared(), []);
  });

  it("refuses the other environment's config file", async () => {
    await assertRunError(
      synth({ env: "production", layers: ["infra"], config: shippedConfig("staging") }),
      'Stack "infra-production" belongs to production, but the config passed in is for "staging" (gitops-platform:environment). ' +
        "Pass the production file: pulumi up -s infra-production --config-file Pulumi.production.yaml",
    );
    assert.deepEqual(testEngine().declared(), []);
  });

  it("refuses a stack name that is not <layer>-<env> of an existing environment", async () => {
    const stack: StackIdentity = { ...stackIdentity("infra", "staging"), name: "infra-qa" };
    await assertRunError(
      testEngine().run(stack, shippedConfig("staging"), () => runEntryPoint()),
      'Stack "infra-qa" is not named <layer>-<env>: the layer must be one of infra, platform, gitops and the env one of ' +
        "dev, prod-eu, production, staging (a Pulumi.<env>.yaml each). Valid stacks: infra-dev, platform-dev, gitops-dev, " +
        "infra-prod-eu, platform-prod-eu, gitops-prod-eu, infra-production, platform-production, gitops-production, " +
        "infra-staging, platform-staging, gitops-staging. For example: pulumi up -s infra-dev --config-file Pulumi.dev.yaml",
    );
    assert.deepEqual(testEngine().declared(), []);
  });

  it("reports a layer's config error with the file and key, before declaring any resource", async () => {
    const infra = { ...sectionOf(shippedConfig("staging"), "gitops-platform:infra"), region: "moon-1" };
    const config = withValue(shippedConfig("staging"), "gitops-platform:infra", infra);
    await assertRunError(
      synth({ env: "staging", layers: ["infra"], config }),
      'Pulumi.staging.yaml: gitops-platform:infra.region: received "moon-1"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d$/',
    );
    assert.deepEqual(testEngine().declared(), []);
  });

  it("exports exactly the keys of each layer's output contract", async () => {
    const result = await synth({ env: "staging", layers: ["infra", "platform"] });
    assert.deepEqual(Object.keys(result.stacks[0].outputs).sort(), Object.keys(infraOutputs.schema.shape).sort());
    assert.deepEqual(Object.keys(result.stacks[1].outputs).sort(), Object.keys(platformOutputs.schema.shape).sort());
  });

  it("reads the layer below through a StackReference to <org>/gitops-platform/<layer>-<env>", async () => {
    const result = await synth({ env: "production", layers: ["platform", "gitops"] });
    const refs = result.stacks.flatMap((s) => s.resources.filter((r) => r.type === "pulumi:pulumi:StackReference"));
    assert.deepEqual(
      refs.map((r) => [r.name, r.inputs.name]),
      [
        ["infra-production", "organization/gitops-platform/infra-production"],
        // The gitops layer reads the cluster's kubeconfig from infra and Argo CD's whereabouts from platform.
        ["infra-production", "organization/gitops-platform/infra-production"],
        ["platform-production", "organization/gitops-platform/platform-production"],
      ],
    );
  });
});
