import { parse } from "yaml";
import { KubeObject } from "./kube";
import { isOpaque, isRecord, listAt, Opaque, valueAt } from "./values";

/**
 * Reading Argo CD objects (argoproj.io/v1alpha1, field names from the CRDs as typed by
 * @kubernetes-models/argo-cd). An ApplicationSet is judged through its Application template.
 */

export const APPLICATION_KINDS = ["Application", "ApplicationSet"];

/** An Application's metadata and spec, or an ApplicationSet's template of them. */
export interface AppView {
  /** Prefix of paths in messages: "" for an Application, "spec.template." for an ApplicationSet. */
  readonly at: string;
  readonly metadata: unknown;
  readonly spec: unknown;
}

export function appViewOf(object: KubeObject): AppView {
  if (object.kind === "ApplicationSet") {
    const template = valueAt(object.body, "spec", "template");
    return { at: "spec.template.", metadata: valueAt(template, "metadata"), spec: valueAt(template, "spec") };
  }
  return { at: "", metadata: object.body.metadata, spec: object.body.spec };
}

export interface SourceView {
  /** `spec.source` or `spec.sources[1]`, for messages. */
  readonly path: string;
  readonly source: Readonly<Record<string, unknown>>;
}

/** Every source of an app (single `source` or multi-source `sources`), or the opaque value hiding them. */
export function sourcesOf(app: AppView): SourceView[] | Opaque {
  const single = valueAt(app.spec, "source");
  if (isOpaque(single)) return single;
  const many = listAt(app.spec, "sources");
  if (isOpaque(many)) return many;
  const views: SourceView[] = isRecord(single) ? [{ path: `${app.at}spec.source`, source: single }] : [];
  many.forEach((s, n) => {
    if (isRecord(s)) views.push({ path: `${app.at}spec.sources[${n}]`, source: s });
  });
  return views;
}

/** Sources that install a Helm chart from a chart repository (`chart` is set). */
export function chartSourcesOf(app: AppView): SourceView[] | Opaque {
  const sources = sourcesOf(app);
  return isOpaque(sources) ? sources : sources.filter((s) => s.source.chart !== undefined);
}

export function usesChart(app: AppView, chart: string): boolean {
  const sources = chartSourcesOf(app);
  return !isOpaque(sources) && sources.some((s) => s.source.chart === chart);
}

/** The Argo CD Application that installs Argo CD itself from the argo-cd chart (argoproj/argo-helm). */
export const ARGO_CD_CHART = "argo-cd";

export function isSelfManagedArgoCd(app: AppView): boolean {
  return usesChart(app, ARGO_CD_CHART);
}

/**
 * The Helm values a source passes, as Argo CD merges them: `helm.values` (YAML text) first, then
 * `helm.valuesObject` on top. An opaque part makes the whole opaque; unparsable YAML is reported.
 */
export function helmValuesOf(source: Readonly<Record<string, unknown>>): Record<string, unknown> | Opaque | Error {
  const text = valueAt(source, "helm", "values");
  const object = valueAt(source, "helm", "valuesObject");
  if (isOpaque(text)) return text;
  if (isOpaque(object)) return object;
  let fromText: unknown = {};
  if (typeof text === "string") {
    try {
      fromText = parse(text) ?? {};
    } catch (err) {
      return new Error(`helm.values is not valid YAML (${(err as Error).message.split("\n")[0]})`);
    }
  }
  return mergeValues(isRecord(fromText) ? fromText : {}, isRecord(object) ? object : {});
}

function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = merged[key];
    merged[key] = isRecord(below) && isRecord(value) ? mergeValues(below, value) : value;
  }
  return merged;
}

/** The finalizer that makes deleting an Application delete what it deployed (Argo CD docs, "App Deletion"). */
export const CASCADE_FINALIZERS = [
  "resources-finalizer.argocd.argoproj.io",
  "resources-finalizer.argocd.argoproj.io/background",
  "resources-finalizer.argocd.argoproj.io/foreground",
];
