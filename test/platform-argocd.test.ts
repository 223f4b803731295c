import { Application, IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { AppProject, IAppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import {
  IPrometheusRule,
  PrometheusRule,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { repoCredentials } from "../platform/argocd";
import { ARGOCD_APPS_APPLICATION_FIELDS } from "../platform/chart-keys";
import { clusterSecret } from "../platform/cluster-secret";
import { parsePlatformConfig } from "../platform/config";
import { InfraFacts } from "../platform/facts";
import { discoverEnvironments } from "../stack";
import { sectionOf, shippedConfig } from "./support/config";
import {
  allOwnedBy,
  APP_PROJECT_TYPE,
  APPLICATION_TYPE,
  applicationValues,
  childApplications,
  dig,
  find,
  PLATFORM_KEY,
  platformConfig,
  RELEASE_TYPE,
  SECRET_TYPE,
  synthPlatform,
  withSecrets,
} from "./support/platform";

const facts: InfraFacts = {
  region: "eu-west-1",
  accountId: "111111111111",
  clusterName: "gitops-staging",
  vpcId: "vpc-0abc",
  roleArns: { externalDns: "arn:external-dns", ebsCsiDriver: "arn:ebs-csi" },
};

/** An object as registered: the custom resource's inputs, which are the Kubernetes object itself. */
function object(record: ResourceRecord): Readonly<Record<string, unknown>> {
  return record.inputs;
}

/**
 * What the argocd-apps chart renders for one `applications` entry, mirroring
 * charts/argocd-apps/templates/applications.yaml at 2.0.5: metadata from name, namespace and the
 * additional labels and annotations; spec fields copied as they are.
 */
function renderArgocdApps(name: string, entry: Record<string, unknown>): IApplication {
  for (const key of Object.keys(entry)) {
    assert.ok((ARGOCD_APPS_APPLICATION_FIELDS as readonly string[]).includes(key), `argocd-apps ignores ${key}`);
  }
  const spec: Record<string, unknown> = { project: entry.project, destination: entry.destination };
  for (const key of ["source", "syncPolicy", "ignoreDifferences"]) if (entry[key]) spec[key] = entry[key];
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name,
      namespace: entry.namespace as string,
      labels: entry.additionalLabels as Record<string, string>,
      annotations: entry.additionalAnnotations as Record<string, string>,
    },
    spec: spec as IApplication["spec"],
  };
}

describe("platform Argo CD configuration", () => {
  for (const env of discoverEnvironments()) {
    it(`generates Argo CD objects that match the CRD schemas (${env}, handed over)`, async () => {
      const resources = await synthPlatform(env, platformConfig(env, allOwnedBy("argocd")));
      new Application(object(find(resources, APPLICATION_TYPE, "argocd-root")) as unknown as IApplication).validate();
      for (const [name, entry] of Object.entries(childApplications(resources))) {
        new Application(renderArgocdApps(name, entry)).validate();
      }
      for (const name of ["argocd-project-ops", "argocd-project-apps"]) {
        new AppProject(object(find(resources, APP_PROJECT_TYPE, name)) as unknown as IAppProject).validate();
      }
      const rule = find(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "ops-application-alerts");
      new PrometheusRule(object(rule) as unknown as IPrometheusRule).validate();
    });
  }

  it("roots the ops releases in a Pulumi-owned Application rendered by the pinned argocd-apps chart, deleted with its children", async () => {
    const root = object(
      find(await synthPlatform("staging", platformConfig("staging")), APPLICATION_TYPE, "argocd-root"),
    );
    assert.deepEqual(root.metadata, {
      name: "platform",
      namespace: "argocd",
      labels: { "app.kubernetes.io/part-of": "gitops-platform", "gitops-platform/layer": "platform" },
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    });
    assert.equal(dig(root, "spec", "project"), "ops");
    assert.deepEqual(
      ["repoURL", "chart", "targetRevision"].map((key) => dig(root, "spec", "source", key)),
      ["https://argoproj.github.io/argo-helm", "argocd-apps", "2.0.5"],
    );
    assert.equal(dig(root, "spec", "source", "helm", "releaseName"), "platform");
    assert.deepEqual(dig(root, "spec", "destination"), {
      server: "https://kubernetes.default.svc",
      namespace: "argocd",
    });
    assert.deepEqual(dig(root, "spec", "syncPolicy"), { automated: { prune: true, selfHeal: true } });
  });

  it("gives every child Application project ops, automated sync, a sync wave after the CRDs it uses, and no finalizer", async () => {
    const apps = childApplications(await synthPlatform("staging", platformConfig("staging")));
    assert.deepEqual(Object.keys(apps), [
      "argo-cd",
      "external-dns",
      "kube-prometheus-stack",
      "logging",
      "sealed-secrets",
    ]);
    for (const [name, app] of Object.entries(apps)) {
      assert.equal(app.project, "ops", name);
      assert.equal(app.namespace, "argocd", name);
      assert.equal(app.finalizers, undefined, name);
      assert.deepEqual(dig(app, "syncPolicy", "automated"), { prune: true, selfHeal: true }, name);
      const wave = dig(app, "additionalAnnotations", "argocd.argoproj.io/sync-wave");
      assert.equal(wave, name === "kube-prometheus-stack" ? "0" : "1", name);
    }
  });

  it("restricts the apps project to the state repo, the app namespaces and no cluster-scoped resources", async () => {
    const resources = await synthPlatform("staging", platformConfig("staging"));
    assert.deepEqual(object(find(resources, APP_PROJECT_TYPE, "argocd-project-apps")).spec, {
      description: "Applications hydrated into the state repo",
      sourceRepos: ["https://github.com/example-org/gitops-state-staging.git"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "demo" }],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: "", kind: "Secret" }],
    });
    const ops = object(find(resources, APP_PROJECT_TYPE, "argocd-project-ops"));
    assert.deepEqual(dig(ops, "spec", "sourceRepos"), [
      "https://argoproj.github.io/argo-helm",
      "https://bitnami-labs.github.io/sealed-secrets",
      "https://fluent.github.io/helm-charts",
      "https://kubernetes-sigs.github.io/external-dns/",
      "https://prometheus-community.github.io/helm-charts",
    ]);
    assert.deepEqual(
      (dig(ops, "spec", "destinations") as { namespace: string }[]).map((d) => d.namespace),
      ["argocd", "external-dns", "logging", "monitoring", "sealed-secrets"],
    );
    assert.deepEqual(dig(ops, "spec", "clusterResourceWhitelist"), [{ group: "*", kind: "*" }]);
    assert.deepEqual(
      [ops, object(find(resources, APP_PROJECT_TYPE, "argocd-project-apps"))].map((p) =>
        dig(p, "metadata", "labels", "gitops-platform/project-role"),
      ),
      ["platform", "apps"],
      "the guardrails tell the platform's project from app projects by this label",
    );
  });

  it("declares a Namespace with restricted Pod Security for every literal app namespace, and none for a glob", async () => {
    const config = platformConfig("staging", (s) => (s.appNamespaces = ["demo", "apps-*", "billing"]));
    const resources = await synthPlatform("staging", config);
    const namespaces = resources.filter((r) => r.parent === "gitops-platform:platform:AppNamespaces::apps");
    assert.deepEqual(
      namespaces.map((r) => [r.type, r.name, r.options.provider, r.options.retainOnDelete]),
      [
        ["kubernetes:core/v1:Namespace", "apps-billing", "pulumi:providers:kubernetes::eks-staging", true],
        ["kubernetes:core/v1:Namespace", "apps-demo", "pulumi:providers:kubernetes::eks-staging", true],
      ],
    );
    assert.deepEqual(namespaces[1].inputs.metadata, {
      name: "demo",
      labels: {
        "app.kubernetes.io/part-of": "gitops-platform",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    });
    assert.deepEqual(dig(object(find(resources, APP_PROJECT_TYPE, "argocd-project-apps")), "spec", "destinations"), [
      { server: "https://kubernetes.default.svc", namespace: "demo" },
      { server: "https://kubernetes.default.svc", namespace: "apps-*" },
      { server: "https://kubernetes.default.svc", namespace: "billing" },
    ]);
  });

  it("labels and annotates the in-cluster secret as the GitOps Bridge contract says", async () => {
    const secret = object(
      find(await synthPlatform("staging", platformConfig("staging")), SECRET_TYPE, "argocd-cluster"),
    );
    const ref = (key: string) => `[stack-ref infra-staging:${key}]`;
    assert.deepEqual(secret.metadata, {
      name: "in-cluster",
      namespace: "argocd",
      labels: {
        "argocd.argoproj.io/secret-type": "cluster",
        cluster_name: ref("clusterName"),
        environment: "staging",
        enable_kube_prometheus_stack: "true",
        enable_argocd: "true",
        enable_sealed_secrets: "true",
        enable_external_dns: "true",
        enable_fluent_operator: "true",
      },
      annotations: {
        cluster_name: ref("clusterName"),
        environment: "staging",
        aws_cluster_name: ref("clusterName"),
        aws_region: ref("region"),
        aws_account_id: ref("accountId"),
        aws_vpc_id: ref("vpcId"),
        external_dns_iam_role_arn: ref("roleArns.externalDns"),
        external_dns_namespace: "external-dns",
        external_dns_service_account: "external-dns",
        fluent_operator_iam_role_arn: ref("roleArns.logging"),
        fluent_operator_namespace: "logging",
        fluent_operator_service_account: "fluent-bit",
        aws_ebs_csi_driver_iam_role_arn: ref("roleArns.ebsCsiDriver"),
        aws_ebs_csi_driver_namespace: "kube-system",
        aws_ebs_csi_driver_service_account: "ebs-csi-controller-sa",
      },
    });
    // Without a logging role (logs not shipped to CloudWatch) there is nothing to annotate for it.
    assert.equal(clusterSecret([], "staging", facts).metadata.annotations.fluent_operator_iam_role_arn, undefined);
    // The Kubernetes provider marks a Secret's data secret as a whole; the pure function shows it.
    assert.equal(secret.stringData, "[secret]");
    assert.deepEqual(clusterSecret([], "staging", facts).stringData, {
      name: "in-cluster",
      server: "https://kubernetes.default.svc",
      config: '{"tlsClientConfig":{"insecure":false}}',
    });
  });

  it("alerts on out-of-sync, failed and degraded Applications through the configured Slack channel", async () => {
    const resources = await synthPlatform("production", platformConfig("production"));
    const notifications = dig(find(resources, RELEASE_TYPE, "bootstrap-argo-cd").inputs, "values", "notifications");
    const triggers = dig(notifications, "triggers") as Record<string, string>;
    assert.deepEqual(Object.keys(triggers), [
      "trigger.on-health-degraded",
      "trigger.on-out-of-sync",
      "trigger.on-sync-failed",
    ]);
    assert.deepEqual(dig(notifications, "subscriptions"), [
      { recipients: ["slack:platform-alerts"], triggers: ["on-out-of-sync", "on-sync-failed", "on-health-degraded"] },
    ]);
    assert.deepEqual(dig(notifications, "notifiers"), { "service.slack": "token: $slack-token\n" });
    assert.equal(dig(notifications, "secret", "create"), false);
    assert.match(triggers["trigger.on-out-of-sync"], /when: app.status.sync.status == 'OutOfSync'/);
  });

  it("sends notifications to the configured webhook, with its token only as a secret reference", async () => {
    const config = withSecrets(platformConfig("staging"), { argocdWebhookToken: "whk-7f3a9c1d" });
    const resources = await synthPlatform("staging", config);
    const notifications = dig(applicationValues(childApplications(resources)["argo-cd"]), "notifications");
    assert.deepEqual(dig(notifications, "notifiers"), {
      "service.webhook.gitops-platform":
        "url: https://hooks.example.com/gitops-platform/staging\nheaders:\n  - name: Authorization\n    value: Bearer $webhook-token\n",
    });
    assert.deepEqual(dig(notifications, "subscriptions", "0", "recipients"), ["gitops-platform"]);
    assert.equal(object(find(resources, SECRET_TYPE, "argocd-notifications")).stringData, "[secret]");
  });

  it("disables the admin user in production once SSO is configured, and sets no admin password anywhere", async () => {
    const production = await synthPlatform("production", platformConfig("production"));
    const staging = await synthPlatform("staging", platformConfig("staging"));
    const prodValues = find(production, RELEASE_TYPE, "bootstrap-argo-cd").inputs.values;
    const stagingValues = applicationValues(childApplications(staging)["argo-cd"]);
    assert.equal(dig(prodValues, "configs", "cm", "admin.enabled"), false);
    assert.equal(dig(prodValues, "configs", "rbac", "policy.csv"), "g, platform-admins, role:admin");
    assert.match(String(dig(prodValues, "configs", "cm", "oidc.config")), /enablePKCEAuthentication: true/);
    assert.equal(dig(stagingValues, "configs", "cm", "admin.enabled"), true);
    for (const values of [prodValues, stagingValues]) {
      assert.doesNotMatch(JSON.stringify(values), /adminPassword/i);
    }
  });

  it("sends the state repo's token with a user name over HTTPS, and an SSH key to an SSH URL", () => {
    const token = pulumi.secret("ghp_token");
    const https = parsePlatformConfig(sectionOf(shippedConfig("staging"), PLATFORM_KEY), "Pulumi.staging.yaml");
    const ssh = { ...https, stateRepo: { ...https.stateRepo, url: "git@github.com:example-org/state.git" } };
    assert.deepEqual(repoCredentials(https, { stateRepoToken: token }), { username: "git", password: token });
    assert.deepEqual(repoCredentials(ssh, { stateRepoSshKey: token }), { sshPrivateKey: token });
    assert.deepEqual(repoCredentials(https, {}), {});
  });

  it("keeps every secret out of the declared inputs: state repo token, notification and OIDC secrets", async () => {
    const secrets = {
      stateRepoToken: "ghp_StateRepoToken123",
      argocdSlackToken: "xoxb-slack-token-456",
      argocdOidcClientSecret: "oidc-client-secret-789",
    };
    const config = withSecrets(platformConfig("production"), secrets);
    const resources = await synthPlatform("production", config);
    const json = JSON.stringify(resources);
    for (const value of Object.values(secrets)) assert.ok(!json.includes(value), "a secret value reached the inputs");
    for (const name of ["argocd-state-repo", "argocd-oidc", "argocd-notifications"]) {
      assert.equal(object(find(resources, SECRET_TYPE, name)).stringData, "[secret]", name);
    }
    assert.deepEqual(dig(object(find(resources, SECRET_TYPE, "argocd-state-repo")), "metadata", "labels"), {
      "app.kubernetes.io/part-of": "argocd",
      "argocd.argoproj.io/secret-type": "repository",
    });
    const oidc = dig(
      find(resources, RELEASE_TYPE, "bootstrap-argo-cd").inputs,
      "values",
      "configs",
      "cm",
      "oidc.config",
    );
    assert.match(String(oidc), /clientSecret: \$argocd-oidc:clientSecret/);
    assert.equal(find(resources, "pulumi:providers:kubernetes", "eks-production").inputs.kubeconfig, "[secret]");
  });
});
