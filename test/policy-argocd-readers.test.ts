import * as assert from "node:assert/strict";
import { SECRET_MARKER, UNKNOWN_MARKER } from "../config";
import { appViewOf, appViewsOf, chartSourcesOf, helmValuesOf, sourcesOf } from "../policy/argocd";
import { KubeObject } from "../policy/kube";

/** How the guardrails read Argo CD objects (policy/argocd.ts): sources, Helm values, app-of-apps children. */

function object(kind: string, body: Record<string, unknown>, apiVersion = "argoproj.io/v1alpha1"): KubeObject {
  return { apiVersion, kind, body: { apiVersion, kind, ...body } };
}

describe("policy Argo CD readers", () => {
  const chartSource = { repoURL: "https://charts.example.com", chart: "demo", targetRevision: "1.0.0" };
  const gitSource = { repoURL: "https://git.example.com/repo.git", path: "apps" };

  it("reads an ApplicationSet through its template, with its paths prefixed, and renders no children from it", () => {
    const appsChart = { chart: "argocd-apps", helm: { valuesObject: { applications: { child: { project: "x" } } } } };
    const set = object(
      "ApplicationSet",
      { spec: { template: { metadata: { name: "t" }, spec: { project: "apps", source: appsChart } } } },
      "argoproj.io/v1alpha1",
    );
    assert.deepEqual(appViewOf(set), {
      at: "spec.template.",
      metadata: { name: "t" },
      spec: { project: "apps", source: appsChart },
    });
    assert.deepEqual(appViewsOf(set), [appViewOf(set)]);
  });

  it("reads the sources of an app: the single source, then each record of the list", () => {
    const app = { at: "", metadata: {}, spec: { source: chartSource, sources: [gitSource, "junk", chartSource] } };
    assert.deepEqual(sourcesOf(app), [
      { path: "spec.source", source: chartSource },
      { path: "spec.sources[0]", source: gitSource },
      { path: "spec.sources[2]", source: chartSource },
    ]);
    assert.deepEqual(chartSourcesOf(app), [
      { path: "spec.source", source: chartSource },
      { path: "spec.sources[2]", source: chartSource },
    ]);
    assert.equal(sourcesOf({ at: "", metadata: {}, spec: { source: UNKNOWN_MARKER } }), UNKNOWN_MARKER);
    assert.equal(sourcesOf({ at: "", metadata: {}, spec: { sources: SECRET_MARKER } }), SECRET_MARKER);
    assert.equal(chartSourcesOf({ at: "", metadata: {}, spec: { sources: SECRET_MARKER } }), SECRET_MARKER);
  });

  it("merges Helm values as Argo CD does: the YAML text, then valuesObject on top, maps key by key", () => {
    const source = {
      helm: { values: "a:\n  b: 1\n  c: [1, 2]\nd: text\n", valuesObject: { a: { c: [3], e: true }, d: { f: 1 } } },
    };
    assert.deepEqual(helmValuesOf(source), { a: { b: 1, c: [3], e: true }, d: { f: 1 } });
    assert.deepEqual(helmValuesOf({ helm: { values: "" } }), {});
    assert.deepEqual(helmValuesOf({ helm: { values: "- 1" } }), {});
    assert.equal(helmValuesOf({ helm: { values: UNKNOWN_MARKER } }), UNKNOWN_MARKER);
    assert.equal(helmValuesOf({ helm: { values: "a: 1", valuesObject: SECRET_MARKER } }), SECRET_MARKER);
    const broken = helmValuesOf({ helm: { values: "a: [" } });
    assert.ok(broken instanceof Error);
    assert.match(broken.message, /^helm\.values is not valid YAML \([^\n]+\)$/);
  });

  /** An app-of-apps root installing the argocd-apps chart with `values` as its valuesObject. */
  function root(values: unknown, name: unknown = "platform"): KubeObject {
    return object(
      "Application",
      { metadata: { name }, spec: { source: { chart: "argocd-apps", helm: { valuesObject: values } } } },
      "argoproj.io/v1alpha1",
    );
  }

  it("renders a root's children from applications keyed by name (2.x) or listed with names (1.x)", () => {
    const entry = {
      namespace: "argocd",
      additionalLabels: { a: "b" },
      finalizers: ["f"],
      project: "ops",
      source: chartSource,
      sources: [gitSource],
      destination: { namespace: "demo" },
      syncPolicy: { automated: {} },
      revisionHistoryLimit: 3,
      ignoreDifferences: [{ kind: "Secret" }],
      info: [{ name: "a", value: "b" }],
      unrelated: true,
    };
    const child = {
      at: 'child Application "demo": ',
      renderedBy: "platform",
      metadata: { name: "demo", namespace: "argocd", labels: { a: "b" }, annotations: undefined, finalizers: ["f"] },
      spec: {
        project: "ops",
        source: chartSource,
        sources: [gitSource],
        destination: { namespace: "demo" },
        syncPolicy: { automated: {} },
        revisionHistoryLimit: 3,
        ignoreDifferences: [{ kind: "Secret" }],
        info: [{ name: "a", value: "b" }],
      },
    };
    const keyed = appViewsOf(root({ applications: { demo: entry, broken: "x", bare: { project: "ops" } } }));
    assert.deepEqual(Array.isArray(keyed) && keyed.slice(1), [
      child,
      {
        at: 'child Application "bare": ',
        renderedBy: "platform",
        metadata: {
          name: "bare",
          namespace: undefined,
          labels: undefined,
          annotations: undefined,
          finalizers: undefined,
        },
        spec: { project: "ops" },
      },
    ]);
    const listed = appViewsOf(root({ applications: [{ name: "demo", ...entry }, "x"] }, 7));
    assert.deepEqual(Array.isArray(listed) && listed.slice(1), [
      { ...child, renderedBy: "?", spec: child.spec, metadata: child.metadata },
    ]);
    const none = appViewsOf(root({ applications: "x" }));
    assert.equal(Array.isArray(none) && none.length, 1);
  });

  it("says why a root's children are hidden: unknown values, unknown applications or unreadable YAML", () => {
    assert.deepEqual(appViewsOf(root(UNKNOWN_MARKER)), {
      hidden: "spec.source.helm values is unknown until deployed, so this cannot be judged",
    });
    assert.deepEqual(appViewsOf(root({ applications: SECRET_MARKER })), {
      hidden: "spec.source.helm values applications is secret, so this cannot be judged",
    });
    const yaml = object("Application", { spec: { source: { chart: "argocd-apps", helm: { values: "a: [" } } } });
    const hidden = appViewsOf(yaml);
    assert.ok(!Array.isArray(hidden));
    assert.match(hidden.hidden, /^spec\.source\.helm\.values is not valid YAML \(/);
    const opaque = object("Application", { spec: { source: UNKNOWN_MARKER } });
    assert.deepEqual(appViewsOf(opaque), [appViewOf(opaque)]);
  });
});
