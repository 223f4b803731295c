import { APPLICATION_KINDS, chartSourcesOf, overApplications } from "../argocd";
import { defineRule } from "../define";
import { KubeObject } from "../kube";
import { DeclaredResource, Outcome, Rule, undetermined, violation } from "../model";
import { describeOpaque, isExactVersion, isOpaque, show, valueAt } from "../values";

/**
 * Helm charts, wherever they are installed from: a bootstrap `helm.v3.Release` (or a v4 Chart)
 * declared by Pulumi, or a chart source of an Argo CD Application.
 */

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_TYPES = [HELM_RELEASE, "kubernetes:helm.sh/v4:Chart"];

/** A chart from a local directory carries its version in Chart.yaml: there is nothing to pin. */
function isLocalChart(chart: unknown): boolean {
  return typeof chart === "string" && (chart.startsWith(".") || chart.startsWith("/"));
}

function versionOutcome(path: string, value: unknown): Outcome[] {
  if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
  if (isExactVersion(value)) return [];
  return [violation(`${path} is ${value === undefined ? "unset: the newest chart is installed" : show(value)}`)];
}

/** Runs `judge` over every chart source of an Application, ApplicationSet or app-of-apps child. */
function overChartSources(object: KubeObject, judge: (path: string, source: Record<string, unknown>) => Outcome[]) {
  return overApplications(object, (app) => {
    const sources = chartSourcesOf(app);
    if (isOpaque(sources)) return [undetermined(describeOpaque(`${app.at}spec.source`, sources))];
    return sources.flatMap((s) => judge(s.path, s.source));
  });
}

const chartVersionPinned = defineRule({
  id: "helm-chart-version-pinned",
  severity: "mandatory",
  area: "helm",
  title: "Every Helm chart is pinned to an exact version",
  rationale:
    "A range or a missing version installs whatever the repository serves today; bootstrap and Argo CD then drift apart.",
  fix: "Pin version / targetRevision to an exact chart version (e.g. 7.7.3) in Pulumi.<env>.yaml.",
  resources: {
    types: HELM_TYPES,
    check: (r) => (isLocalChart(r.inputs.chart) ? [] : versionOutcome("version", r.inputs.version)),
  },
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) =>
      overChartSources(o, (path, source) => versionOutcome(`${path}.targetRevision`, source.targetRevision)),
  },
});

function tlsOutcome(path: string, url: unknown): Outcome[] {
  if (isOpaque(url)) return [undetermined(describeOpaque(path, url))];
  return typeof url === "string" && url.toLowerCase().startsWith("http://")
    ? [violation(`${path} is ${show(url)}`)]
    : [];
}

function releaseRepo(r: DeclaredResource): [string, unknown] {
  const repo = valueAt(r.inputs, "repositoryOpts", "repo");
  return repo === undefined ? ["chart", r.inputs.chart] : ["repositoryOpts.repo", repo];
}

const repoTls = defineRule({
  id: "helm-repo-tls",
  severity: "mandatory",
  area: "helm",
  title: "Charts are fetched over TLS (https:// or OCI), never plain http://",
  rationale: "A chart fetched over plain HTTP can be swapped in transit, and it runs with cluster-admin rights.",
  fix: "Use the https:// (or oci://) address of the chart repository.",
  resources: {
    types: HELM_TYPES,
    check: (r) => tlsOutcome(...releaseRepo(r)),
  },
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) => overChartSources(o, (path, source) => tlsOutcome(`${path}.repoURL`, source.repoURL)),
  },
});

export const helmRules: readonly Rule[] = [chartVersionPinned, repoTls];
