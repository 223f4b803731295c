import {
  APPLICATION_KINDS,
  AppView,
  appViewOf,
  CASCADE_FINALIZERS,
  helmValuesOf,
  isSelfManagedArgoCd,
  overApplications,
  sourcesOf,
  usesChart,
} from "../argocd";
import { defineRule, objectsOfKind } from "../define";
import { KubeObject, nameOf } from "../kube";
import { Outcome, Rule, RuleContext, Subject, undetermined, violation } from "../model";
import { describeOpaque, isOpaque, isRecord, listAt, show, valueAt } from "../values";

/**
 * Argo CD's own security guidance (projects as the tenancy boundary, no `default` project, no
 * wildcard repos) and this project's hand-off decisions (DESIGN.md, "Ownership").
 */

const appProjectNotDefault = defineRule({
  id: "argocd-app-project-not-default",
  severity: "mandatory",
  area: "argocd",
  title: "Applications belong to a named AppProject, never `default`",
  rationale: "The default project allows any repo, any destination and any kind: it switches off Argo CD's tenancy.",
  fix: "Set spec.project to the platform's apps project (platform output appsProject).",
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) =>
      overApplications(o, (app) => {
        const project = valueAt(app.spec, "project");
        const path = `${app.at}spec.project`;
        if (isOpaque(project)) return [undetermined(describeOpaque(path, project))];
        if (project === undefined || project === "" || project === "default") {
          return [violation(`${path} is ${show(project)}`)];
        }
        return [];
      }),
  },
});

/**
 * Judges the Applications that are objects: declared by Pulumi, hydrated, or an ApplicationSet's
 * template. Not the children an app-of-apps root renders from its values: in this platform each is
 * the Argo CD side of a release hand-off, and removing one (handing the release back to Pulumi) must
 * keep the workloads, so they carry no finalizer. The root does carry it: deleting the root deletes
 * its children, and only them (docs/architecture.md, "The platform layer").
 */
const cascadeFinalizer = defineRule({
  id: "argocd-app-cascade-finalizer",
  severity: "mandatory",
  area: "argocd",
  title: "Deleting an Application deletes what it deployed (resources finalizer)",
  rationale:
    "Without the finalizer, removing an app from the catalog orphans its objects in the cluster: Git and cluster diverge.",
  fix: "Add resources-finalizer.argocd.argoproj.io to metadata.finalizers (not on Argo CD's own Application).",
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) => {
      const app = appViewOf(o);
      // Cascade-deleting Argo CD's own Application would uninstall Argo CD mid-deletion.
      if (isSelfManagedArgoCd(app)) return [];
      const path = `${app.at}metadata.finalizers`;
      const finalizers = listAt(app.metadata, "finalizers");
      if (isOpaque(finalizers)) return [undetermined(describeOpaque(path, finalizers))];
      return finalizers.some((f) => CASCADE_FINALIZERS.includes(String(f)))
        ? []
        : [violation(`${path} lacks ${CASCADE_FINALIZERS[0]}`)];
    },
  },
});

const prometheusServerSideApply = defineRule({
  id: "argocd-prometheus-server-side-apply",
  severity: "mandatory",
  area: "argocd",
  title: "kube-prometheus-stack syncs with ServerSideApply=true",
  rationale: "Its CRDs exceed the 256 KiB last-applied annotation of client-side apply, so syncs fail.",
  fix: "Add ServerSideApply=true to spec.syncPolicy.syncOptions of the kube-prometheus-stack Application.",
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) =>
      overApplications(o, (app) => {
        if (!usesChart(app, "kube-prometheus-stack")) return [];
        const options = listAt(app.spec, "syncPolicy", "syncOptions");
        const path = `${app.at}spec.syncPolicy.syncOptions`;
        if (isOpaque(options)) return [undetermined(describeOpaque(path, options))];
        return options.includes("ServerSideApply=true") ? [] : [violation(`${path} lacks ServerSideApply=true`)];
      }),
  },
});

const NO_PRUNE = "Prune=false";
const SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options";

/**
 * argo-cd chart values (argoproj/argo-helm charts/argo-cd/values.yaml): `configs.cm` renders
 * argocd-cm unless `create: false`; `configs.secret` renders argocd-secret unless `createSecret: false`.
 */
