import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { adminEnabled, argocdBaseValues, argocdEnvValues, NEVER_PRUNE } from "../platform/argocd-values";
import type { PlatformConfig, PlatformSecretKey } from "../platform/config";
import type { InfraFacts } from "../platform/facts";
import { notificationsValues } from "../platform/notifications";
import { crdProvider, planReleases, ReleasePlan } from "../platform/releases";
import { Values } from "../platform/values";
import type { Tier } from "../environments";

/**
 * The release table as data (platform/releases.ts): what each release is and the values it gets in
 * each layer, on a config built here (no parsing), so each test states exactly what it depends on.
 */

const facts: InfraFacts = {
  region: "eu-west-1",
  accountId: "111111111111",
  clusterName: "gitops-test",
  vpcId: "vpc-0abc",
  roleArns: {
    externalDns: "arn:aws:iam::111111111111:role/external-dns",
    ebsCsiDriver: "arn:aws:iam::111111111111:role/ebs-csi",
    logging: "arn:aws:iam::111111111111:role/fluent-bit",
  },
  logGroupName: "/gitops/test",
};

type Releases = PlatformConfig["releases"];
type Edit = { readonly [C in keyof Releases]?: Partial<Releases[C]> };

const SSO = { issuer: "https://login.example.com", clientId: "argocd", adminGroups: ["admins", "sre"] };

function config(edit: Edit = {}, identityBinding: PlatformConfig["identityBinding"] = "pod-identity"): PlatformConfig {
  return {
    stateRepo: { url: "https://github.com/example-org/state.git", targetRevision: "main" },
    identityBinding,
    appNamespaces: ["demo"],
    rootApp: { chartVersion: "2.0.5" },
    releases: {
      "kube-prometheus-stack": { version: "88.5.3", owner: "argocd", ...edit["kube-prometheus-stack"] },
      "argo-cd": {
        version: "10.1.1",
        owner: "pulumi",
        domain: "argocd.example.com",
        notifications: { webhook: { url: "https://hooks.example.com/x" } },
        ...edit["argo-cd"],
      },
      "sealed-secrets": { version: "2.18.5", owner: "argocd", ...edit["sealed-secrets"] },
      "external-dns": {
        version: "1.21.1",
        owner: "pulumi",
        domainFilters: ["example.com"],
        ...edit["external-dns"],
      },
      logging: { version: "4.3.0", owner: "argocd", cloudWatch: true, ...edit.logging },
    },
  };
}

function plans(
  tier: Tier,
  platform: PlatformConfig = config(),
  secrets: readonly PlatformSecretKey[] = [],
): ReleasePlan[] {
  return planReleases({ env: "test-env", tier, config: platform, secrets: new Set(secrets) });
}

function valuesOf(component: ReleasePlan["component"], all: readonly ReleasePlan[]): Values {
  const plan = all.find((p) => p.component === component);
  assert.ok(plan, `no plan for ${component}`);
  return plan.values(facts);
}

