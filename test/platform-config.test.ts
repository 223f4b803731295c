import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { ARGOCD_APPS_VERIFIED_VERSION, CHART_KEYS } from "../platform/chart-keys";
import { COMPONENTS } from "../platform/components";
import { parsePlatformConfig } from "../platform/config";
import { discoverEnvironments } from "../stack";
import { sectionOf, shippedConfig } from "./support/config";
import { synth, testEngine } from "./support/engine";
import { PLATFORM_KEY, platformConfig, withSecrets } from "./support/platform";

/** Asserts that the platform layer refuses `config` with exactly `message`, having declared nothing. */
async function assertRefused(config: ReturnType<typeof platformConfig>, message: string): Promise<void> {
  await assert.rejects(synth({ env: "staging", layers: ["platform"], config }), (err: Error) => {
    assert.ok(pulumi.RunError.isInstance(err), `expected a RunError, got ${err.name}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
  assert.deepEqual(testEngine().declared(), []);
}

const AT = "Pulumi.staging.yaml: gitops-platform:platform";

describe("platform config", () => {
  for (const env of discoverEnvironments()) {
    it(`parses the shipped ${env} section, with every chart pinned at the version its keys were checked against`, () => {
      const config = parsePlatformConfig(sectionOf(shippedConfig(env), PLATFORM_KEY), `Pulumi.${env}.yaml`);
      for (const component of COMPONENTS) {
        assert.equal(config.releases[component].version, CHART_KEYS[component].verifiedVersion, component);
      }
      assert.equal(config.rootApp.chartVersion, ARGOCD_APPS_VERIFIED_VERSION);
    });
  }

  it('fails when a chart version is "latest", naming the key and what an exact version is', async () => {
    const config = platformConfig("staging", (s) => (s.releases["argo-cd"].version = "latest"));
    await assertRefused(
      config,
      `${AT}.releases.argo-cd.version: received "latest"; expected an exact chart version such as 1.2.3 (not "latest", not a range)`,
    );
  });

  for (const range of ["^1.21.0", "~1.21", "1.x", ">=1.0.0", "1.21"]) {
    it(`fails when a chart version is the range ${range}`, async () => {
      const config = platformConfig("staging", (s) => (s.releases["external-dns"].version = range));
      await assertRefused(
        config,
        `${AT}.releases.external-dns.version: received "${range}"; expected an exact chart version such as 1.2.3 (not "latest", not a range)`,
      );
    });
  }

  it("fails on an unknown component, listing the known ones", async () => {
    const config = platformConfig(
      "staging",
      (s) => (s.releases["cert-manager"] = { version: "1.0.0", owner: "pulumi" }),
    );
    await assertRefused(
      config,
      `${AT}.releases.cert-manager: unknown key; expected one of the known keys: argo-cd, external-dns, kube-prometheus-stack, logging, sealed-secrets`,
    );
  });

  it("fails when external-dns has no domain filter", async () => {
    const config = platformConfig("staging", (s) => delete s.releases["external-dns"].domainFilters);
    await assertRefused(
      config,
      `${AT}.releases.external-dns.domainFilters: received nothing (the key is missing); expected a list`,
    );
  });

  it("fails when external-dns's domain filters are empty", async () => {
    const config = platformConfig("staging", (s) => (s.releases["external-dns"].domainFilters = []));
    await assertRefused(config, `${AT}.releases.external-dns.domainFilters: received []; expected at least 1 item(s)`);
  });

  it("fails when an external-dns zone id is not a Route 53 hosted zone id", async () => {
    const config = platformConfig("staging", (s) => (s.releases["external-dns"].zoneIdFilters = ["example.com"]));
    await assertRefused(
      config,
      `${AT}.releases.external-dns.zoneIdFilters[0]: received "example.com"; expected a string matching /^Z[A-Z0-9]{1,31}$/`,
    );
  });

  it("fails on a values key that was not checked against the pinned chart (a typo)", async () => {
    const config = platformConfig("staging", (s) => {
      s.releases["kube-prometheus-stack"].values = { prometheus: { prometheusSpec: { retension: "3d" } } };
    });
    await assertRefused(
      config,
      `${AT}.releases.kube-prometheus-stack.values.prometheus.prometheusSpec.retension: received "3d"; ` +
        "expected a values key checked against kube-prometheus-stack 88.5.3 (listed in platform/chart-keys.ts)",
    );
  });

  it("fails on an owner that is neither pulumi nor argocd", async () => {
    const config = platformConfig("staging", (s) => (s.releases.logging.owner = "flux"));
    await assertRefused(config, `${AT}.releases.logging.owner: received "flux"; expected one of "pulumi", "argocd"`);
  });

  it("fails when notifications name both Slack and a webhook", async () => {
    const config = platformConfig("staging", (s) => {
      s.releases["argo-cd"].notifications = {
        slack: { channel: "ops" },
        webhook: { url: "https://hooks.example.com" },
      };
    });
    await assertRefused(
      config,
      `${AT}.releases.argo-cd.notifications: received {"slack":{"channel":"ops"},"webhook":{"url":"https://hooks.example.com"}}; ` +
        "expected exactly one of slack or webhook",
    );
  });

  it("fails when an app namespace glob would reach an ops namespace", async () => {
    const config = platformConfig("staging", (s) => (s.appNamespaces = ["apps-*", "mon*"]));
    await assertRefused(
      config,
      `${AT}.appNamespaces[1]: received "mon*"; expected a namespace (or glob) that matches none of monitoring, argocd, ` +
        "sealed-secrets, external-dns, logging, default, kube-system, kube-public, kube-node-lease",
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

  for (const userinfo of ["x-access-token:ghp_NeverEchoed42", "ghp_NeverEchoed42"]) {
    it(`fails when the state repo URL carries a credential (${userinfo.includes(":") ? "user:token" : "token"}), without echoing it`, async () => {
      const url = `https://${userinfo}@github.com/example-org/gitops-state-staging.git`;
      const config = platformConfig("staging", (s) => (s.stateRepo.url = url));
      await assertRefused(
        config,
        `${AT}.stateRepo.url: received "https://***@github.com/example-org/gitops-state-staging.git"; ` +
          "expected the repository URL alone: a token in it would sit in plaintext in Git; set it as a secret with " +
          "`pulumi config set --secret gitops-platform:stateRepoToken` (Argo CD's repository credential)",
      );
    });
  }

  it("fails when a state repo credential does not fit the repo URL", async () => {
    const config = withSecrets(platformConfig("staging"), { stateRepoSshKey: "-----BEGIN OPENSSH PRIVATE KEY-----" });
    await assertRefused(
      config,
      "Pulumi.staging.yaml: gitops-platform:stateRepoSshKey: received the state repo's SSH private key; " +
        "expected it only with an SSH state repo URL (stateRepo.url is an HTTPS URL)",
    );
  });
});
