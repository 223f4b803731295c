import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { synth, testEngine } from "./support/engine";
import { platformConfig, withSecrets } from "./support/platform";

/**
 * The platform layer's config edge under the mock engine: what it refuses, it refuses before
 * declaring anything. What the schema accepts is test/platform-config.test.ts's (pure, fast).
 */

/** Asserts that the platform layer refuses `config` with exactly `message`, having declared nothing. */
async function assertRefused(config: ReturnType<typeof platformConfig>, message: string): Promise<void> {
  await assert.rejects(synth({ env: "staging", layers: ["platform"], config }), (err: Error) => {
    assert.ok(pulumi.RunError.isInstance(err), `expected a RunError, got ${err.name}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
  assert.deepEqual(testEngine().declared(), []);
}

describe("platform config, as the layer loads it", () => {
  it('fails when a chart version is "latest", having declared nothing', async () => {
    const config = platformConfig("staging", (s) => (s.releases["argo-cd"].version = "latest"));
    await assertRefused(
      config,
      'Pulumi.staging.yaml: gitops-platform:platform.releases.argo-cd.version: received "latest"; expected an exact ' +
        'chart version such as 1.2.3 (not "latest", not a range)',
    );
  });

  it("fails when a secret key holds a plaintext value, telling how to set it as a secret", async () => {
    const config = platformConfig("staging");
    const plaintext = { ...config, values: { ...config.values, "gitops-platform:argocdWebhookToken": "s3cr3t-token" } };
    await assertRefused(
      plaintext,
      "Pulumi.staging.yaml: gitops-platform:argocdWebhookToken: received a plaintext value; expected a secret, set with " +
        "pulumi config set --secret --config-file Pulumi.staging.yaml gitops-platform:argocdWebhookToken <value>",
    );
  });

  it("fails when a state repo credential does not fit the repo URL", async () => {
    const config = withSecrets(platformConfig("staging"), { stateRepoSshKey: "-----BEGIN OPENSSH PRIVATE KEY-----" });
    await assertRefused(
      config,
      "Pulumi.staging.yaml: gitops-platform:stateRepoSshKey: received the state repo's SSH private key; " +
        "expected it only with an SSH state repo URL (stateRepo.url is an HTTPS URL)",
    );
  });
});
