import { stringify } from "yaml";

/**
 * Argo CD's settings ConfigMaps as the pinned argo-cd chart (10.1.1, argoproj/argo-helm) writes
 * them from our values. The chart cannot be downloaded here, so its three templates are followed
 * by hand, and only they:
 * - argocd-cm: `argo-cd.config.cm` in templates/_helpers.tpl: configs.cm without `create` and
 *   `annotations`, merged over the presets (`url` from global.domain), each value `toString`,
 *   empty strings dropped;
 * - argocd-rbac-cm: configs.rbac without `create` and `annotations`, `toYaml`;
 * - argocd-notifications-cm: templates/argocd-configs/argocd-notifications-cm.yaml: `context`
 *   (argocdUrl first), then notifiers, `subscriptions` as YAML, templates and triggers.
 * Chart defaults merged under our values are the scalar keys of values.yaml at 10.1.1 below; its
 * long `resource.exclusions` and `ignoreResourceUpdates` defaults are left out (they only trim
 * what the controller watches).
 */

export type Values = Record<string, unknown>;

const CHART_CM_DEFAULTS: Values = {
  "application.instanceLabelKey": "argocd.argoproj.io/instance",
  "application.sync.impersonation.enabled": false,
  "exec.enabled": false,
  "admin.enabled": true,
  "timeout.reconciliation": "120s",
  "timeout.reconciliation.jitter": "60s",
  "timeout.hard.reconciliation": "0s",
  "statusbadge.enabled": false,
};

const CHART_RBAC_DEFAULTS: Values = {
  "policy.default": "",
  "policy.csv": "",
  scopes: "[groups]",
  "policy.matchMode": "glob",
};

function section(values: Values, ...path: string[]): Values {
  let node: unknown = values;
  for (const key of path) node = (node as Values | undefined)?.[key];
  return (node ?? {}) as Values;
}

function withoutChartKeys(values: Values): Values {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key !== "create" && key !== "annotations"));
}

/** Go templates' `toString` of the scalars these settings hold; a map or list here is a mistake in our values. */
function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  throw new Error(`an Argo CD setting must be a scalar, got ${JSON.stringify(value)}`);
}

function domainOf(values: Values): string {
  return toText(section(values, "global").domain);
}

export function argocdCmData(values: Values): Record<string, string> {
  const config = { ...CHART_CM_DEFAULTS, ...withoutChartKeys(section(values, "configs", "cm")) };
  const presets: Values = { url: `https://${domainOf(values)}` };
  if (toText(config["statusbadge.enabled"]) === "true") presets["statusbadge.url"] = `https://${domainOf(values)}/`;
  const merged = { ...presets, ...config };
  return Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((key) => [key, toText(merged[key])] as const)
      .filter(([, text]) => text !== ""),
  );
}

export function argocdRbacCmData(values: Values): Record<string, string> {
  const config = { ...CHART_RBAC_DEFAULTS, ...withoutChartKeys(section(values, "configs", "rbac")) };
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, toText(value)]));
}

export function notificationsCmData(values: Values): Record<string, string> {
  const notifications = section(values, "notifications");
  const argocdUrl = toText(notifications.argocdUrl) || `https://${domainOf(values)}`;
  const context = notifications.context ? stringify(notifications.context) : "";
  const data: Record<string, string> = { context: `argocdUrl: ${argocdUrl}\n${context}` };
  for (const key of ["notifiers", "templates", "triggers"]) {
    for (const [name, value] of Object.entries(section(notifications, key))) data[name] = toText(value);
  }
  if (notifications.subscriptions) data.subscriptions = stringify(notifications.subscriptions);
  return data;
}

/**
 * The harness's only addition to argocd-cm. No kubelet or cloud controller runs here, so nothing
 * ever reports a Deployment's rollout or an Ingress's load balancer: Argo CD's built-in checks
 * would say Progressing forever. Health of these kinds is configured instead, with Argo CD's own
 * mechanism (resource.customizations.health.<group_kind>, a Lua script), and says so in its
 * message. Sync status, diffs, pruning and self-heal are Argo CD's, untouched.
 */
export const HARNESS_HEALTH_KINDS = [
  "apps_Deployment",
  "apps_StatefulSet",
  "apps_DaemonSet",
  "apps_ReplicaSet",
  "networking.k8s.io_Ingress",
  "autoscaling_HorizontalPodAutoscaler",
  "batch_Job",
  "PersistentVolumeClaim",
] as const;

export const HARNESS_HEALTH_MESSAGE = "e2e harness: no kubelet, health configured (docs/testing.md)";

export function harnessHealthSettings(): Record<string, string> {
  const script = ["hs = {}", 'hs.status = "Healthy"', `hs.message = "${HARNESS_HEALTH_MESSAGE}"`, "return hs", ""];
  return Object.fromEntries(
    HARNESS_HEALTH_KINDS.map((kind) => [`resource.customizations.health.${kind}`, script.join("\n")]),
  );
}
