import * as assert from "node:assert/strict";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { withValue } from "./support/config";
import { synth } from "./support/engine";
import { allOwnedBy, dig, find, platformConfig, RELEASE_TYPE, synthPlatform } from "./support/platform";

const TIER = "gitops-platform:tier";

function releaseValue(resources: readonly ResourceRecord[], release: string, ...path: string[]): unknown {
  return dig(find(resources, RELEASE_TYPE, `bootstrap-${release}`).inputs.values, ...path);
}

/**
 * What differs by strictness follows `gitops-platform:tier`, never the environment's name: the
 * real programs run under the mock engine with the shipped files and only the tier changed.
 */
describe("the tier, not the name, decides what is strict", () => {
  it("refuses staging's public endpoint once its file declares the production tier", async () => {
    const config = withValue(platformConfig("staging"), TIER, "production");
    await assert.rejects(synth({ env: "staging", layers: ["infra"], config }), {
      message:
        'Pulumi.staging.yaml: gitops-platform:infra.publicEndpoint: received {"allowedCidrs":["203.0.113.0/24"]}; ' +
        "expected no public endpoint in a production-tier environment (remove publicEndpoint: the API is reachable only from inside the VPC)",
    });
  });

  it("lets the environment named production go unprotected when its file declares the staging tier", async () => {
    const production = platformConfig("production");
    const infra = { ...(production.values["gitops-platform:infra"] as object), protect: false };
    const config = withValue(withValue(production, "gitops-platform:infra", infra), TIER, "staging");
    const result = await synth({ env: "production", layers: ["infra"], config });
    assert.ok(result.stacks[0].resources.length > 0);
  });

  it("keeps DNS records (upsert-only) and disables Argo CD's admin with SSO by tier", async () => {
    const withSso = platformConfig("staging", (s) => {
      allOwnedBy("pulumi")(s);
      s.releases["argo-cd"].sso = { issuer: "https://login.example.com", clientId: "a", adminGroups: ["admins"] };
    });
    const asProduction = await synthPlatform("staging", withValue(withSso, TIER, "production"));
    assert.equal(releaseValue(asProduction, "external-dns", "policy"), "upsert-only");
    assert.equal(releaseValue(asProduction, "argo-cd", "configs", "cm", "admin.enabled"), false);

    const asDevelopment = await synthPlatform(
      "production",
      withValue(platformConfig("production"), TIER, "development"),
    );
    assert.equal(releaseValue(asDevelopment, "external-dns", "policy"), "sync");
    assert.equal(releaseValue(asDevelopment, "argo-cd", "configs", "cm", "admin.enabled"), true);
  });

  it("refuses a file without a tier before declaring anything", async () => {
    const config = withValue(platformConfig("staging"), TIER, undefined);
    await assert.rejects(synth({ env: "staging", layers: ["infra"], config }), {
      message:
        'Pulumi.staging.yaml: gitops-platform:tier: received nothing (the key is missing); expected one of "production", "staging", "development"',
    });
  });
});
