/**
 * The API versions of the CRDs the platform installs, which `helm template` is told about with
 * `--api-versions` so that a chart's `.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"`
 * (or `…/v1/ServiceMonitor`) sees the cluster the app will run in. Keyed by the API groups of the
 * platform's release table (`providesCrds`, platform/releases.ts); a test holds the two together,
 * and the e2e tier checks every CRD the pinned upstream modules ship is listed.
 *
 * Kinds are listed where charts test for them; the fluent groups only by version.
 */
export const PLATFORM_CRD_VERSIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "monitoring.coreos.com": {
    v1: ["Alertmanager", "PodMonitor", "Probe", "Prometheus", "PrometheusRule", "ServiceMonitor", "ThanosRuler"],
    v1alpha1: ["AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig"],
  },
  "argoproj.io": { v1alpha1: ["AppProject", "Application", "ApplicationSet"] },
  "bitnami.com": { v1alpha1: ["SealedSecret"] },
  "fluentbit.fluent.io": { v1alpha2: [] },
  "fluentd.fluent.io": { v1alpha1: [] },
};

/** `group/version` and `group/version/Kind` of every CRD the platform installs, sorted. */
export function platformApiVersions(): string[] {
  return Object.entries(PLATFORM_CRD_VERSIONS)
    .flatMap(([group, versions]) =>
      Object.entries(versions).flatMap(([version, kinds]) => [
        `${group}/${version}`,
        ...kinds.map((kind) => `${group}/${version}/${kind}`),
      ]),
    )
    .sort();
}
