import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { allowsNamespace } from "../gitops/app-namespaces";
import { validateArgoManifests } from "../gitops/applications";
import { AppCatalog } from "../gitops/argocd";
import { GitopsConfig, parseGitopsConfig } from "../gitops/config";
import { Environment, stackIdentity } from "../stack";
import { sectionOf, shippedConfig, withValue } from "./support/config";
import { synth, testEngine } from "./support/engine";
import { inputErrorOf } from "./support/gitops";

const ref = (env: Environment, key: string): string => `[stack-ref platform-${env}:${key}]`;

function argoResources(resources: readonly ResourceRecord[]): ResourceRecord[] {
  return resources.filter((r) => r.type.startsWith("kubernetes:argoproj.io/"));
}

const labels = (env: Environment) => ({
  "app.kubernetes.io/managed-by": "gitops-platform",
  "gitops-platform/environment": env,
});

describe("gitops stack: Argo CD Applications", () => {
  it("declares one Application per app in the apps project, synced from the env's state repo", async () => {
    const result = await synth({ env: "staging", layers: ["gitops"] });
    const stack = result.stacks[0];
    assert.deepEqual(
      stack.resources.map((r) => [r.type, r.name, r.parent]),
      [
        ["pulumi:pulumi:StackReference", "infra-staging", "pulumi:pulumi:Stack::gitops-platform-gitops-staging"],
        ["pulumi:pulumi:StackReference", "platform-staging", "pulumi:pulumi:Stack::gitops-platform-gitops-staging"],
        ["pulumi:providers:kubernetes", "k8s-staging", "pulumi:pulumi:Stack::gitops-platform-gitops-staging"],
        ["gitops-platform:gitops:AppCatalog", "catalog", "pulumi:pulumi:Stack::gitops-platform-gitops-staging"],
        ["kubernetes:argoproj.io/v1alpha1:Application", "catalog-demo", "gitops-platform:gitops:AppCatalog::catalog"],
      ],
    );
    const [application] = argoResources(stack.resources);
    assert.equal(application.options.provider, "pulumi:providers:kubernetes::k8s-staging");
    assert.deepEqual(application.inputs, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: {
        name: "demo",
        namespace: ref("staging", "argocdNamespace"),
        labels: labels("staging"),
        annotations: {
          "notifications.argoproj.io/subscribe.on-health-degraded.gitops-platform": "",
          "notifications.argoproj.io/subscribe.on-sync-failed.gitops-platform": "",
        },
        finalizers: ["resources-finalizer.argocd.argoproj.io"],
      },
      spec: {
        project: ref("staging", "appsProject"),
        source: {
          repoURL: ref("staging", "stateRepoUrl"),
          targetRevision: ref("staging", "stateRepoRevision"),
          path: "apps/demo",
        },
        destination: { server: "https://kubernetes.default.svc", namespace: "demo" },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ["PrunePropagationPolicy=foreground", "PruneLast=true"],
          retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
        },
      },
    });
    assert.equal(
      stack.resources.find((r) => r.type === "pulumi:providers:kubernetes")?.inputs.kubeconfig,
      "[secret]",
      "the kubeconfig from the infra stack stays secret",
    );
  });

  it("syncs production without pruning, inside the sync windows it patches onto the apps AppProject", async () => {
    const result = await synth({ env: "production", layers: ["gitops"] });
    const [application, windows] = argoResources(result.stacks[0].resources);
    assert.deepEqual((application.inputs.metadata as { annotations: unknown }).annotations, {
      "notifications.argoproj.io/subscribe.on-health-degraded.slack": "oncall",
      "notifications.argoproj.io/subscribe.on-out-of-sync.slack": "apps-production",
      "notifications.argoproj.io/subscribe.on-sync-failed.slack": "apps-production;oncall",
    });
    assert.deepEqual((application.inputs.spec as { syncPolicy: { automated: unknown } }).syncPolicy.automated, {
      prune: false,
      selfHeal: true,
    });
    assert.deepEqual(
      [windows.type, windows.name],
      ["kubernetes:argoproj.io/v1alpha1:AppProjectPatch", "catalog-sync-windows"],
    );
    assert.deepEqual(windows.inputs, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: {
        name: ref("production", "appsProject"),
        namespace: ref("production", "argocdNamespace"),
        annotations: { "pulumi.com/patchForce": "true" },
      },
      spec: {
        syncWindows: [
          {
            kind: "allow",
            schedule: "0 8 * * 1-5",
            duration: "9h",
            timeZone: "Europe/Dublin",
            manualSync: true,
            applications: ["*"],
          },
        ],
      },
    });
  });

  it("declares one ApplicationSet with a git directory generator in applicationset mode", async () => {
    const section = { ...sectionOf(shippedConfig("staging"), "gitops-platform:gitops"), mode: "applicationset" };
    const config = withValue(shippedConfig("staging"), "gitops-platform:gitops", section);
    const result = await synth({ env: "staging", layers: ["gitops"], config });
    const [appSet] = argoResources(result.stacks[0].resources);
    assert.deepEqual([appSet.type, appSet.name], ["kubernetes:argoproj.io/v1alpha1:ApplicationSet", "catalog-catalog"]);
    const spec = appSet.inputs.spec as { generators: unknown; template: { metadata: unknown; spec: unknown } };
    assert.deepEqual(spec.generators, [
      {
        git: {
          repoURL: ref("staging", "stateRepoUrl"),
          revision: ref("staging", "stateRepoRevision"),
          directories: [{ path: "apps/*" }],
        },
      },
    ]);
    assert.deepEqual(spec.template.metadata, {
      name: "{{.path.basename}}",
      labels: labels("staging"),
      annotations: {
        "notifications.argoproj.io/subscribe.on-health-degraded.gitops-platform": "",
        "notifications.argoproj.io/subscribe.on-sync-failed.gitops-platform": "",
      },
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    });
    assert.deepEqual((spec.template.spec as { source: unknown; destination: unknown }).source, {
      repoURL: ref("staging", "stateRepoUrl"),
      targetRevision: ref("staging", "stateRepoRevision"),
      path: "{{.path.path}}",
    });
  });

  it("keeps the resource count constant in applicationset mode, however many apps there are", async () => {
    const config = (mode: string): GitopsConfig => {
      const section = sectionOf(shippedConfig("staging"), "gitops-platform:gitops");
      return parseGitopsConfig({ ...section, mode }, "Pulumi.staging.yaml");
    };
    const declare = async (mode: string, count: number): Promise<string[]> => {
      const apps = Array.from({ length: count }, (_, i) => `app-${i}`);
      const run = await testEngine().run(stackIdentity("gitops", "staging"), shippedConfig("staging"), () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const upstream = {
          argocdNamespace: "argocd",
          appsProject: "apps",
          stateRepoUrl: "u",
          stateRepoRevision: "main",
        };
        new AppCatalog("catalog", { env: "staging", config: config(mode), apps, upstream, provider });
        return pulumi.output({});
      });
      return argoResources(run.resources).map((r) => r.type.split(":").pop() ?? "");
    };
    assert.deepEqual(await declare("applications", 3), ["Application", "Application", "Application"]);
    assert.deepEqual(await declare("applicationset", 3), ["ApplicationSet"]);
    assert.deepEqual(await declare("applicationset", 200), ["ApplicationSet"]);
  });

  it("reports a bad gitops config before declaring anything", async () => {
    const section = { ...sectionOf(shippedConfig("staging"), "gitops-platform:gitops") };
    section.sync = { automated: false, prune: true, selfHeal: false, windows: [] };
    const config = withValue(shippedConfig("staging"), "gitops-platform:gitops", section);
    await assert.rejects(synth({ env: "staging", layers: ["gitops"], config }), {
      message:
        'Pulumi.staging.yaml: gitops-platform:gitops.sync: received {"automated":false,"prune":true,"selfHeal":false,"windows":[]}; ' +
        "expected prune and selfHeal false when automated is false (Argo CD applies them only to automated syncs)",
    });
    assert.deepEqual(testEngine().declared(), []);
  });

  it("refuses an app whose namespace the platform does not allow, before declaring anything", async () => {
    const platform = {
      ...sectionOf(shippedConfig("production"), "gitops-platform:platform"),
      appNamespaces: ["apps-*"],
    };
    const config = withValue(shippedConfig("production"), "gitops-platform:platform", platform);
    await assert.rejects(synth({ env: "production", layers: ["gitops"], config }), {
      message:
        'app "demo" deploys to namespace "demo", which gitops-platform:platform.appNamespaces does not allow ' +
        '(it lists: apps-*); add "demo" to gitops-platform:platform.appNamespaces in Pulumi.production.yaml',
    });
    assert.deepEqual(testEngine().declared(), []);
  });

  it("admits an app namespace by its literal name or by a glob", () => {
    const cases: [readonly string[], string, boolean][] = [
      [["demo"], "demo", true],
      [["demo"], "demo-2", false],
      [["apps-*"], "apps-billing", true],
      [["apps-*"], "billing", false],
      [["team-*-web", "demo"], "team-a-web", true],
      [[], "demo", false],
    ];
    for (const [entries, namespace, allowed] of cases) {
      assert.equal(allowsNamespace(entries, namespace), allowed, `${JSON.stringify(entries)} ${namespace}`);
    }
  });

  it("validates Argo CD objects against the CRD schemas", () => {
    const broken = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "demo", namespace: "argocd" },
      spec: { project: "apps", destination: {}, source: { repoURL: "u" }, syncPolicy: { retry: { limit: "five" } } },
    };
    assert.equal(
      inputErrorOf(() => validateArgoManifests([broken])),
      "Argo CD objects do not match their CRD schemas:\n  - Application/demo: data/spec/syncPolicy/retry/limit must be integer",
    );
  });
});
