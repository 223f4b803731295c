/**
 * The values keys this project may set on each chart, checked by hand against the chart's own
 * `values.yaml` at the version it was verified for. A misspelled key silently does nothing in Helm,
 * so every key the release table sets (base, env and injected layers, and the `values` of the config
 * files) must appear here: config parsing rejects any other, and a test checks the table.
 *
 * A path is dotted (`prometheus.prometheusSpec.retention`); a segment with a dot or slash is quoted
 * (`configs.cm["admin.enabled"]`). A path ending in `.*` is a free-form map (its keys are data, not
 * chart keys). Lists are leaves.
 *
 * Bumping a chart's version in `Pulumi.<env>.yaml` means re-checking its list against the new
 * `values.yaml` and updating `verifiedVersion`; a test fails until both agree.
 */
export interface ChartKeys {
  readonly chart: string;
  readonly verifiedVersion: string;
  /** Where the list was checked: repository, tag and file. */
  readonly source: string;
  readonly keys: readonly string[];
}

export const CHART_KEYS = {
  "argo-cd": {
    chart: "argo-cd",
    verifiedVersion: "10.1.1",
    source: "github.com/argoproj/argo-helm, tag argo-cd-10.1.1, charts/argo-cd/values.yaml",
    keys: [
      "global.domain",
      "crds.install",
      "crds.keep",
      // argocd-cm keys are Argo CD settings (docs/operator-manual/argocd-cm.yaml), listed one by one
      // so that a typo in them fails too; `annotations` is the chart's own key on the ConfigMap.
      "configs.cm.annotations.*",
      'configs.cm["admin.enabled"]',
      'configs.cm["oidc.config"]',
      'configs.cm["application.resourceTrackingMethod"]',
      "configs.secret.annotations.*",
      'configs.rbac["policy.default"]',
      'configs.rbac["policy.csv"]',
      "configs.rbac.scopes",
      "controller.replicas",
      "controller.metrics.enabled",
      "controller.metrics.serviceMonitor.enabled",
      "server.replicas",
      "repoServer.replicas",
      // The chart has no `applicationSet.enabled`: the controller is always rendered, with `replicas`.
      "applicationSet.replicas",
      "dex.enabled",
      "notifications.enabled",
      "notifications.argocdUrl",
      "notifications.context.*",
      "notifications.secret.create",
      "notifications.notifiers.*",
      "notifications.templates.*",
      "notifications.triggers.*",
      "notifications.subscriptions",
    ],
  },
  "kube-prometheus-stack": {
    chart: "kube-prometheus-stack",
    verifiedVersion: "88.5.3",
    source:
      "github.com/prometheus-community/helm-charts, tag kube-prometheus-stack-88.5.3, " +
      "charts/kube-prometheus-stack/values.yaml",
    keys: [
      "crds.enabled",
      "grafana.enabled",
      "grafana.admin.existingSecret",
      "kubeControllerManager.enabled",
      "kubeScheduler.enabled",
      "kubeEtcd.enabled",
      "alertmanager.alertmanagerSpec.replicas",
      "prometheus.prometheusSpec.replicas",
      "prometheus.prometheusSpec.retention",
      "prometheus.prometheusSpec.retentionSize",
      "prometheus.prometheusSpec.externalLabels.*",
      "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.probeSelectorNilUsesHelmValues",
    ],
  },
  "external-dns": {
    chart: "external-dns",
    verifiedVersion: "1.21.1",
    source:
      "github.com/kubernetes-sigs/external-dns, tag external-dns-helm-chart-1.21.1, charts/external-dns/values.yaml",
    keys: [
      "provider.name",
      "sources",
      "registry",
      "policy",
      "txtOwnerId",
      "domainFilters",
      // A map of extra flags (`zone-id-filter: [...]`), rendered as `--<key>=<value>` by the
      // chart's deployment template.
      "extraArgs.*",
      "env",
      "serviceAccount.create",
      "serviceAccount.name",
      "serviceAccount.annotations.*",
      "serviceMonitor.enabled",
      "interval",
      "logLevel",
    ],
  },
  logging: {
    chart: "fluent-operator",
    verifiedVersion: "4.3.0",
    source: "github.com/fluent/helm-charts, tag fluent-operator-4.3.0, charts/fluent-operator/values.yaml",
    keys: [
      "containerRuntime",
      "fluentbit.enable",
      "fluentbit.serviceMonitor.enable",
      "fluentbit.serviceAccountAnnotations.*",
      "fluentbit.resources.*",
      "fluentbit.filter.kubernetes.labels",
      "fluentbit.filter.kubernetes.annotations",
      "fluentd.enable",
    ],
  },
  "sealed-secrets": {
    chart: "sealed-secrets",
    verifiedVersion: "2.18.5",
    source: "github.com/bitnami-labs/sealed-secrets, tag helm-v2.18.5, helm/sealed-secrets/values.yaml",
    keys: ["fullnameOverride", "keyrenewperiod", "metrics.serviceMonitor.enabled"],
  },
} as const satisfies Record<string, ChartKeys>;

/**
 * The `argocd-apps` chart renders the root Application's children from `applications.<name>`; these
 * are the fields its template reads for each one (github.com/argoproj/argo-helm, tag
 * argocd-apps-2.0.5, charts/argocd-apps/templates/applications.yaml). `finalizers` is deliberately
 * never set: without the resources finalizer, removing a child Application leaves its workloads.
 */
export const ARGOCD_APPS_APPLICATION_FIELDS = [
  "namespace",
  "additionalAnnotations",
  "additionalLabels",
  "project",
  "source",
  "destination",
  "syncPolicy",
  "ignoreDifferences",
] as const;

/** The `argocd-apps` version those fields were read at; `rootApp.chartVersion` is pinned to it (a test checks). */
export const ARGOCD_APPS_VERIFIED_VERSION = "2.0.5";
