import { stringify } from "yaml";
import type { Tier } from "../environments";
import { PlatformConfig } from "./config";
import { notificationsValues } from "./notifications";
import { Values } from "./values";

type ArgocdSettings = PlatformConfig["releases"]["argo-cd"];

/** The Secret holding the OIDC client secret; Argo CD resolves `$<secret>:<key>` from secrets labelled part-of argocd. */
export const OIDC_SECRET = { name: "argocd-oidc", key: "clientSecret" } as const;

/**
 * The resource-level sync option that keeps Argo CD's own Application from ever pruning argocd-cm
 * and argocd-secret (DESIGN.md, "Ownership"): losing them logs everyone out and drops the settings.
 */
export const NEVER_PRUNE = { "argocd.argoproj.io/sync-options": "Prune=false" } as const;

/** Base layer of the argo-cd chart: the same in every environment. */
export const argocdBaseValues: Values = {
  crds: { install: true, keep: true },
  configs: {
    cm: {
      annotations: NEVER_PRUNE,
      // Annotation tracking (the default since Argo CD 3.0, explicit here) ignores the
      // `app.kubernetes.io/instance` label Helm puts on everything, so adopting the bootstrap
      // releases cannot make Argo CD claim another release's resources.
      "application.resourceTrackingMethod": "annotation",
    },
    secret: { annotations: NEVER_PRUNE },
    rbac: { "policy.default": "role:readonly" },
  },
  // The PrometheusRule on Application health reads the controller's `argocd_app_info` metric.
  controller: { metrics: { enabled: true, serviceMonitor: { enabled: true } } },
  applicationSet: { replicas: 1 },
  // SSO talks to the OIDC provider directly; Dex would only be an unused hop.
  dex: { enabled: false },
};

function oidcConfig(sso: NonNullable<ArgocdSettings["sso"]>, hasClientSecret: boolean): string {
  const client = hasClientSecret
    ? { clientSecret: `$${OIDC_SECRET.name}:${OIDC_SECRET.key}` }
    : { enablePKCEAuthentication: true };
  return stringify({
    name: "SSO",
    issuer: sso.issuer,
    clientID: sso.clientId,
    ...client,
    requestedScopes: ["openid", "profile", "email", "groups"],
  });
}

/**
 * The admin user exists only to log in before SSO works: it is disabled in a production-tier
 * environment once SSO is configured. Its password is never set here; Argo CD generates one
 * (argocd-initial-admin-secret).
 */
export function adminEnabled(tier: Tier, settings: ArgocdSettings): boolean {
  return !(tier === "production" && settings.sso);
}

export interface ArgocdSecretsPresent {
  readonly oidcClientSecret: boolean;
  readonly webhookToken: boolean;
}

/** Env layer of the argo-cd chart, from the environment's typed settings. */
export function argocdEnvValues(tier: Tier, settings: ArgocdSettings, secrets: ArgocdSecretsPresent): Values {
  const sso = settings.sso;
  return {
    global: { domain: settings.domain },
    configs: {
      cm: {
        "admin.enabled": adminEnabled(tier, settings),
        ...(sso ? { "oidc.config": oidcConfig(sso, secrets.oidcClientSecret) } : {}),
      },
      ...(sso
        ? { rbac: { scopes: "[groups]", "policy.csv": sso.adminGroups.map((g) => `g, ${g}, role:admin`).join("\n") } }
        : {}),
    },
    notifications: notificationsValues(settings.notifications, secrets.webhookToken),
  };
}
