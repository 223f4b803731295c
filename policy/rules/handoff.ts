import { appViewOf, chartSourcesOf, helmValuesOf, SourceView } from "../argocd";
import { defineRule, objectsOfKind } from "../define";
import { DeclaredResource, Outcome, Rule, RuleContext, undetermined, UNKNOWN, violation } from "../model";
import { describeOpaque, isOpaque, isRecord, show, valueAt } from "../values";
import { HELM_RELEASE } from "./helm";

/**
 * The hand-off (DESIGN.md, "Ownership"): Pulumi installs each ops release once as a
 * `helm.v3.Release`, then an Argo CD Application declared in the same stack takes it over. The two
 * must describe the same release, and Pulumi must let go without deleting it.
 */

/** `argo-cd` from `argo-cd`, `argo/argo-cd` or `oci://ghcr.io/argoproj/argo-helm/argo-cd`. */
function chartName(chart: string): string {
  return chart.split("/").pop() ?? chart;
}

interface Takeover {
  readonly app: string;
  readonly source: SourceView;
}

/** The Applications of the stack that install the release's chart into the release's namespace. */
function takeoversOf(release: DeclaredResource, ctx: RuleContext): Takeover[] | Outcome {
  const { chart, namespace } = release.inputs;
  if (isOpaque(chart)) return undetermined(describeOpaque("chart", chart));
  if (isOpaque(namespace)) return undetermined(describeOpaque("namespace", namespace));
  const takeovers: Takeover[] = [];
  for (const app of objectsOfKind(ctx, ["Application"])) {
    const view = appViewOf(app);
    const sources = chartSourcesOf(view);
    if (isOpaque(sources) || valueAt(view.spec, "destination", "namespace") !== namespace) continue;
    for (const source of sources) {
      if (source.source.chart === chartName(String(chart))) {
        const name = valueAt(app.body, "metadata", "name");
        takeovers.push({ app: typeof name === "string" ? name : "?", source });
      }
    }
  }
  return takeovers;
}

function overTakeovers(release: DeclaredResource, ctx: RuleContext, judge: (t: Takeover) => Outcome[]): Outcome[] {
  const takeovers = takeoversOf(release, ctx);
  return Array.isArray(takeovers) ? takeovers.flatMap(judge) : [takeovers];
}

const releaseRetained = defineRule({
  id: "argocd-handoff-release-retained",
  severity: "mandatory",
  area: "argocd",
  title: "A bootstrap Helm release that Argo CD takes over is retained on delete",
  rationale: "When Pulumi lets go of a handed-over release it must not uninstall it from under Argo CD.",
  fix: "Declare the bootstrap helm.v3.Release with retainOnDelete: true.",
  crossSubject: true,
  resources: {
    types: [HELM_RELEASE],
    check: (r, ctx) =>
      overTakeovers(r, ctx, (t) => {
        if (r.options.retainOnDelete === UNKNOWN) {
          return [
            undetermined(`retainOnDelete is not visible here, so this cannot be judged (taken over by ${t.app})`),
          ];
        }
        return r.options.retainOnDelete ? [] : [violation(`taken over by Application ${t.app} but not retainOnDelete`)];
      }),
  },
});

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
        return pairs.flatMap(([what, ours, theirs]) =>
          agreement(`${what} of Application ${app} (${path})`, ours, theirs),
        );
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
    for (let n = 0; n < a.length; n++) {
      const found = firstDifference(a[n], b[n], `${path}[${n}]`);
      if (found) return found;
    }
    return undefined;
  }
  return a === b ? undefined : [path, a, b];
}

export const handoffRules: readonly Rule[] = [releaseRetained, definitionsAgree];
