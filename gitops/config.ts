import { z } from "zod";
import { loadConfigSection, parseConfig } from "../config";
import { StackIdentity } from "../stack";
import { matching } from "./schema";

/** Argo CD durations (`5s`, `3m`, `1h`): parsed by Go's time.ParseDuration. */
const DURATION = /^(\d+(ms|s|m|h))+$/;
const CRON = /^(\S+\s+){4}\S+$/;
/** A soak time: `30m`, `1h30m`, `45s`, `0s`; hours, minutes and seconds in that order. */
const SOAK = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

const syncWindowSchema = z.strictObject({
  kind: z.enum(["allow", "deny"]).describe("`allow`: syncs only inside the window; `deny`: no syncs inside it."),
  schedule: matching(CRON, 'a five-field cron expression such as "0 8 * * 1-5"').describe(
    "When the window opens, as a five-field cron expression.",
  ),
  duration: matching(/^\d+[hm]$/, "a duration in hours or minutes such as 10h or 30m").describe(
    "How long it stays open, e.g. `10h`.",
  ),
  timeZone: z.string().min(1).describe("IANA time zone of `schedule`, e.g. `Europe/Dublin`."),
  manualSync: z.boolean().describe("Whether a person may still sync by hand while automatic syncs are blocked."),
});

/**
 * A notification subscription: Argo CD Notifications sends `trigger` events to `recipients` on
 * `service`. Triggers and services are defined in argocd-notifications-cm by the platform layer.
 */
const subscriptionSchema = z.strictObject({
  trigger: matching(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and -").describe(
    "A trigger defined in argocd-notifications-cm, e.g. `on-sync-failed`.",
  ),
  service: matching(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and -").describe(
    "A notification service, e.g. `slack`.",
  ),
  recipients: z
    .array(matching(/^[^;\s]+$/, "a recipient without spaces or semicolons"))
    .describe("Channels or addresses, e.g. Slack channel names; none for a webhook service."),
});

export const gitopsConfigSchema = z.strictObject({
  mode: z
    .enum(["applications", "applicationset"])
    .describe(
      "How Argo CD Applications are declared: `applications`, one Pulumi resource per app; or " +
        "`applicationset`, one ApplicationSet with a git directory generator over `apps/*` of the state " +
        "repo, which keeps the stack's resource count constant however many apps there are.",
    ),
  sync: z
    .strictObject({
      automated: z.boolean().describe("Whether Argo CD syncs on its own when the state repo changes."),
      prune: z.boolean().describe("Delete objects that left the state repo (automated sync only)."),
      selfHeal: z.boolean().describe("Revert changes made in the cluster by hand (automated sync only)."),
      windows: z
        .array(syncWindowSchema)
        .describe(
          "Sync windows of the apps AppProject, `[]` for none: Argo CD keeps them on the AppProject, not on " +
            "an Application, so this stack patches that field of the platform's project.",
        ),
    })
    .refine(
      (s) => s.automated || (!s.prune && !s.selfHeal),
      "prune and selfHeal false when automated is false (Argo CD applies them only to automated syncs)",
    )
    .describe(
      "How Argo CD syncs; `prune` and `selfHeal` are false when `automated` is (Argo CD applies them only to automated syncs).",
    ),
  retry: z
    .strictObject({
      limit: z.number().int().min(0).max(100),
      backoff: z.strictObject({
        duration: matching(DURATION, "a duration such as 5s or 1m"),
        factor: z.number().int().min(1).max(10),
        maxDuration: matching(DURATION, "a duration such as 3m or 1h"),
      }),
    })
    .describe("Retries of a failed sync, with exponential backoff."),
  notifications: z
    .array(subscriptionSchema)
    .describe("Subscriptions; their triggers and services are the platform's (argocd-notifications-cm)."),
  promotion: z
    .strictObject({
      soak: matching(SOAK, "a duration of hours, minutes and seconds such as 30m, 1h30m or 0s").describe(
        "How long the source must have run what is promoted, Synced and Healthy, before it may move here: " +
          "measured from the end of the sync operation that deployed it. `0s` promotes at once.",
      ),
    })
    .optional()
    .describe(
      "How changes enter this environment from the one(s) it promotes from (`promotesFrom`), as `promote` " +
        "judges them: omitted in a first stage, which promotes from nothing.",
    ),
});

export type GitopsConfig = z.output<typeof gitopsConfigSchema>;

/** A soak time the schema accepted (`1h30m`), in milliseconds. */
export function soakMilliseconds(soak: string): number {
  // Stryker disable next-line StringLiteral,ArrayDeclaration: Number("") is 0 as Number("0") is, and the first item (the whole match) is skipped
  const [, h = "0", m = "0", s = "0"] = SOAK.exec(soak) ?? [];
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

export function parseGitopsConfig(raw: unknown, file: string): GitopsConfig {
  return parseConfig(gitopsConfigSchema, raw, { file, key: "gitops-platform:gitops" });
}

export function loadGitopsConfig(stack: StackIdentity): GitopsConfig {
  return loadConfigSection("gitops", gitopsConfigSchema, stack.configFile);
}
