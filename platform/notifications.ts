import { stringify } from "yaml";
import { PlatformConfig } from "./config";
import { Values } from "./values";

/**
 * Argo CD notifications: alert on divergence (DESIGN.md, GitOps principle 4). The triggers and
 * templates are argocd-notifications-cm entries, written as the YAML strings Argo CD expects
 * (argo-cd.readthedocs.io, operator-manual/notifications); tokens stay in argocd-notifications-secret,
 * which Pulumi writes from Pulumi secrets, so no secret ever sits in Helm values.
 */

/** YAML for an Argo CD setting; long lines stay whole so the ConfigMap reads as written. */
const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

type NotificationsConfig = PlatformConfig["releases"]["argo-cd"]["notifications"];

/** The webhook's service name in argocd-notifications-cm (`service.webhook.<name>`). */
export const WEBHOOK_SERVICE = "gitops-platform";

/** Keys of argocd-notifications-secret, referenced as `$<key>` from the service settings. */
export const NOTIFICATION_SECRET_KEYS = { slack: "slack-token", webhook: "webhook-token" } as const;

interface TriggerSpec {
  readonly description: string;
  readonly when: string;
  readonly oncePer?: string;
  readonly title: string;
}

export const TRIGGERS: Readonly<Record<string, TriggerSpec>> = {
  "on-out-of-sync": {
    description: "The application's live state differs from its source",
    when: "app.status.sync.status == 'OutOfSync'",
    oncePer: "app.status.sync.revision",
    title: "is out of sync",
  },
  "on-sync-failed": {
    description: "A sync of the application failed",
    when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']",
    oncePer: "app.status.operationState?.syncResult?.revision",
    title: "failed to sync",
  },
  "on-health-degraded": {
    description: "The application's health is degraded",
    when: "app.status.health.status == 'Degraded'",
    title: "is degraded",
  },
};

function templateName(trigger: string): string {
  return trigger.replace(/^on-/, "app-");
}

function template(trigger: string, spec: TriggerSpec): string {
  const message =
    `Application {{.app.metadata.name}} on {{.context.clusterName}} ${spec.title}: ` +
    "sync {{.app.status.sync.status}}, health {{.app.status.health.status}}. " +
    "{{.context.argocdUrl}}/applications/{{.app.metadata.name}}";
  const body = JSON.stringify({
    event: trigger,
    application: "{{.app.metadata.name}}",
    cluster: "{{.context.clusterName}}",
    sync: "{{.app.status.sync.status}}",
    health: "{{.app.status.health.status}}",
  });
  return toYaml({ message, webhook: { [WEBHOOK_SERVICE]: { method: "POST", body } } });
}

function trigger(name: string, spec: TriggerSpec): string {
  const condition = { description: spec.description, send: [templateName(name)], when: spec.when };
  return toYaml([spec.oncePer ? { ...condition, oncePer: spec.oncePer } : condition]);
}

function notifier(config: NotificationsConfig, hasWebhookToken: boolean): Record<string, string> {
  if (config.slack) return { "service.slack": toYaml({ token: `$${NOTIFICATION_SECRET_KEYS.slack}` }) };
  const headers = hasWebhookToken
    ? [{ name: "Authorization", value: `Bearer $${NOTIFICATION_SECRET_KEYS.webhook}` }]
    : [{ name: "Content-Type", value: "application/json" }];
  return { [`service.webhook.${WEBHOOK_SERVICE}`]: toYaml({ url: config.webhook?.url, headers }) };
}

/**
 * The default subscription: every Application's three triggers go to the configured channel.
 * notifications-engine reads a recipient as `<service>:<recipient>`; a webhook has no recipient.
 */
function recipient(config: NotificationsConfig): string {
  return config.slack ? `slack:${config.slack.channel}` : WEBHOOK_SERVICE;
}

/** The argo-cd chart's `notifications` values for the config (chart keys in chart-keys.ts). */
export function notificationsValues(config: NotificationsConfig, hasWebhookToken: boolean): Values {
  const names = Object.keys(TRIGGERS);
  return {
    enabled: true,
    // Pulumi writes argocd-notifications-secret itself from Pulumi secrets (platform/argocd.ts).
    secret: { create: false },
    notifiers: notifier(config, hasWebhookToken),
    triggers: Object.fromEntries(names.map((n) => [`trigger.${n}`, trigger(n, TRIGGERS[n])])),
    templates: Object.fromEntries(names.map((n) => [`template.${templateName(n)}`, template(n, TRIGGERS[n])])),
    subscriptions: [{ recipients: [recipient(config)], triggers: names }],
  };
}
