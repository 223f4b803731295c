import * as assert from "node:assert/strict";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { COMPONENTS } from "../platform/components";
import { discoverEnvironments } from "../stack";
import {
  allOwnedBy,
  APP_PROJECT_TYPE,
  applicationValues,
  dig,
  APPLICATION_TYPE,
  childApplications,
  find,
  platformConfig,
  RELEASE_TYPE,
  synthPlatform,
} from "./support/platform";

const PROVIDER = { staging: "pulumi:providers:kubernetes::eks-staging" } as const;

function releases(resources: readonly ResourceRecord[]): ResourceRecord[] {
  return resources.filter((r) => r.type === RELEASE_TYPE);
}

describe("platform releases and the hand-off to Argo CD", () => {
  it("installs every release Pulumi owns as a retained helm.v3.Release with its exact version (production)", async () => {
    const resources = await synthPlatform("production", platformConfig("production"));
    assert.deepEqual(
      releases(resources).map((r) => [r.name, r.inputs.chart, r.inputs.version, r.inputs.name, r.inputs.namespace]),
      [
        ["bootstrap-kube-prometheus-stack", "kube-prometheus-stack", "88.5.3", "kube-prometheus-stack", "monitoring"],
        ["bootstrap-argo-cd", "argo-cd", "10.1.1", "argocd", "argocd"],
        ["bootstrap-sealed-secrets", "sealed-secrets", "2.18.5", "sealed-secrets", "sealed-secrets"],
        ["bootstrap-external-dns", "external-dns", "1.21.1", "external-dns", "external-dns"],
        ["bootstrap-logging", "fluent-operator", "4.3.0", "fluent-operator", "logging"],
      ],
    );
    for (const release of releases(resources)) {
      assert.equal(release.options.retainOnDelete, true, release.name);
      assert.equal(release.options.provider, "pulumi:providers:kubernetes::eks-production", release.name);
    }
    assert.deepEqual(find(resources, RELEASE_TYPE, "bootstrap-external-dns").inputs.repositoryOpts, {
      repo: "https://kubernetes-sigs.github.io/external-dns/",
    });
  });

  it("sets the environment's key values: production keeps DNS records (upsert-only) and runs HA", async () => {
    const resources = await synthPlatform("production", platformConfig("production"));
    const value = (name: string, ...path: string[]) =>
      dig(find(resources, RELEASE_TYPE, `bootstrap-${name}`).inputs.values, ...path);
    assert.equal(value("external-dns", "policy"), "upsert-only");
    assert.deepEqual(value("external-dns", "domainFilters"), ["example.com"]);
    assert.equal(value("external-dns", "txtOwnerId"), "[stack-ref infra-production:clusterName]");
    assert.equal(value("kube-prometheus-stack", "prometheus", "prometheusSpec", "retention"), "15d");
    assert.equal(value("kube-prometheus-stack", "prometheus", "prometheusSpec", "replicas"), 2);
    assert.equal(value("argo-cd", "server", "replicas"), 2);
    assert.equal(value("argo-cd", "applicationSet", "replicas"), 2);
    assert.equal(value("argo-cd", "notifications", "enabled"), true);
  });

  it("lets config override external-dns's production policy", async () => {
    const config = platformConfig("production", (s) => (s.releases["external-dns"].policy = "sync"));
    const resources = await synthPlatform("production", config);
    assert.equal(dig(find(resources, RELEASE_TYPE, "bootstrap-external-dns").inputs, "values", "policy"), "sync");
  });

  it("sets staging's key values in the Applications: sync policy, short retention", async () => {
    const apps = childApplications(await synthPlatform("staging", platformConfig("staging")));
    const value = (name: string, ...path: string[]) => dig(applicationValues(apps[name]), ...path);
    assert.equal(value("external-dns", "policy"), "sync");
    assert.deepEqual(value("external-dns", "domainFilters"), ["staging.example.com"]);
    assert.equal(value("kube-prometheus-stack", "prometheus", "prometheusSpec", "retention"), "3d");
    assert.equal(value("argo-cd", "applicationSet", "replicas"), 1);
    assert.deepEqual(Object.fromEntries(COMPONENTS.map((c) => [c, dig(apps[c], "source", "targetRevision")])), {
      "kube-prometheus-stack": "88.5.3",
      "argo-cd": "10.1.1",
      "sealed-secrets": "2.18.5",
      "external-dns": "1.21.1",
      logging: "4.3.0",
    });
  });

  for (const env of discoverEnvironments()) {
    it(`bootstraps and hands over the same chart, repo, version, release name, namespace and values (${env})`, async () => {
      const bootstrap = await synthPlatform(env, platformConfig(env, allOwnedBy("pulumi")));
      const handedOver = childApplications(await synthPlatform(env, platformConfig(env, allOwnedBy("argocd"))));
      for (const component of COMPONENTS) {
        const release = find(bootstrap, RELEASE_TYPE, `bootstrap-${component}`).inputs;
        const app = handedOver[component];
        assert.deepEqual(
          {
            repo: dig(app, "source", "repoURL"),
            chart: dig(app, "source", "chart"),
            version: dig(app, "source", "targetRevision"),
            name: dig(app, "source", "helm", "releaseName"),
            namespace: dig(app, "destination", "namespace"),
            values: applicationValues(app),
          },
          {
            repo: dig(release, "repositoryOpts", "repo"),
            chart: release.chart,
            version: release.version,
            name: release.name,
            namespace: release.namespace,
            values: release.values,
          },
          component,
        );
      }
    });
  }

  it("hands a release over in one up: the Release leaves the program and its Application joins the root", async () => {
    // Before: Pulumi owns external-dns. Its Release carries retainOnDelete from its first up, so
    // the state already says "retain" when the next up drops it.
    const before = await synthPlatform("production", platformConfig("production"));
    assert.equal(find(before, RELEASE_TYPE, "bootstrap-external-dns").options.retainOnDelete, true);
    assert.equal(childApplications(before)["external-dns"], undefined);

    const after = await synthPlatform(
      "production",
      platformConfig("production", (s) => (s.releases["external-dns"].owner = "argocd")),
    );
    assert.equal(
      after.find((r) => r.name === "bootstrap-external-dns"),
      undefined,
      "Pulumi no longer manages the release",
    );
    assert.deepEqual(Object.keys(childApplications(after)), ["external-dns"]);
    assert.deepEqual(
      releases(after).map((r) => r.name),
      releases(before)
        .map((r) => r.name)
        .filter((n) => n !== "bootstrap-external-dns"),
    );
    // The namespace stays Pulumi's, retained too: deleting it would delete what Argo CD now runs.
    assert.equal(find(after, "kubernetes:core/v1:Namespace", "bootstrap-ns-external-dns").options.retainOnDelete, true);
  });

  it("declares the same resources with the same inputs when run again after the hand-off (up is a no-op)", async () => {
    const first = await synthPlatform("staging", platformConfig("staging"));
    const second = await synthPlatform("staging", platformConfig("staging"));
    assert.deepEqual(second, first);
    assert.deepEqual(releases(first), []);
  });

  it("puts kube-prometheus-stack and logging on server-side apply, since their CRDs are too big for the annotation", async () => {
    const apps = childApplications(await synthPlatform("staging", platformConfig("staging")));
    const syncOptions = Object.fromEntries(COMPONENTS.map((c) => [c, dig(apps[c], "syncPolicy", "syncOptions")]));
    assert.deepEqual(syncOptions, {
      "kube-prometheus-stack": ["ServerSideApply=true"],
      "argo-cd": undefined,
      "sealed-secrets": undefined,
      "external-dns": undefined,
      logging: ["ServerSideApply=true"],
    });
  });

  it("never lets Argo CD's own Application prune argocd-cm or argocd-secret", async () => {
    const apps = childApplications(await synthPlatform("staging", platformConfig("staging")));
    const configs = dig(applicationValues(apps["argo-cd"]), "configs");
    assert.deepEqual(dig(configs, "cm", "annotations"), { "argocd.argoproj.io/sync-options": "Prune=false" });
    assert.deepEqual(dig(configs, "secret", "annotations"), { "argocd.argoproj.io/sync-options": "Prune=false" });
  });

  it("creates namespaces first and installs CRDs before anything that uses them", async () => {
    const resources = await synthPlatform("production", platformConfig("production"));
    const kps = "kubernetes:helm.sh/v3:Release::bootstrap-kube-prometheus-stack";
    const argocd = "kubernetes:helm.sh/v3:Release::bootstrap-argo-cd";
    const dependsOn = (type: string, name: string) => find(resources, type, name).options.dependsOn;
    assert.deepEqual(dependsOn(RELEASE_TYPE, "bootstrap-kube-prometheus-stack"), []);
    for (const c of ["argo-cd", "sealed-secrets", "external-dns", "logging"]) {
      assert.deepEqual(dependsOn(RELEASE_TYPE, `bootstrap-${c}`), [kps], `${c} uses ServiceMonitor`);
    }
    assert.deepEqual(dependsOn(APP_PROJECT_TYPE, "argocd-project-apps"), [argocd]);
    assert.deepEqual(dependsOn(APPLICATION_TYPE, "argocd-root"), [
      argocd,
      "kubernetes:argoproj.io/v1alpha1:AppProject::argocd-project-ops",
    ]);
    assert.deepEqual(dependsOn("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "ops-application-alerts"), [kps]);
    assert.deepEqual(dependsOn("kubernetes:fluentbit.fluent.io/v1alpha2:ClusterOutput", "ops-cloudwatch-logs"), [
      "kubernetes:helm.sh/v3:Release::bootstrap-logging",
    ]);
    // Namespaces come first through the inputs: every namespaced object names its Namespace's output.
    const names = resources.map((r) => `${r.type}::${r.name}`);
    const lastNamespace = Math.max(...names.map((n, i) => (n.startsWith("kubernetes:core/v1:Namespace") ? i : -1)));
    const firstRelease = names.findIndex((n) => n.startsWith(RELEASE_TYPE));
    assert.ok(lastNamespace < firstRelease);
  });

  it("waits for no release once Argo CD owns them all: their CRDs are already in the cluster", async () => {
    const resources = await synthPlatform("staging", platformConfig("staging"));
    assert.deepEqual(find(resources, APPLICATION_TYPE, "argocd-root").options.dependsOn, [
      "kubernetes:argoproj.io/v1alpha1:AppProject::argocd-project-ops",
    ]);
    assert.equal(find(resources, APPLICATION_TYPE, "argocd-root").options.provider, PROVIDER.staging);
  });
});
