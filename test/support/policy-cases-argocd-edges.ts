import { UNKNOWN_MARKER } from "../../config";
import {
  ARGO_HELM,
  application,
  appProject,
  argoCdApplication,
  argoCdRelease,
  declared,
  declaredObject,
  manifest,
  patch,
  platformProject,
  prometheusApplication,
  rootApplication,
  STATE_REPO,
} from "./policy";
import { cannotJudge, fails, passes, RuleCase } from "./policy-cases";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const UNKNOWN = "is unknown until deployed, so this cannot be judged";
const ROLE_LABEL = 'metadata.labels["gitops-platform/project-role"]';

/** A platform stack declaring the bootstrap release and `objects` beside it. */
function beside(release: Record<string, unknown>, ...objects: Record<string, unknown>[]) {
  return {
    resources: [
      declared(RELEASE, "argocd", release, { retainOnDelete: true }),
      ...objects.map((o) => declaredObject(o)),
    ],
  };
}

/** The bootstrap release and Argo CD's own Application, with the release's values replaced. */
function releaseValues(release: Record<string, unknown>, app: Record<string, unknown>) {
  return beside(
    patch(argoCdRelease, "values", release),
    patch(argoCdApplication, "spec.source.helm.valuesObject", app),
  );
}

/** A release named `name` and the Application of that release name that takes it over, with their values. */
function pair(name: string, release: Record<string, unknown>, app: Record<string, unknown>) {
  const application = patch(patch(argoCdApplication, "metadata.name", name), "spec.source.helm", {
    releaseName: name,
    valuesObject: app,
  });
  return [declared(RELEASE, name, { ...argoCdRelease, name, values: release }), declaredObject(application)];
}

const AGREE = "values of Application argocd (spec.source)";

