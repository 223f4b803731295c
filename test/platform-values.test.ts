import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { CHART_KEYS } from "../platform/chart-keys";
import { COMPONENTS } from "../platform/components";
import { parsePlatformConfig, PlatformConfig, PlatformSecretKey } from "../platform/config";
import { InfraFacts } from "../platform/facts";
import { workloadIdentities } from "../infra/outputs";
import { LOGGING_SERVICE_ACCOUNT, planReleases } from "../platform/releases";
import { isKnownPath, keyPaths, mergeValues, unknownPaths } from "../platform/values";
import { parseEnvironmentDeclaration, Tier } from "../environments";
import { discoverEnvironments, Environment } from "../stack";
import { sectionOf, shippedConfig } from "./support/config";
import { dig, PLATFORM_KEY } from "./support/platform";

const facts: InfraFacts = {
  region: "eu-west-1",
  accountId: "111111111111",
  clusterName: "gitops-staging",
  vpcId: "vpc-0abc",
  roleArns: {
    externalDns: "arn:aws:iam::111111111111:role/external-dns",
    ebsCsiDriver: "arn:aws:iam::111111111111:role/ebs-csi",
    logging: "arn:aws:iam::111111111111:role/fluent-bit",
  },
  logGroupName: "/gitops/staging",
};

function tierOf(env: Environment): Tier {
  return parseEnvironmentDeclaration(env, shippedConfig(env)).tier;
}

function shipped(env: Environment): PlatformConfig {
  return parsePlatformConfig(sectionOf(shippedConfig(env), PLATFORM_KEY), `Pulumi.${env}.yaml`);
}

interface Variant {
  readonly name: string;
  readonly secrets: readonly PlatformSecretKey[];
  edit(config: PlatformConfig): PlatformConfig;
}

/**
 * Every variant of config that changes which keys the table sets. Each test builds its config when it
 * runs: parsing while the file loads would run the values code before any test (a mutation run's
 * "static" code, test/mutation).
 */
const VARIANTS: readonly Variant[] = [
  { name: "as shipped", secrets: [], edit: (config) => config },
  {
    name: "with IRSA, SSO with a client secret, a webhook with a token and zone ids",
    secrets: ["argocdOidcClientSecret", "argocdWebhookToken"],
    edit: (config) => ({
      ...config,
      identityBinding: "irsa",
      releases: {
        ...config.releases,
        "argo-cd": {
          ...config.releases["argo-cd"],
          sso: { issuer: "https://login.example.com", clientId: "argocd", adminGroups: ["admins"] },
          notifications: { webhook: { url: "https://hooks.example.com" } },
        },
        "external-dns": { ...config.releases["external-dns"], zoneIdFilters: ["Z0123456789ABC"], policy: "sync" },
      },
    }),
  },
];

