import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  CONFIG_NAMESPACE,
  hasUrlCredentials,
  InputError,
  isSecretConfigKey,
  loadConfigSection,
  parseConfig,
  SECRET_CONFIG_KEYS,
} from "../config";
import { StackIdentity } from "../stack";
import { CHART_KEYS } from "./chart-keys";
import { Component, globMatches, OWNERS, RESERVED_NAMESPACES } from "./components";
import { formatPath, isKnownPath, leafSegments } from "./values";

/** `1.2.3`, optionally with a pre-release or build suffix: exactly one chart version, never a range. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const exactVersion = z
  .string()
  .refine((v) => EXACT_VERSION.test(v), 'an exact chart version such as 1.2.3 (not "latest", not a range)');

const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/);

/** Env-layer values for one chart: any key, as long as it was checked against that chart (chart-keys.ts). */
function chartValues(component: Component) {
  const { chart, verifiedVersion, keys } = CHART_KEYS[component];
  return z.record(z.string(), z.unknown()).superRefine((values, ctx) => {
    for (const segments of leafSegments(values)) {
      if (!isKnownPath(formatPath(segments), keys)) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
          code: "custom",
          path: segments,
          message: `a values key checked against ${chart} ${verifiedVersion} (listed in platform/chart-keys.ts)`,
        });
      }
    }
  });
}

function release<C extends Component, S extends z.ZodRawShape>(component: C, settings: S) {
  return z.strictObject({
    version: exactVersion.describe("Exact chart version: no default in code, no `latest`, no range."),
    owner: z
      .enum(OWNERS)
      .describe(
        "Where the release ends up: `pulumi`, a Helm Release in the platform stack; `argocd`, a child " +
          "Application of the root Application. A new cluster's bootstrap installs every release with Pulumi first.",
      ),
    values: chartValues(component)
      .optional()
      .describe(
        "The env layer of Helm values, merged over the table's base values; every key must be listed in " +
          "`platform/chart-keys.ts`.",
      ),
    ...settings,
  });
}

const notificationsSchema = z
  .strictObject({
    slack: z
      .strictObject({ channel: z.string().min(1) })
      .optional()
      .describe("Slack channel; the bot token is the secret `gitops-platform:argocdSlackToken`."),
    webhook: z
      .strictObject({ url: z.url() })
      .optional()
      .describe("Webhook URL; an optional bearer token is the secret `gitops-platform:argocdWebhookToken`."),
  })
  .refine((n) => (n.slack ? 1 : 0) + (n.webhook ? 1 : 0) === 1, "exactly one of slack or webhook")
  .describe("Where Argo CD's notifications go: exactly one of `slack` or `webhook`.");

const ssoSchema = z
  .strictObject({
    issuer: z
      .url()
      .describe(
        "OIDC issuer URL. The client secret, when the client has one, is `gitops-platform:argocdOidcClientSecret`.",
      ),
    clientId: z.string().min(1),
    adminGroups: z
      .array(z.string().min(1))
      .min(1)
      .describe("IdP groups granted `role:admin`; everyone else who logs in gets `role:readonly`."),
  })
  .describe("OIDC single sign-on.");

/** A namespace name, or an Argo CD glob over names (`apps-*`). */
const namespacePattern = z.string().regex(/^[a-z0-9*]([-a-z0-9*]{0,61}[a-z0-9*])?$/);

export const platformConfigSchema = z.strictObject({
  stateRepo: z.strictObject({
    url: z
      .string()
      .min(1)
      .refine(
        (url) => !hasUrlCredentials(url),
        "the repository URL alone: a token in it would sit in plaintext in Git; set it as a secret with " +
          "`pulumi config set --secret gitops-platform:stateRepoToken` (Argo CD's repository credential)",
      )
      .describe(
        "The cluster's state repo: hydration pushes to it, Argo CD syncs from it, and it is the `apps` project's " +
          "only source. A URL with a credential in it is refused.",
      ),
    targetRevision: z.string().min(1).describe("The branch Argo CD tracks."),
    username: z
      .string()
      .min(1)
      .optional()
      .describe(
        "HTTPS user name sent with `gitops-platform:stateRepoToken` (default `git`); GitHub accepts any non-empty name.",
      ),
  }),
  identityBinding: z
    .enum(["pod-identity", "irsa"])
    .describe(
      "How add-on pods get the IAM roles infra binds to `workloadIdentities`: `pod-identity` (EKS Pod Identity " +
        "association; nothing on the service account) or `irsa` (role ARN annotation).",
    ),
  appNamespaces: z
    .array(
      namespacePattern.refine(
        (p) => !RESERVED_NAMESPACES.some((ns) => globMatches(p, ns)),
        `a namespace (or glob) that matches none of ${RESERVED_NAMESPACES.join(", ")}`,
      ),
    )
    .min(1)
    .describe(
      "Namespaces apps may deploy to: the `apps` AppProject's only destinations. Each literal name is a " +
        "Namespace this stack declares (Argo CD never creates one); a glob (`apps-*`) admits namespaces created " +
        "some other way. An app's namespace is its name, so every app of the catalog needs an entry.",
    ),
  rootApp: z.strictObject({
    chartVersion: exactVersion.describe(
      "Exact version of the `argocd-apps` chart with which the root (app-of-apps) Application renders its children.",
    ),
  }),
  releases: z.strictObject({
    "kube-prometheus-stack": release("kube-prometheus-stack", {}),
    "argo-cd": release("argo-cd", {
      domain: dnsName.describe(
        "Host name Argo CD is reached at; the chart derives its URL (SSO callback, notification links).",
      ),
      sso: ssoSchema.optional(),
      notifications: notificationsSchema,
    }),
    "sealed-secrets": release("sealed-secrets", {}),
    "external-dns": release("external-dns", {
      domainFilters: z
        .array(dnsName)
        .min(1)
        .describe("Domains external-dns may manage; at least one, so it never touches every zone it can see."),
      zoneIdFilters: z
        .array(z.string().regex(/^Z[A-Z0-9]{1,31}$/))
        .min(1)
        .optional()
        .describe("Route 53 hosted zone ids, to narrow further (two zones can share a name: public and private)."),
      policy: z
        .enum(["sync", "upsert-only"])
        .optional()
        .describe(
          "`upsert-only` never deletes records; the default is upsert-only in a production-tier environment, sync elsewhere.",
        ),
    }),
    logging: release("logging", {
      cloudWatch: z.boolean().describe("Ship logs to the CloudWatch log group infra exports (`logGroupName`)."),
    }),
  }),
});

