import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "../stack";
import { ROOT_METADATA, rootApplication } from "./applications";
import { OIDC_SECRET } from "./argocd-values";
import { Bootstrap } from "./bootstrap";
import { clusterSecret } from "./cluster-secret";
import { ARGOCD_NAMESPACE } from "./components";
import { isSshUrl, PlatformConfig, PlatformSecrets } from "./config";
import { InfraFacts } from "./facts";
import { NOTIFICATION_SECRET_KEYS } from "./notifications";
import { appsProject, opsProject } from "./projects";
import { ReleasePlan } from "./releases";

export interface ArgocdHandoffArgs {
  readonly env: Environment;
  readonly config: PlatformConfig;
  readonly secrets: PlatformSecrets;
  readonly plans: readonly ReleasePlan[];
  readonly facts: pulumi.Output<InfraFacts>;
  readonly bootstrap: Bootstrap;
  readonly provider: k8s.Provider;
}

/** Argo CD reads Secrets with this label as part of its configuration (`$<secret>:<key>` references). */
const PART_OF_ARGOCD = { "app.kubernetes.io/part-of": "argocd" };

/**
 * What Pulumi keeps owning in Argo CD after the hand-off: the AppProjects, the in-cluster cluster
 * Secret (GitOps Bridge contract), the Secrets built from Pulumi secrets (state repo credentials,
 * notification tokens, OIDC client secret) and the root Application that makes Argo CD manage the
 * ops releases and itself. None of these is rendered by a chart, so Argo CD never prunes them.
 */
export class ArgocdHandoff extends pulumi.ComponentResource {
  constructor(name: string, args: ArgocdHandoffArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:platform:ArgocdHandoff", name, {}, opts);
    const { config, secrets, plans, facts, bootstrap, provider } = args;
    const namespace = bootstrap.namespaces.get(ARGOCD_NAMESPACE);
    const argoCrds = bootstrap.crdsFor("argoproj.io/v1alpha1");
    const child = { parent: this, provider };

    const customResource = (
      key: string,
      object: { apiVersion: string; kind: string; metadata: object; spec: pulumi.Input<unknown> },
      extra: pulumi.CustomResourceOptions = {},
    ) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${key}`,
        { ...object, metadata: { ...object.metadata, namespace } },
        { ...child, dependsOn: argoCrds, ...extra },
      );

    const ops = customResource("project-ops", opsProject(plans));
    customResource("project-apps", appsProject(config));

    const cluster = facts.apply((f) => clusterSecret(plans, args.env, f));
    new k8s.core.v1.Secret(
      `${name}-cluster`,
      {
        metadata: {
          name: cluster.metadata.name,
          namespace,
          labels: cluster.metadata.labels,
          annotations: cluster.metadata.annotations,
        },
        stringData: cluster.stringData,
      },
      child,
    );

    new k8s.core.v1.Secret(
      `${name}-state-repo`,
      {
        metadata: {
          name: "state-repo",
          namespace,
          labels: { "argocd.argoproj.io/secret-type": "repository", ...PART_OF_ARGOCD },
        },
        stringData: { type: "git", url: config.stateRepo.url, ...repoCredentials(config, secrets) },
      },
      child,
    );

    new k8s.core.v1.Secret(
      `${name}-notifications`,
      {
        // The chart's own copy is off (`notifications.secret.create: false`): the tokens come from Pulumi secrets.
        metadata: { name: "argocd-notifications-secret", namespace, labels: PART_OF_ARGOCD },
        stringData: {
          ...(secrets.argocdSlackToken ? { [NOTIFICATION_SECRET_KEYS.slack]: secrets.argocdSlackToken } : {}),
          ...(secrets.argocdWebhookToken ? { [NOTIFICATION_SECRET_KEYS.webhook]: secrets.argocdWebhookToken } : {}),
        },
      },
      child,
    );
    if (secrets.argocdOidcClientSecret) {
      new k8s.core.v1.Secret(
        `${name}-oidc`,
        {
          metadata: { name: OIDC_SECRET.name, namespace, labels: PART_OF_ARGOCD },
          stringData: { [OIDC_SECRET.key]: secrets.argocdOidcClientSecret },
        },
        child,
      );
    }

    const root = facts.apply((f) => rootApplication(plans, config.rootApp.chartVersion, f));
    customResource(
      "root",
      { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: ROOT_METADATA, spec: root.spec },
      { dependsOn: [...argoCrds, ops] },
    );
    this.registerOutputs({});
  }
}

/** Argo CD repository credentials for the state repo: an SSH key for an SSH URL, a token for HTTPS. */
export function repoCredentials(
  config: PlatformConfig,
  secrets: PlatformSecrets,
): Record<string, pulumi.Input<string>> {
  if (isSshUrl(config.stateRepo.url)) return secrets.stateRepoSshKey ? { sshPrivateKey: secrets.stateRepoSshKey } : {};
  if (!secrets.stateRepoToken) return {};
  return { username: config.stateRepo.username ?? "git", password: secrets.stateRepoToken };
}
