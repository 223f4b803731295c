import { workloadIdentities } from "../infra/outputs";
import type { Tier } from "../environments";
import { Environment } from "../stack";
import { argocdBaseValues, argocdEnvValues } from "./argocd-values";
import { PlatformConfig, PlatformSecretKey, ReleasesConfig } from "./config";
import { COMPONENTS, Component, Owner, RELEASE_NAMESPACES, SEALED_SECRETS_CONTROLLER } from "./components";
import { InfraFacts } from "./facts";
import { mergeValues, Values } from "./values";

/**
 * THE release table: the single definition of each ops release (DESIGN.md, "Ownership"). From
 * each entry come both the bootstrap `helm.v3.Release` (platform/bootstrap.ts) and the Argo CD
 * Application that takes it over (platform/applications.ts), so the two cannot disagree on chart,
 * version, namespace, release name or values. Pure data and functions: no Pulumi here.
 *
 * Values are layered base -> env -> injected: `base` is the same everywhere, `env` comes from the
 * environment's typed settings and its free `values` (checked against chart-keys.ts), and `injected`
 * comes from the infra stack's outputs. Every key path is checked against chart-keys.ts by a test.
 */

export interface PlanContext {
  readonly env: Environment;
  /** The environment's declared tier: production-only defaults follow it, never the name. */
  readonly tier: Tier;
  readonly config: PlatformConfig;
  /** Which platform secrets are set: only their presence shapes values, never their content. */
  readonly secrets: ReadonlySet<PlatformSecretKey>;
}

/** What a release is, whatever the environment: shared by its table entry and its plan. */
interface ReleaseShape {
  readonly chart: string;
  readonly repo: string;
  /** The Helm release name; Argo CD renders with the same (`helm.releaseName`), so resource names match. */
  readonly releaseName: string;
  /** API groups of the CRDs this release installs. */
  readonly providesCrds: readonly string[];
  /** API groups of CRDs its manifests use (e.g. a ServiceMonitor): their releases come first. */
  readonly usesCrds: readonly string[];
  /** Sync options of its Application. */
  readonly syncOptions: readonly string[];
  /** The add-on's name in the GitOps Bridge contract (`enable_<addon>` label on the cluster secret). */
  readonly gitopsBridgeAddon: string;
}

interface ReleaseDefinition<C extends Component> extends ReleaseShape {
  readonly base: Values;
  env(settings: ReleasesConfig[C], ctx: PlanContext): Values;
  injected(facts: InfraFacts, ctx: PlanContext): Values;
}

/** Service account annotation for IRSA; with EKS Pod Identity the association needs nothing on the account. */
function roleAnnotation(ctx: PlanContext, roleArn: string | undefined): Values {
  return ctx.config.identityBinding === "irsa" && roleArn ? { "eks.amazonaws.com/role-arn": roleArn } : {};
}

const MONITORING_CRDS = "monitoring.coreos.com";

/**
 * The service account Fluent Bit runs as. fluent-operator 4.3.0 names its FluentBit object
 * "fluent-bit" (templates/fluentbit-fluentBit.yaml), and the operator names the account after that
 * object (pkg/operator MakeRBACNames), so this is fixed by the chart, not set by a value. Infra must
 * bind the logging role to exactly this account; a test holds `workloadIdentities` to it.
 */
export const LOGGING_SERVICE_ACCOUNT = "fluent-bit";