describe("platform release values", () => {
  it("merges layers like Helm: maps key by key, lists and scalars replaced by the later layer", () => {
    const merged = mergeValues(
      { a: { b: 1, c: [1, 2] }, d: "base" },
      { a: { c: [3] }, d: "env" },
      { a: { e: { f: true } } },
    );
    assert.deepEqual(merged, { a: { b: 1, c: [3], e: { f: true } }, d: "env" });
  });

  it("replaces a null or a list with a map and a map with a null or a list, merging only map over map", () => {
    assert.deepEqual(mergeValues({ a: null, b: [1], c: { x: 1 } }, { a: { x: 1 }, b: { y: 2 }, c: null }), {
      a: { x: 1 },
      b: { y: 2 },
      c: null,
    });
    assert.deepEqual(mergeValues({ a: { x: 1 } }, { a: [2] }), { a: [2] });
  });

  it("lets a later layer win for any key (property)", () => {
    const tree = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.oneof(fc.integer(), fc.constant({ x: 1 })));
    fc.assert(
      fc.property(tree, tree, (base, env) => {
        const merged = mergeValues(base, env);
        for (const [key, value] of Object.entries(env)) {
          if (typeof value === "number") assert.equal(merged[key], value);
        }
      }),
    );
  });

  it("lists exactly the leaf paths no known key covers", () => {
    const values = { policy: "sync", polciy: "sync", serviceAccount: { annotations: { "a/b": "x" }, name: "n" } };
    assert.deepEqual(unknownPaths(values, ["policy", "serviceAccount.annotations.*"]), [
      "polciy",
      "serviceAccount.name",
    ]);
  });

  it("names leaf paths in chart-keys notation, quoting keys with dots or slashes", () => {
    assert.deepEqual(
      keyPaths({
        configs: { cm: { "admin.enabled": false, annotations: {} } },
        serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn" } },
        sources: ["service"],
      }),
      [
        'configs.cm["admin.enabled"]',
        "configs.cm.annotations",
        'serviceAccount.annotations["eks.amazonaws.com/role-arn"]',
        "sources",
      ],
    );
  });

  it("treats a key ending in .* as a free-form map and every other key as exact", () => {
    const known = ["serviceAccount.annotations.*", "policy"];
    assert.equal(isKnownPath('serviceAccount.annotations["eks.amazonaws.com/role-arn"]', known), true);
    assert.equal(isKnownPath("serviceAccount.annotations", known), true);
    assert.equal(isKnownPath("policy", known), true);
    assert.equal(isKnownPath("polciy", known), false);
    assert.equal(isKnownPath("serviceAccount.annotationsx", known), false);
  });

  for (const env of discoverEnvironments()) {
    for (const variant of VARIANTS) {
      it(`sets only checked chart keys (${env} ${variant.name})`, () => {
        const plans = planReleases({
          env,
          tier: tierOf(env),
          config: variant.edit(shipped(env)),
          secrets: new Set(variant.secrets),
        });
        for (const plan of plans) {
          const unchecked = unknownPaths(plan.values(facts), CHART_KEYS[plan.component].keys);
          assert.deepEqual(unchecked, [], `${plan.component} sets keys not checked against ${plan.chart}`);
        }
      });
    }
  }

  it("checks its key lists against the chart each release installs", () => {
    const plans = planReleases({ env: "staging", tier: "staging", config: shipped("staging"), secrets: new Set() });
    assert.deepEqual(
      plans.map((p) => [p.component, p.chart]),
      COMPONENTS.map((c) => [c, CHART_KEYS[c].chart]),
    );
  });

  it("runs external-dns and Fluent Bit as exactly the service accounts infra binds their roles to", () => {
    const plans = planReleases({ env: "staging", tier: "staging", config: shipped("staging"), secrets: new Set() });
    const externalDns = plans.find((p) => p.component === "external-dns");
    const logging = plans.find((p) => p.component === "logging");
    assert.deepEqual(
      { namespace: externalDns?.namespace, serviceAccount: dig(externalDns?.values(facts), "serviceAccount", "name") },
      workloadIdentities.externalDns,
    );
    assert.deepEqual(
      { namespace: logging?.namespace, serviceAccount: LOGGING_SERVICE_ACCOUNT },
      workloadIdentities.logging,
    );
  });

  it("injects the cluster identity: external-dns owner id, region and, with IRSA, the role ARN", () => {
    const config = { ...shipped("production"), identityBinding: "irsa" as const };
    const externalDns = planReleases({ env: "production", tier: "production", config, secrets: new Set() })
      .find((p) => p.component === "external-dns")
      ?.values(facts);
    assert.deepEqual(
      {
        txtOwnerId: externalDns?.txtOwnerId,
        env: externalDns?.env,
        serviceAccount: externalDns?.serviceAccount,
        policy: externalDns?.policy,
      },
      {
        txtOwnerId: "gitops-staging",
        env: [{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }],
        serviceAccount: {
          create: true,
          name: "external-dns",
          annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/external-dns" },
        },
        policy: "upsert-only",
      },
    );
  });
});