const ARGO_CD_CONFIG = [
  { object: "argocd-cm", values: "configs.cm", createdUnless: "create" },
  { object: "argocd-secret", values: "configs.secret", createdUnless: "createSecret" },
] as const;

const selfNoPruneConfig = defineRule({
  id: "argocd-self-no-prune-config",
  severity: "mandatory",
  area: "argocd",
  title: "Argo CD's own Application never prunes argocd-cm or argocd-secret",
  rationale: "Pruning them mid-sync logs everyone out and drops repo credentials: Argo CD can no longer heal itself.",
  fix: `Set configs.cm.annotations and configs.secret.annotations {"${SYNC_OPTIONS_ANNOTATION}": "${NO_PRUNE}"} in its values.`,
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) => overApplications(o, selfManagedConfigProtected),
  },
});

function selfManagedConfigProtected(app: AppView): Outcome[] {
  if (!isSelfManagedArgoCd(app)) return [];
  const sources = sourcesOf(app);
  // Stryker disable next-line all: isSelfManagedArgoCd found an argo-cd chart among these sources, so they are known here
  if (isOpaque(sources)) return [undetermined(describeOpaque(`${app.at}spec.source`, sources))];
  return sources.filter((s) => s.source.chart === "argo-cd").flatMap((s) => configProtected(s.path, s.source));
}

function configProtected(path: string, source: Readonly<Record<string, unknown>>): Outcome[] {
  const values = helmValuesOf(source);
  if (values instanceof Error) return [undetermined(`${path}.${values.message}`)];
  if (isOpaque(values)) return [undetermined(describeOpaque(`${path}.helm values`, values))];
  return ARGO_CD_CONFIG.flatMap(({ object, values: at, createdUnless }): Outcome[] => {
    const section = valueAt(values, ...at.split("."));
    if (valueAt(section, createdUnless) === false) return [];
    const options = valueAt(section, "annotations", SYNC_OPTIONS_ANNOTATION);
    if (typeof options === "string" && options.split(",").some((opt) => opt.trim() === NO_PRUNE)) return [];
    return [violation(`${object} can be pruned: ${at}.annotations["${SYNC_OPTIONS_ANNOTATION}"] lacks ${NO_PRUNE}`)];
  });
}

const selfHeal = defineRule({
  id: "argocd-app-self-heal",
  severity: "advisory",
  area: "argocd",
  title: "Applications sync automatically and heal drift",
  rationale: "GitOps principles 3 and 4: approved changes apply by themselves and the agent corrects divergence.",
  fix: "Set spec.syncPolicy.automated.selfHeal: true.",
  objects: {
    kinds: APPLICATION_KINDS,
    check: (o) =>
      overApplications(o, (app) => {
        const path = `${app.at}spec.syncPolicy.automated.selfHeal`;
        const value = valueAt(app.spec, "syncPolicy", "automated", "selfHeal");
        if (isOpaque(value)) return [undetermined(describeOpaque(path, value))];
        return value === true ? [] : [violation(`${path} is ${show(value)}`)];
      }),
  },
});

/** Runs `judge` over each item of an AppProject's spec list. */
function overProjectList(o: KubeObject, field: string, judge: (item: unknown, path: string) => Outcome[]): Outcome[] {
  const items = listAt(o.body, "spec", field);
  if (isOpaque(items)) return [undetermined(describeOpaque(`spec.${field}`, items))];
  return items.flatMap((item, n) => judge(item, `spec.${field}[${n}]`));
}

const sourceReposRestricted = defineRule({
  id: "argocd-project-source-repos-restricted",
  severity: "mandatory",
  area: "argocd",
  title: 'AppProjects list their source repositories; never "*"',
  rationale: "With sourceRepos * anyone who can create an Application deploys from any repository on the internet.",
  fix: "List the state repo (and chart repos) URLs in spec.sourceRepos.",
  objects: {
    kinds: ["AppProject"],
    check: (o) =>
      overProjectList(o, "sourceRepos", (repo, path) => {
        if (isOpaque(repo)) return [undetermined(describeOpaque(path, repo))];
        return repo === "*" ? [violation(`${path} is "*"`)] : [];
      }),
  },
});