/** Boundaries and unknowns of the Argo CD and hand-off rules. */
export const argocdEdgeCases: RuleCase[] = [
  fails(
    "argocd-app-project-not-default",
    "fails an empty project",
    { manifests: [manifest(patch(application, "spec.project", ""))] },
    'spec.project is ""',
  ),
  passes("argocd-app-cascade-finalizer", "passes the background and foreground forms of the finalizer", {
    manifests: [
      manifest(patch(application, "metadata.finalizers", ["resources-finalizer.argocd.argoproj.io/background"])),
      manifest(
        patch(application, "metadata.finalizers", ["resources-finalizer.argocd.argoproj.io/foreground"]),
        "apps/demo/foreground.yaml",
      ),
    ],
  }),
  cannotJudge(
    "argocd-app-cascade-finalizer",
    "cannot judge finalizers unknown offline",
    { resources: [declaredObject(patch(application, "metadata.finalizers", UNKNOWN_MARKER))] },
    `metadata.finalizers ${UNKNOWN}`,
  ),
  cannotJudge(
    "argocd-prometheus-server-side-apply",
    "cannot judge sync options unknown offline",
    { resources: [declaredObject(patch(prometheusApplication, "spec.syncPolicy.syncOptions", UNKNOWN_MARKER))] },
    `spec.syncPolicy.syncOptions ${UNKNOWN}`,
  ),
  passes("argocd-self-no-prune-config", "passes Prune=false among other sync options, and an app that is not Argo CD", {
    manifests: [
      manifest(
        patch(argoCdApplication, "spec.source.helm.valuesObject", {
          configs: {
            cm: { annotations: { "argocd.argoproj.io/sync-options": "Replace=true, Prune=false" } },
            secret: { createSecret: false },
          },
        }),
      ),
      manifest(patch(application, "spec.source", UNKNOWN_MARKER), "apps/demo/application-unknown.yaml"),
    ],
  }),
  passes("argocd-self-no-prune-config", "judges only the argo-cd chart among Argo CD's own sources", {
    manifests: [
      manifest(
        patch(
          patch(argoCdApplication, "spec.sources", [
            argoCdApplication.spec.source,
            { repoURL: STATE_REPO, ref: "values" },
          ]),
          "spec.source",
          undefined,
        ),
      ),
    ],
  }),
  fails(
    "argocd-self-no-prune-config",
    "fails sync options that only mention another option",
    {
      manifests: [
        manifest(
          patch(argoCdApplication, "spec.source.helm.valuesObject.configs.secret.annotations", {
            "argocd.argoproj.io/sync-options": "Replace=true",
          }),
        ),
      ],
    },
    'argocd-secret can be pruned: configs.secret.annotations["argocd.argoproj.io/sync-options"] lacks Prune=false',
  ),
  cannotJudge(
    "argocd-self-no-prune-config",
    "cannot judge values that are not valid YAML",
    { manifests: [manifest(patch(argoCdApplication, "spec.source.helm", { values: "configs: [" }))] },
    "spec.source.helm.values is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 11:)",
  ),
  cannotJudge(
    "argocd-app-self-heal",
    "cannot judge self-heal unknown offline",
    { resources: [declaredObject(patch(application, "spec.syncPolicy.automated.selfHeal", UNKNOWN_MARKER))] },
    `spec.syncPolicy.automated.selfHeal ${UNKNOWN}`,
  ),
  cannotJudge(
    "argocd-project-source-repos-restricted",
    "cannot judge a repository list or one repository unknown offline",
    {
      resources: [
        declaredObject(patch(appProject, "spec.sourceRepos", UNKNOWN_MARKER)),
        declaredObject(
          patch(patch(appProject, "metadata.name", "other"), "spec.sourceRepos", [STATE_REPO, UNKNOWN_MARKER]),
        ),
      ],
    },
    `spec.sourceRepos ${UNKNOWN}`,
    `spec.sourceRepos[1] ${UNKNOWN}`,
  ),
  cannotJudge(
    "argocd-project-no-cluster-resources",
    "cannot judge a platform project whose repositories, or an app project's, are unknown offline",
    {
      resources: [
        declaredObject(patch(platformProject, "spec.sourceRepos", [UNKNOWN_MARKER])),
        declaredObject(patch(appProject, "spec.sourceRepos", UNKNOWN_MARKER)),
      ],
    },
    `spec.sourceRepos[0] ${UNKNOWN}`,
  ),
  cannotJudge(
    "argocd-project-no-cluster-resources",
    "cannot judge a platform project against an app project whose repositories are unknown offline",
    {
      resources: [
        declaredObject(platformProject),
        declaredObject(patch(appProject, "spec.sourceRepos", UNKNOWN_MARKER)),
      ],
    },
    `spec.sourceRepos of "apps" ${UNKNOWN}`,
    `spec.sourceRepos of "apps" ${UNKNOWN}`,
  ),
  cannotJudge(
    "argocd-project-no-cluster-resources",
    "cannot judge a project whose role label is unknown offline",
    {
      resources: [
        declaredObject(patch(platformProject, "metadata.labels", { "gitops-platform/project-role": UNKNOWN_MARKER })),
      ],
    },
    `${ROLE_LABEL} ${UNKNOWN}`,
  ),
  fails(
    "argocd-project-destinations-scoped",
    "fails a wildcard server and a wildcard cluster name",
    { manifests: [manifest(patch(appProject, "spec.destinations", [{ server: "*", name: "*", namespace: "demo" }]))] },
    'spec.destinations[0].server is "*"',
    'spec.destinations[0].name is "*"',
  ),
  cannotJudge(
    "argocd-project-destinations-scoped",
    "cannot judge a destination namespace unknown offline",
    { resources: [declaredObject(patch(appProject, "spec.destinations.0.namespace", UNKNOWN_MARKER))] },
    `spec.destinations[0].namespace ${UNKNOWN}`,
  ),

  fails(
    "argocd-handoff-single-owner",
    "fails a release named by repository/chart that an unnamed Application installs",
    beside({ ...argoCdRelease, chart: "argo/argo-cd" }, patch(argoCdApplication, "metadata.name", undefined)),
    "is also installed by Application ?",
  ),
  fails(
    "argocd-handoff-single-owner",
    "fails a release an Application installs under its own name when it sets no release name",
    beside(argoCdRelease, patch(argoCdApplication, "spec.source.helm.releaseName", undefined)),
    "is also installed by Application argocd",
  ),
  fails(
    "argocd-handoff-single-owner",
    "fails a release without a name whatever release name the Application uses",
    beside({ ...argoCdRelease, name: undefined }, patch(argoCdApplication, "spec.source.helm.releaseName", "other")),
    "is also installed by Application argocd",
  ),
  passes(
    "argocd-handoff-single-owner",
    "passes Applications of another namespace, chart or release name, or with an unknown source",
    beside(
      argoCdRelease,
      patch(argoCdApplication, "spec.destination.namespace", "other"),
      patch(patch(argoCdApplication, "metadata.name", "updater"), "spec.source.chart", "argocd-image-updater"),
      patch(patch(argoCdApplication, "metadata.name", "second"), "spec.source.helm.releaseName", "second"),
      patch(patch(application, "metadata.name", "unknown"), "spec.source", UNKNOWN_MARKER),
    ),
  ),
  cannotJudge(
    "argocd-handoff-single-owner",
    "cannot judge a release whose chart or namespace is unknown offline, or beside a root with unknown values",
    {
      resources: [
        declared(RELEASE, "chart", { ...argoCdRelease, chart: UNKNOWN_MARKER }),
        declared(RELEASE, "namespace", { ...argoCdRelease, namespace: UNKNOWN_MARKER }),
        declared(RELEASE, "argocd", argoCdRelease),
        declaredObject(patch(rootApplication, "spec.source.helm.valuesObject", UNKNOWN_MARKER)),
      ],
    },
    `chart ${UNKNOWN}`,
    `namespace ${UNKNOWN}`,
    `spec.source.helm values ${UNKNOWN}`,
  ),
  fails(
    "argocd-handoff-release-retained",
    "fails a release not retained beside an ApplicationSet",
    {
      resources: [
        declared(RELEASE, "argocd", argoCdRelease, { retainOnDelete: false }),
        declaredObject({ ...application, kind: "ApplicationSet", spec: { generators: [], template: application } }),
      ],
    },
    "is not retainOnDelete, in a stack whose Applications can take it over",
  ),

  passes(
    "argocd-handoff-definitions-agree",
    "passes repository URLs that differ only by trailing slashes",
    beside(patch(argoCdRelease, "repositoryOpts.repo", `${ARGO_HELM}//`), argoCdApplication),
  ),
  fails(
    "argocd-handoff-definitions-agree",
    "fails another repository, and a release that names none",
    {
      resources: [
        declared(RELEASE, "argocd", { ...argoCdRelease, chart: "argo/argo-cd", repositoryOpts: undefined }),
        declared(RELEASE, "mirror", {
          ...argoCdRelease,
          repositoryOpts: { repo: "https://mirror.example.com/argo-helm" },
        }),
        declaredObject(argoCdApplication),
      ],
    },
    `repo of Application argocd (spec.source): the release has unset, the Application "${ARGO_HELM}"`,
    `repo of Application argocd (spec.source): the release has "https://mirror.example.com/argo-helm", the Application "${ARGO_HELM}"`,
  ),
  fails(
    "argocd-handoff-definitions-agree",
    "reports the first difference in key order, inside lists of one length, and whole values of another shape",
    {
      resources: [
        ...releaseValues({ z: 1, m: 1, a: 1 }, { z: 2, m: 2, a: 1 }).resources,
        ...pair("item", { list: [1, 2] }, { list: [1, 3] }),
        ...pair("length", { list: [1] }, { list: [1, 2] }),
        ...pair("text", { list: ["a", "b"] }, { list: "ab" }),
        ...pair("map", { map: { b: 1 } }, { map: 5 }),
      ],
    },
    `${AGREE} at m: the release has 1, the Application 2`,
    "values of Application item (spec.source) at list[1]: the release has 2, the Application 3",
    "values of Application length (spec.source) at list: the release has [1], the Application [1,2]",
    'values of Application text (spec.source) at list: the release has ["a","b"], the Application "ab"',
    'values of Application map (spec.source) at map: the release has {"b":1}, the Application 5',
  ),
  cannotJudge(
    "argocd-handoff-definitions-agree",
    "cannot judge values unknown offline on either side, or the Application's unreadable YAML",
    {
      resources: [
        ...releaseValues({ configs: UNKNOWN_MARKER }, { configs: { cm: {} } }).resources,
        declared(RELEASE, "yaml", { ...argoCdRelease, name: "yaml" }),
        declaredObject(
          patch(patch(argoCdApplication, "metadata.name", "yaml"), "spec.source.helm", {
            releaseName: "yaml",
            values: "configs: [",
          }),
        ),
      ],
    },
    `${AGREE} at configs is not known here, so this cannot be judged`,
    "spec.source.helm.values is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 11:)",
  ),
];