// Every ServiceMonitor below is picked up because kube-prometheus-stack's Prometheus selects all of
// them (`*SelectorNilUsesHelmValues: false`), not just those labelled with its own release name.
const RELEASES: { readonly [C in Component]: ReleaseDefinition<C> } = {
  "kube-prometheus-stack": {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    releaseName: "kube-prometheus-stack",
    providesCrds: [MONITORING_CRDS],
    usesCrds: [],
    // Its CRDs exceed the 262,144-byte annotation limit of client-side apply (DESIGN.md).
    syncOptions: ["ServerSideApply=true"],
    gitopsBridgeAddon: "kube_prometheus_stack",
    base: {
      crds: { enabled: true },
      // The chart's default Grafana admin password is the static "prom-operator", and a generated
      // one would change on every Argo CD render; enable it per env with `grafana.admin.existingSecret`.
      grafana: { enabled: false },
      // EKS runs these control-plane parts out of reach: scraping them only raises false alerts.
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeEtcd: { enabled: false },
      prometheus: {
        prometheusSpec: {
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
        },
      },
    },
    env: (settings) => settings.values ?? {},
    injected: (facts) => ({ prometheus: { prometheusSpec: { externalLabels: { cluster: facts.clusterName } } } }),
  },
  "argo-cd": {
    chart: "argo-cd",
    repo: "https://argoproj.github.io/argo-helm",
    // With the chart's nameOverride "argocd", this release name gives the upstream object names
    // (argocd-server, argocd-repo-server, ...) that Argo CD's docs and CLI assume.
    releaseName: "argocd",
    providesCrds: ["argoproj.io"],
    usesCrds: [MONITORING_CRDS],
    syncOptions: [],
    gitopsBridgeAddon: "argocd",
    base: argocdBaseValues,
    env: (settings, ctx) =>
      mergeValues(
        argocdEnvValues(ctx.tier, settings, {
          oidcClientSecret: ctx.secrets.has("argocdOidcClientSecret"),
          webhookToken: ctx.secrets.has("argocdWebhookToken"),
        }),
        settings.values ?? {},
      ),
    injected: (facts, ctx) => ({
      notifications: { context: { clusterName: facts.clusterName, environment: ctx.env } },
    }),
  },
  "sealed-secrets": {
    chart: "sealed-secrets",
    repo: "https://bitnami-labs.github.io/sealed-secrets",
    releaseName: "sealed-secrets",
    providesCrds: ["bitnami.com"],
    usesCrds: [MONITORING_CRDS],
    syncOptions: [],
    gitopsBridgeAddon: "sealed_secrets",
    base: { fullnameOverride: SEALED_SECRETS_CONTROLLER, metrics: { serviceMonitor: { enabled: true } } },
    env: (settings) => settings.values ?? {},
    injected: () => ({}),
  },
  "external-dns": {
    chart: "external-dns",
    repo: "https://kubernetes-sigs.github.io/external-dns/",
    releaseName: "external-dns",
    providesCrds: [],
    usesCrds: [MONITORING_CRDS],
    syncOptions: [],
    gitopsBridgeAddon: "external_dns",
    base: {
      provider: { name: "aws" },
      sources: ["service", "ingress"],
      registry: "txt",
      serviceAccount: { create: true, name: workloadIdentities.externalDns.serviceAccount },
      serviceMonitor: { enabled: true },
    },
    env: (settings, ctx) =>
      mergeValues(
        {
          domainFilters: settings.domainFilters,
          policy: settings.policy ?? (ctx.tier === "production" ? "upsert-only" : "sync"),
          ...(settings.zoneIdFilters ? { extraArgs: { "zone-id-filter": settings.zoneIdFilters } } : {}),
        },
        settings.values ?? {},
      ),
    injected: (facts, ctx) => ({
      // The TXT registry's owner id: records another cluster created are never touched.
      txtOwnerId: facts.clusterName,
      env: [{ name: "AWS_DEFAULT_REGION", value: facts.region }],
      serviceAccount: { annotations: roleAnnotation(ctx, facts.roleArns.externalDns) },
    }),
  },
  logging: {
    // Fluent Operator (a Fluent project; kube-fluentd-operator is archived): Fluent Bit as a
    // DaemonSet driven by CRDs, running as LOGGING_SERVICE_ACCOUNT.
    chart: "fluent-operator",
    repo: "https://fluent.github.io/helm-charts",
    releaseName: "fluent-operator",
    providesCrds: ["fluentbit.fluent.io", "fluentd.fluent.io"],
    usesCrds: [MONITORING_CRDS],
    // fluentbit.fluent.io_fluentbits.yaml is 477,566 bytes at 4.3.0: too big for client-side apply.
    syncOptions: ["ServerSideApply=true"],
    gitopsBridgeAddon: "fluent_operator",
    base: {
      containerRuntime: "containerd",
      fluentbit: { enable: true, serviceMonitor: { enable: true } },
      fluentd: { enable: false },
    },
    env: (settings) => settings.values ?? {},
    injected: (facts, ctx) => ({
      fluentbit: { serviceAccountAnnotations: roleAnnotation(ctx, facts.roleArns.logging) },
    }),
  },
};

/** One release as planned for an environment: everything both owners need. */
export interface ReleasePlan extends ReleaseShape {
  readonly component: Component;
  readonly version: string;
  readonly namespace: string;
  readonly owner: Owner;
  /** base -> env -> injected. */
  values(facts: InfraFacts): Values;
}

function planOne<C extends Component>(component: C, ctx: PlanContext): ReleasePlan {
  const definition: ReleaseDefinition<C> = RELEASES[component];
  const settings = ctx.config.releases[component];
  const { chart, repo, releaseName, providesCrds, usesCrds, syncOptions, gitopsBridgeAddon } = definition;
  const envValues = definition.env(settings, ctx);
  return {
    component,
    chart,
    repo,
    version: settings.version,
    releaseName,
    namespace: RELEASE_NAMESPACES[component],
    owner: settings.owner,
    providesCrds,
    usesCrds,
    syncOptions,
    gitopsBridgeAddon,
    values: (facts) => mergeValues(definition.base, envValues, definition.injected(facts, ctx)),
  };
}

/** The environment's releases, in installation order. */
export function planReleases(ctx: PlanContext): ReleasePlan[] {
  return COMPONENTS.map((c) => planOne(c, ctx));
}

/** The release that installs the CRDs of `apiVersion`'s group, if one of ours does. */
export function crdProvider(plans: readonly ReleasePlan[], apiVersion: string): ReleasePlan | undefined {
  // Stryker disable next-line StringLiteral: a core version ("v1") then gets a group without a dot, which no CRD has
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  return plans.find((p) => p.providesCrds.includes(group));
}