/**
 * The label that marks the platform's own AppProject (platform/projects.ts sets it on `ops`). Every
 * other AppProject is an app project. The label cannot be borrowed: a platform project must be
 * declared by Pulumi (never come from the state repo) and share no source repository with an app
 * project, so app content can never deploy with the platform project's cluster-wide rights.
 */
const PROJECT_ROLE_LABEL = "gitops-platform/project-role";
const PLATFORM_PROJECT_ROLE = "platform";

function projectRoleOf(o: KubeObject): unknown {
  return valueAt(o.body, "metadata", "labels", PROJECT_ROLE_LABEL);
}

function platformProjectIsolated(o: KubeObject, ctx: RuleContext, subject: Subject): Outcome[] {
  if (subject.source === "manifest") {
    return [violation(`metadata.labels["${PROJECT_ROLE_LABEL}"] is "${PLATFORM_PROJECT_ROLE}" in the state repo`)];
  }
  const appProjects = objectsOfKind(ctx, ["AppProject"]).filter((p) => projectRoleOf(p) !== PLATFORM_PROJECT_ROLE);
  return overProjectList(o, "sourceRepos", (repo, path): Outcome[] => {
    if (isOpaque(repo)) return [undetermined(describeOpaque(path, repo))];
    return appProjects.flatMap((p): Outcome[] => {
      const theirs = listAt(p.body, "spec", "sourceRepos");
      if (isOpaque(theirs)) return [undetermined(describeOpaque(`spec.sourceRepos of ${show(nameOf(p))}`, theirs))];
      return theirs.includes(repo)
        ? [violation(`${path} ${show(repo)} is also a source of app project ${show(nameOf(p))}`)]
        : [];
    });
  });
}

const noClusterResources = defineRule({
  id: "argocd-project-no-cluster-resources",
  severity: "mandatory",
  area: "argocd",
  title: "App projects may not create cluster-scoped resources",
  rationale: "An app that can create ClusterRoles, CRDs or webhooks can escalate to cluster-admin.",
  fix: `Empty spec.clusterResourceWhitelist; only the platform's own project (label ${PROJECT_ROLE_LABEL}: ${PLATFORM_PROJECT_ROLE}) may have one.`,
  crossSubject: true,
  objects: {
    kinds: ["AppProject"],
    check: (o, ctx, subject) => {
      const role = projectRoleOf(o);
      const path = `metadata.labels["${PROJECT_ROLE_LABEL}"]`;
      if (isOpaque(role)) return [undetermined(describeOpaque(path, role))];
      if (role === PLATFORM_PROJECT_ROLE) return platformProjectIsolated(o, ctx, subject);
      return overProjectList(o, "clusterResourceWhitelist", (entry, at) => [
        violation(`${at} allows ${isRecord(entry) ? `${show(entry.group)}/${show(entry.kind)}` : show(entry)}`),
      ]);
    },
  },
});

const destinationsScoped = defineRule({
  id: "argocd-project-destinations-scoped",
  severity: "advisory",
  area: "argocd",
  title: 'AppProject destinations name their cluster and namespaces; no "*"',
  rationale: "A wildcard destination lets an app deploy into kube-system or the argocd namespace itself.",
  fix: "List each destination namespace (and the in-cluster server) explicitly.",
  objects: {
    kinds: ["AppProject"],
    check: (o) =>
      overProjectList(o, "destinations", (destination, path) =>
        ["server", "name", "namespace"].flatMap((field): Outcome[] => {
          const value = valueAt(destination, field);
          if (isOpaque(value)) return [undetermined(describeOpaque(`${path}.${field}`, value))];
          return value === "*" ? [violation(`${path}.${field} is "*"`)] : [];
        }),
      ),
  },
});

export const argocdRules: readonly Rule[] = [
  appProjectNotDefault,
  cascadeFinalizer,
  prometheusServerSideApply,
  selfNoPruneConfig,
  selfHeal,
  sourceReposRestricted,
  noClusterResources,
  destinationsScoped,
];