export type PlatformConfig = z.output<typeof platformConfigSchema>;
export type ReleasesConfig = PlatformConfig["releases"];

export function parsePlatformConfig(raw: unknown, file: string): PlatformConfig {
  return parseConfig(platformConfigSchema, raw, { file, key: "gitops-platform:platform" });
}

export function loadPlatformConfig(stack: StackIdentity): PlatformConfig {
  return loadConfigSection("platform", platformConfigSchema, stack.configFile);
}

/**
 * Secrets of the platform layer: every secret key of the project's namespace (config.ts), each in
 * its own top-level key of `Pulumi.<env>.yaml`, all optional, because a shipped config file cannot
 * hold ciphertext.
 */
export const PLATFORM_SECRETS = SECRET_CONFIG_KEYS;
export type PlatformSecretKey = keyof typeof PLATFORM_SECRETS;
export type PlatformSecrets = { readonly [K in PlatformSecretKey]?: pulumi.Output<string> };

export function isSshUrl(url: string): boolean {
  return url.startsWith("ssh://") || /^[\w.-]+@[\w.-]+:/.test(url);
}

/** Checks which secrets are set against the config that uses them; the message names the key and the fix. */
export function checkSecretsFit(config: PlatformConfig, present: ReadonlySet<PlatformSecretKey>, file: string): void {
  const ssh = isSshUrl(config.stateRepo.url);
  const argocd = config.releases["argo-cd"];
  const misfits: [PlatformSecretKey, string][] = [
    ["stateRepoToken", ssh ? "an HTTPS state repo URL (stateRepo.url is an SSH URL)" : ""],
    ["stateRepoSshKey", ssh ? "" : "an SSH state repo URL (stateRepo.url is an HTTPS URL)"],
    ["argocdSlackToken", argocd.notifications.slack ? "" : "releases.argo-cd.notifications.slack"],
    ["argocdWebhookToken", argocd.notifications.webhook ? "" : "releases.argo-cd.notifications.webhook"],
    ["argocdOidcClientSecret", argocd.sso ? "" : "releases.argo-cd.sso"],
  ];
  for (const [key, needs] of misfits) {
    if (needs && present.has(key)) {
      throw new InputError(
        `${file}: ${CONFIG_NAMESPACE}:${key}: received ${PLATFORM_SECRETS[key]}; expected it only with ${needs}`,
      );
    }
  }
}

/** Reads the platform's secrets; a value set without `--secret` is refused, so it never sits in plaintext. */
export function loadPlatformSecrets(stack: StackIdentity, config: PlatformConfig): PlatformSecrets {
  const raw = new pulumi.Config(CONFIG_NAMESPACE);
  const secrets: Partial<Record<PlatformSecretKey, pulumi.Output<string>>> = {};
  for (const key of Object.keys(PLATFORM_SECRETS) as PlatformSecretKey[]) {
    const fullKey = `${CONFIG_NAMESPACE}:${key}`;
    if (pulumi.runtime.getConfig(fullKey) === undefined) continue;
    if (!isSecretConfigKey(fullKey)) {
      throw new InputError(
        `${stack.configFile}: ${fullKey}: received a plaintext value; expected a secret, set with ` +
          `pulumi config set --secret --config-file ${stack.configFile} ${fullKey} <value>`,
      );
    }
    secrets[key] = raw.requireSecret(key);
  }
  checkSecretsFit(config, new Set(Object.keys(secrets) as PlatformSecretKey[]), stack.configFile);
  return secrets;
}