describe("platform release table", () => {
  it("plans each release in installation order with its chart, repository, name, namespace, CRDs and sync options", () => {
    // Everything but the values function, which the tests below call.
    const shapes = plans("staging").map((plan) =>
      Object.fromEntries(Object.entries(plan).filter(([k]) => k !== "values")),
    );
    const monitoring = ["monitoring.coreos.com"];
    assert.deepEqual(shapes, [
      {
        component: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
        releaseName: "kube-prometheus-stack",
        namespace: "monitoring",
        owner: "argocd",
        providesCrds: monitoring,
        usesCrds: [],
        syncOptions: ["ServerSideApply=true"],
        gitopsBridgeAddon: "kube_prometheus_stack",
      },
      {
        component: "argo-cd",
        chart: "argo-cd",
        repo: "https://argoproj.github.io/argo-helm",
        version: "10.1.1",
        releaseName: "argocd",
        namespace: "argocd",
        owner: "pulumi",
        providesCrds: ["argoproj.io"],
        usesCrds: monitoring,
        syncOptions: [],
        gitopsBridgeAddon: "argocd",
      },
      {
        component: "sealed-secrets",
        chart: "sealed-secrets",
        repo: "https://bitnami-labs.github.io/sealed-secrets",
        version: "2.18.5",
        releaseName: "sealed-secrets",
        namespace: "sealed-secrets",
        owner: "argocd",
        providesCrds: ["bitnami.com"],
        usesCrds: monitoring,
        syncOptions: [],
        gitopsBridgeAddon: "sealed_secrets",
      },
      {
        component: "external-dns",
        chart: "external-dns",
        repo: "https://kubernetes-sigs.github.io/external-dns/",
        version: "1.21.1",
        releaseName: "external-dns",
        namespace: "external-dns",
        owner: "pulumi",
        providesCrds: [],
        usesCrds: monitoring,
        syncOptions: [],
        gitopsBridgeAddon: "external_dns",
      },
      {
        component: "logging",
        chart: "fluent-operator",
        repo: "https://fluent.github.io/helm-charts",
        version: "4.3.0",
        releaseName: "fluent-operator",
        namespace: "logging",
        owner: "argocd",
        providesCrds: ["fluentbit.fluent.io", "fluentd.fluent.io"],
        usesCrds: monitoring,
        syncOptions: ["ServerSideApply=true"],
        gitopsBridgeAddon: "fluent_operator",
      },
    ]);
  });

  it("finds the release that installs an API group's CRDs, and none for a core or unknown API version", () => {
    const all = plans("staging");
    assert.equal(crdProvider(all, "monitoring.coreos.com/v1")?.component, "kube-prometheus-stack");
    assert.equal(crdProvider(all, "argoproj.io/v1alpha1")?.component, "argo-cd");
    assert.equal(crdProvider(all, "fluentd.fluent.io/v1alpha1")?.component, "logging");
    assert.equal(crdProvider(all, "v1"), undefined);
    assert.equal(crdProvider(all, "apps/v1"), undefined);
  });

  it("gives kube-prometheus-stack CRDs, no Grafana or unreachable control-plane scrapes, every monitor selected, and the cluster label over the env values", () => {
    const withRetention = config({
      "kube-prometheus-stack": { values: { prometheus: { prometheusSpec: { retention: "3d" } } } },
    });
    assert.deepEqual(valuesOf("kube-prometheus-stack", plans("staging", withRetention)), {
      crds: { enabled: true },
      grafana: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeEtcd: { enabled: false },
      prometheus: {
        prometheusSpec: {
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          retention: "3d",
          externalLabels: { cluster: "gitops-test" },
        },
      },
    });
  });

  it("gives sealed-secrets the controller name kubeseal looks for and its ServiceMonitor, with the env values on top", () => {
    assert.deepEqual(valuesOf("sealed-secrets", plans("staging")), {
      fullnameOverride: "sealed-secrets-controller",
      metrics: { serviceMonitor: { enabled: true } },
    });
    const withValues = config({ "sealed-secrets": { values: { metrics: { serviceMonitor: { enabled: false } } } } });
    assert.deepEqual(valuesOf("sealed-secrets", plans("staging", withValues)), {
      fullnameOverride: "sealed-secrets-controller",
      metrics: { serviceMonitor: { enabled: false } },
    });
  });

  it("gives external-dns the AWS provider, its domains, sync outside production, the owner id and region, and no role annotation with Pod Identity", () => {
    assert.deepEqual(valuesOf("external-dns", plans("staging")), {
      provider: { name: "aws" },
      sources: ["service", "ingress"],
      registry: "txt",
      serviceAccount: { create: true, name: "external-dns", annotations: {} },
      serviceMonitor: { enabled: true },
      domainFilters: ["example.com"],
      policy: "sync",
      txtOwnerId: "gitops-test",
      env: [{ name: "AWS_DEFAULT_REGION", value: "eu-west-1" }],
    });
  });

  it("makes external-dns upsert-only in a production tier unless its policy says otherwise", () => {
    assert.equal(valuesOf("external-dns", plans("production")).policy, "upsert-only");
    const sync = config({ "external-dns": { policy: "sync" } });
    assert.equal(valuesOf("external-dns", plans("production", sync)).policy, "sync");
    const upsertOnly = config({ "external-dns": { policy: "upsert-only" } });
    assert.equal(valuesOf("external-dns", plans("staging", upsertOnly)).policy, "upsert-only");
  });

  it("narrows external-dns to its zone ids only when they are set, and lets the env values override", () => {
    assert.equal(valuesOf("external-dns", plans("staging")).extraArgs, undefined);
    const zones = config({ "external-dns": { zoneIdFilters: ["Z0123456789ABC"], values: { registry: "noop" } } });
    const values = valuesOf("external-dns", plans("staging", zones));
    assert.deepEqual(values.extraArgs, { "zone-id-filter": ["Z0123456789ABC"] });
    assert.equal(values.registry, "noop");
  });

  it("runs Fluent Bit with containerd, its ServiceMonitor and no Fluentd, and no role annotation with Pod Identity", () => {
    assert.deepEqual(valuesOf("logging", plans("staging")), {
      containerRuntime: "containerd",
      fluentbit: { enable: true, serviceMonitor: { enable: true }, serviceAccountAnnotations: {} },
      fluentd: { enable: false },
    });
  });

  it("annotates the external-dns and Fluent Bit service accounts with their role ARNs under IRSA", () => {
    const all = plans("staging", config({}, "irsa"));
    assert.deepEqual(dig(valuesOf("external-dns", all), "serviceAccount", "annotations"), {
      "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/external-dns",
    });
    assert.deepEqual(dig(valuesOf("logging", all), "fluentbit", "serviceAccountAnnotations"), {
      "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/fluent-bit",
    });
  });

  it("annotates no service account under IRSA when infra exported no role ARN for it", () => {
    const noRoles = { ...facts, roleArns: { ...facts.roleArns, externalDns: undefined, logging: undefined } };
    const all = plans("staging", config({}, "irsa"));
    const externalDns = all.find((p) => p.component === "external-dns");
    const logging = all.find((p) => p.component === "logging");
    assert.deepEqual(dig(externalDns?.values(noRoles as unknown as InfraFacts), "serviceAccount", "annotations"), {});
    assert.deepEqual(
      dig(logging?.values(noRoles as unknown as InfraFacts), "fluentbit", "serviceAccountAnnotations"),
      {},
    );
  });

  it("layers Argo CD's values: the base, then the env settings and values, then the cluster and environment for notifications", () => {
    const argocd = config({ "argo-cd": { values: { server: { replicas: 2 }, dex: { enabled: true } } } });
    const values = valuesOf("argo-cd", plans("staging", argocd));
    assert.deepEqual(values, {
      crds: { install: true, keep: true },
      global: { domain: "argocd.example.com" },
      configs: {
        cm: { annotations: NEVER_PRUNE, "application.resourceTrackingMethod": "annotation", "admin.enabled": true },
        secret: { annotations: NEVER_PRUNE },
        rbac: { "policy.default": "role:readonly" },
      },
      controller: { metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      applicationSet: { replicas: 1 },
      dex: { enabled: true },
      server: { replicas: 2 },
      notifications: {
        ...notificationsValues({ webhook: { url: "https://hooks.example.com/x" } }, false),
        context: { clusterName: "gitops-test", environment: "test-env" },
      },
    });
  });

  it("tells Argo CD's env layer which of its secrets are set: the OIDC client secret and the webhook token", () => {
    const argocd = config({ "argo-cd": { sso: SSO } });
    const without = valuesOf("argo-cd", plans("staging", argocd));
    const withBoth = valuesOf("argo-cd", plans("staging", argocd, ["argocdOidcClientSecret", "argocdWebhookToken"]));
    const webhook = { webhook: { url: "https://hooks.example.com/x" } };
    assert.deepEqual(dig(without, "notifications", "notifiers"), notificationsValues(webhook, false).notifiers);
    assert.deepEqual(dig(withBoth, "notifications", "notifiers"), notificationsValues(webhook, true).notifiers);
    assert.equal(oidcOf(without).enablePKCEAuthentication, true);
    assert.equal(oidcOf(withBoth).clientSecret, "$argocd-oidc:clientSecret");
  });
});

describe("Argo CD values", () => {
  it("never prunes argocd-cm or argocd-secret, tracks by annotation, reads only by default, keeps its CRDs and runs no Dex", () => {
    assert.deepEqual(argocdBaseValues, {
      crds: { install: true, keep: true },
      configs: {
        cm: {
          annotations: { "argocd.argoproj.io/sync-options": "Prune=false" },
          "application.resourceTrackingMethod": "annotation",
        },
        secret: { annotations: { "argocd.argoproj.io/sync-options": "Prune=false" } },
        rbac: { "policy.default": "role:readonly" },
      },
      controller: { metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      applicationSet: { replicas: 1 },
      dex: { enabled: false },
    });
  });

  it("disables the admin user only in a production tier with SSO configured", () => {
    const argocd = config().releases["argo-cd"];
    assert.equal(adminEnabled("production", { ...argocd, sso: SSO }), false);
    assert.equal(adminEnabled("production", argocd), true);
    assert.equal(adminEnabled("staging", { ...argocd, sso: SSO }), true);
    assert.equal(adminEnabled("staging", argocd), true);
  });

  it("without SSO sets the domain and admin user only, and no OIDC or RBAC settings", () => {
    const argocd = config().releases["argo-cd"];
    const values = argocdEnvValues("production", argocd, { oidcClientSecret: false, webhookToken: false });
    assert.deepEqual(values, {
      global: { domain: "argocd.example.com" },
      configs: { cm: { "admin.enabled": true } },
      notifications: notificationsValues(argocd.notifications, false),
    });
  });

  it("with SSO configures OIDC with PKCE when there is no client secret, maps each admin group to role:admin and drops the admin user in production", () => {
    const argocd = { ...config().releases["argo-cd"], sso: SSO };
    const values = argocdEnvValues("production", argocd, { oidcClientSecret: false, webhookToken: true });
    const configs = dig(values, "configs");
    assert.deepEqual(configs, {
      cm: { "admin.enabled": false, "oidc.config": dig(configs, "cm", "oidc.config") },
      rbac: { scopes: "[groups]", "policy.csv": "g, admins, role:admin\ng, sre, role:admin" },
    });
    assert.deepEqual(oidcOf(values), {
      name: "SSO",
      issuer: "https://login.example.com",
      clientID: "argocd",
      enablePKCEAuthentication: true,
      requestedScopes: ["openid", "profile", "email", "groups"],
    });
    assert.deepEqual(dig(values, "notifications"), notificationsValues(argocd.notifications, true));
  });

  it("with SSO and a client secret references the secret by name and key, never by value", () => {
    const argocd = { ...config().releases["argo-cd"], sso: SSO };
    const values = argocdEnvValues("staging", argocd, { oidcClientSecret: true, webhookToken: false });
    assert.deepEqual(oidcOf(values), {
      name: "SSO",
      issuer: "https://login.example.com",
      clientID: "argocd",
      clientSecret: "$argocd-oidc:clientSecret",
      requestedScopes: ["openid", "profile", "email", "groups"],
    });
    assert.equal(dig(values, "configs", "cm", "admin.enabled"), true);
  });
});

function dig(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) node = node !== null && typeof node === "object" ? (node as Values)[key] : undefined;
  return node;
}

/** The OIDC settings Argo CD reads from argocd-cm's `oidc.config` (a YAML string). */
function oidcOf(values: Values): Record<string, unknown> {
  const text = dig(values, "configs", "cm", "oidc.config");
  assert.equal(typeof text, "string");
  return parse(text as string) as Record<string, unknown>;
}
