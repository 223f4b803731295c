import { AppView, appViewsOf, chartSourcesOf, helmValuesOf, SourceView } from "../argocd";
import { defineRule, objectsOfKind } from "../define";
import { DeclaredResource, Outcome, Rule, RuleContext, undetermined, violation } from "../model";
import { UNKNOWN_MARKER } from "../../config";
import { describeOpaque, isOpaque, isRecord, show, valueAt } from "../values";
import { HELM_RELEASE } from "./helm";

/**
 * The hand-off (DESIGN.md, "Ownership"; docs/operations.md, "Bootstrap and hand-off").
 * Pulumi installs each ops release once as a `helm.v3.Release`; setting its owner to `argocd`
 * replaces that Release with a child Application of the platform's root, which adopts the running
 * release. Steady state is what one `up` of a config converges to: every release has exactly one
 * owner. The Release leaves Pulumi's state in the same `up` that adds the child, so it must have
 * been retained on delete from its first `up`, and the two must describe the same release.
 */

/** `argo-cd` from `argo-cd`, `argo/argo-cd` or `oci://ghcr.io/argoproj/argo-helm/argo-cd`. */
function chartName(chart: string): string {
  return chart.split("/").pop() ?? chart;
}

interface Takeover {
  /** How messages name the Application: `Application argocd`, or a child with its root. */
  readonly app: string;
  readonly source: SourceView;
}

function describeApp(view: AppView): string {
  const name = valueAt(view.metadata, "name");
  const shown = typeof name === "string" ? name : "?";
  return view.renderedBy ? `Application ${shown} (rendered by ${view.renderedBy})` : `Application ${shown}`;
}

/**
 * The Applications of the stack (children an app-of-apps renders included) that install the
 * release's chart, under the release's name when it has one, into the release's namespace.
 */
function takeoversOf(release: DeclaredResource, ctx: RuleContext): Takeover[] | Outcome {
  const { chart, namespace, name } = release.inputs;
  if (isOpaque(chart)) return undetermined(describeOpaque("chart", chart));
  if (isOpaque(namespace)) return undetermined(describeOpaque("namespace", namespace));
  const takeovers: Takeover[] = [];
  for (const object of objectsOfKind(ctx, ["Application"])) {
    const views = appViewsOf(object);
    if (!Array.isArray(views)) return undetermined(views.hidden);
    for (const view of views) {
      const sources = chartSourcesOf(view);
      if (isOpaque(sources) || valueAt(view.spec, "destination", "namespace") !== namespace) continue;
      for (const source of sources) {
        if (source.source.chart !== chartName(String(chart))) continue;
        const releaseName = valueAt(source.source, "helm", "releaseName") ?? valueAt(view.metadata, "name");
        if (typeof name === "string" && releaseName !== name) continue;
        takeovers.push({ app: describeApp(view), source });
      }
    }
  }
  return takeovers;
}

function overTakeovers(release: DeclaredResource, ctx: RuleContext, judge: (t: Takeover) => Outcome[]): Outcome[] {
  const takeovers = takeoversOf(release, ctx);
  return Array.isArray(takeovers) ? takeovers.flatMap(judge) : [takeovers];
}

const singleOwner = defineRule({
  id: "argocd-handoff-single-owner",
  severity: "mandatory",
  area: "argocd",
  title: "Each Helm release has one owner: a Pulumi Release or an Argo CD Application, never both",
  rationale:
    "Two owners fight: Helm upgrades and Argo CD's self-heal revert each other, and either one's delete removes the other's release.",
  fix: "Set the release's owner in Pulumi.<env>.yaml (pulumi or argocd): the platform then declares only that one.",
  crossSubject: true,
  resources: {
    types: [HELM_RELEASE],
    check: (r, ctx) => overTakeovers(r, ctx, (t) => [violation(`is also installed by ${t.app}`)]),
  },
});

/** Argo CD takes releases over from a stack that declares Applications (the platform's root among them). */
function argoCdTakesOver(ctx: RuleContext): boolean {
  return objectsOfKind(ctx, ["Application", "ApplicationSet"]).length > 0;
}

const releaseRetained = defineRule({
  id: "argocd-handoff-release-retained",
  severity: "mandatory",
  area: "argocd",
  title: "Bootstrap Helm releases are retained on delete where Argo CD can take them over",
  rationale:
    "Pulumi reads retainOnDelete from its state (pulumi/pulumi#13428): set only at the hand-off, it comes too late and the release is uninstalled.",
  fix: "Declare the bootstrap helm.v3.Release with retainOnDelete: true from its first up.",
  crossSubject: true,
  resources: {
    types: [HELM_RELEASE],
    check: (r, ctx) => {
      if (!argoCdTakesOver(ctx)) return [];
      if (r.options.retainOnDelete === UNKNOWN_MARKER) {
        return [undetermined("retainOnDelete is not visible here, so this cannot be judged")];
      }
      return r.options.retainOnDelete
        ? []
        : [violation("is not retainOnDelete, in a stack whose Applications can take it over")];
    },
  },
});

/**
 * Judged where a Release and an Application installing the same release are declared at once. This
 * platform never declares both (single-owner); it derives them from one table, and its tests prove
 * that table's two renderings agree.
 */
const definitionsAgree = defineRule({
  id: "argocd-handoff-definitions-agree",
  severity: "mandatory",
  area: "argocd",
  title: "The bootstrap release and the Application that takes it over agree on repo, version and values",
  rationale:
    "Skew between the bootstrap and the self-managed copy (Argo CD above all) has caused real outages at hand-off.",
  fix: "Derive both from the one release definition in platform/releases.ts.",
  crossSubject: true,
  resources: {
    types: [HELM_RELEASE],
    check: (r, ctx) =>
      overTakeovers(r, ctx, ({ app, source: { path, source } }) => {
        const repo = valueAt(r.inputs, "repositoryOpts", "repo");
        const values = helmValuesOf(source);
        const pairs: [string, unknown, unknown][] = [
          ["version", r.inputs.version, source.targetRevision],
          ["repo", trimSlash(repo), trimSlash(source.repoURL)],
        ];
        if (values instanceof Error) return [undetermined(`${path}.${values.message}`)];
        pairs.push(["values", r.inputs.values ?? {}, values]);
        return pairs.flatMap(([what, ours, theirs]) => agreement(`${what} of ${app} (${path})`, ours, theirs));
      }),
  },
});

function trimSlash(url: unknown): unknown {
  return typeof url === "string" ? url.replace(/\/+$/, "") : url;
}

function agreement(what: string, release: unknown, app: unknown): Outcome[] {
  const at = firstDifference(release, app, "");
  if (at === undefined) return [];
  const [path, ours, theirs] = at;
  const where = path ? `${what} at ${path}` : what;
  if (isOpaque(ours) || isOpaque(theirs)) return [undetermined(`${where} is not known here, so this cannot be judged`)];
  return [violation(`${where}: the release has ${show(ours)}, the Application ${show(theirs)}`)];
}

/** The first path where two plain values differ, with both values there. */
function firstDifference(a: unknown, b: unknown, path: string): [string, unknown, unknown] | undefined {
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const found = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    // Stryker disable next-line EqualityOperator: one step past the end compares undefined with undefined, which agree
    for (let n = 0; n < a.length; n++) {
      const found = firstDifference(a[n], b[n], `${path}[${n}]`);
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : [path, a, b];
}

export const handoffRules: readonly Rule[] = [singleOwner, releaseRetained, definitionsAgree];
