import { parse } from "yaml";
import { KubeObject } from "./kube";
import { Outcome, undetermined } from "./model";
import { describeOpaque, isOpaque, isRecord, listAt, Opaque, valueAt } from "./values";

/**
 * Reading Argo CD objects (argoproj.io/v1alpha1, field names from the CRDs as typed by
 * @kubernetes-models/argo-cd). An ApplicationSet is judged through its Application template.
 */

export const APPLICATION_KINDS = ["Application", "ApplicationSet"];

/** An Application's metadata and spec, or an ApplicationSet's template of them. */
export interface AppView {
  /**
   * Prefix of paths in messages: "" for an Application, "spec.template." for an ApplicationSet,
   * `child Application "x": ` for one an app-of-apps renders from its chart values.
   */
  readonly at: string;
  readonly metadata: unknown;
  readonly spec: unknown;
  /** Set for an Application that an app-of-apps root renders: the root's name. */
  readonly renderedBy?: string;
}

export function appViewOf(object: KubeObject): AppView {
  if (object.kind === "ApplicationSet") {
    const template = valueAt(object.body, "spec", "template");
    return { at: "spec.template.", metadata: valueAt(template, "metadata"), spec: valueAt(template, "spec") };
  }
  return { at: "", metadata: object.body.metadata, spec: object.body.spec };
}

/** The chart that renders Applications from its values: the app-of-apps root (argoproj/argo-helm). */
export const ARGOCD_APPS_CHART = "argocd-apps";

/**
 * Fields of one `applications` entry of the argocd-apps chart, as its template
 * (charts/argocd-apps/templates/applications.yaml) copies them into the child Application.
 */
const CHILD_SPEC_FIELDS = [
  "project",
  "source",
  "sources",
  "destination",
  "syncPolicy",
  "revisionHistoryLimit",
  "ignoreDifferences",
  "info",
];

/**
 * Every Application the object stands for: itself (or an ApplicationSet's template) and, for an
 * app-of-apps root installing the argocd-apps chart, each child its values render. The children
 * exist only in the cluster, so judging them here is the only place a rule ever sees them. When the
 * root's values cannot be read, returns why instead (`hidden`): its children are unknown.
 */
export function appViewsOf(object: KubeObject): AppView[] | { readonly hidden: string } {
  const own = appViewOf(object);
  if (object.kind !== "Application") return [own];
  const sources = chartSourcesOf(own);
  if (isOpaque(sources)) return [own];
  const views: AppView[] = [own];
  const root = valueAt(own.metadata, "name");
  for (const { path, source } of sources.filter((s) => s.source.chart === ARGOCD_APPS_CHART)) {
    const values = helmValuesOf(source);
    if (values instanceof Error) return { hidden: `${path}.${values.message}` };
    if (isOpaque(values)) return { hidden: describeOpaque(`${path}.helm values`, values) };
    const entries = valueAt(values, "applications");
    if (isOpaque(entries)) return { hidden: describeOpaque(`${path}.helm values applications`, entries) };
    views.push(...childViews(entries, typeof root === "string" ? root : "?"));
  }
  return views;
}

/**
 * Runs `judge` over every Application `object` stands for (appViewsOf). When an app-of-apps root's
 * values are unknown, its children are reported as undetermined rather than passed.
 */
export function overApplications(object: KubeObject, judge: (app: AppView) => Outcome[]): Outcome[] {
  const views = appViewsOf(object);
  if (Array.isArray(views)) return views.flatMap(judge);
  return [...judge(appViewOf(object)), undetermined(views.hidden)];
}

/** argocd-apps 2.x keys `applications` by name; 1.x listed entries with a `name` field. Both render alike. */
function childViews(entries: unknown, root: string): AppView[] {
  const named: [string, Record<string, unknown>][] = Array.isArray(entries)
    ? entries.filter(isRecord).map((e) => [String(e.name), e])
    : isRecord(entries)
      ? Object.entries(entries).flatMap(([name, e]): [string, Record<string, unknown>][] =>
          isRecord(e) ? [[name, e]] : [],
        )
      : [];
  return named.map(([name, entry]) => ({
    at: `child Application ${JSON.stringify(name)}: `,
    renderedBy: root,
    metadata: {
      name,
      namespace: entry.namespace,
      labels: entry.additionalLabels,
      annotations: entry.additionalAnnotations,
      finalizers: entry.finalizers,
    },
    spec: Object.fromEntries(CHILD_SPEC_FIELDS.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]])),
  }));
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
