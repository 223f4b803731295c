import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { newApp } from "../automation/scaffold/new-app";
import { newEnv } from "../automation/scaffold/new-env";
import { appendToSequence } from "../automation/scaffold/yaml-splice";
import { renderEnvironmentReport } from "../gitops/render/environment";
import { mandatoryViolations } from "../policy/engine";
import { readGuardrailsConfig } from "../policy/config";
import { ENVIRONMENTS, readEnvironmentConfig } from "../stack";
import { inputErrorOf } from "./support/gitops";
import { git, projectCopy } from "./support/project-copy";

describe("scaffolds: new app and new env (a copy of this project)", () => {
  let root: string;
  beforeEach(() => {
    root = projectCopy();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Renders and judges `env`'s catalog as hydrate does; throws on a bad spec, returns the mandatory violations. */
  const hydrateCheck = (env: (typeof ENVIRONMENTS)[number]) =>
    mandatoryViolations(
      renderEnvironmentReport(env, {
        catalogDir: path.join(root, "gitops", "apps"),
        guardrails: readGuardrailsConfig(root, env),
      }).policy,
    );

  it("adds an app in one command that hydrates in every environment, turned off where asked, keeping the config files' comments", () => {
    const staging = fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8");
    const result = newApp({
      rootDir: root,
      name: "api",
      image: "ghcr.io/example-org/api:1.4.2",
      port: 8080,
      envs: ["staging"],
    });

    assert.deepEqual(result.written, [
      "gitops/apps/api/app.yaml",
      "gitops/apps/api/staging.yaml",
      "gitops/apps/api/production.yaml",
    ]);
    assert.deepEqual(result.namespacesAdded, ["Pulumi.staging.yaml"]);
    assert.equal(
      fs.readFileSync(path.join(root, "gitops/apps/api/production.yaml"), "utf8"),
      "# The api app does not run in production: without this file it would (an app runs everywhere by default).\nenabled: false\n",
    );
    assert.equal(
      fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8"),
      staging.replace(/^(\s+appNamespaces: )\[demo\]$/m, "$1[demo, api]"),
      "only the list changed, byte for byte",
    );
    for (const env of ENVIRONMENTS) assert.deepEqual(hydrateCheck(env), [], env);
    const rendered = renderEnvironmentReport("staging", { catalogDir: path.join(root, "gitops", "apps") }).files;
    assert.ok(rendered.has("apps/api/deployment-api.yaml"));
    assert.ok(
      ![...renderEnvironmentReport("production", { catalogDir: path.join(root, "gitops", "apps") }).files.keys()].some(
        (f) => f.startsWith("apps/api/"),
      ),
    );
  });

  it("adds podinfo by default to every environment", () => {
    newApp({ rootDir: root, name: "web" });
    for (const env of ENVIRONMENTS) {
      assert.deepEqual(
        readEnvironmentConfig(root, env).values["gitops-platform:platform"] &&
          (readEnvironmentConfig(root, env).values["gitops-platform:platform"] as { appNamespaces: string[] })
            .appNamespaces,
        ["demo", "web"],
      );
      assert.deepEqual(hydrateCheck(env), [], env);
    }
  });

  it("refuses a taken name, a bad name or a bad image before writing anything", () => {
    const before = git(root, "status", "--porcelain");
    assert.equal(
      inputErrorOf(() => newApp({ rootDir: root, name: "demo" })),
      "new app: gitops/apps/demo already exists; expected the name of a new app",
    );
    assert.match(
      inputErrorOf(() => newApp({ rootDir: root, name: "API" })),
      /^new app: received "API"; expected a DNS label/,
    );
    assert.match(
      inputErrorOf(() => newApp({ rootDir: root, name: "api", image: "ghcr.io/example-org/api" })),
      /^new app --image: received "ghcr.io\/example-org\/api"; expected repository:tag/,
    );
    assert.equal(git(root, "status", "--porcelain"), before);
  });

  it("appends to a block list with the list's own indentation, keeping a trailing comment", () => {
    const text = "config:\n  p:\n    appNamespaces:\n      - demo # the demo app\n    other: 1\n";
    assert.equal(
      appendToSequence(text, "f.yaml", ["config", "p", "appNamespaces"], "api"),
      "config:\n  p:\n    appNamespaces:\n      - demo # the demo app\n      - api\n    other: 1\n",
    );
  });

  it("adds an environment as a copy of another, renaming its own names and keeping everything else byte for byte", () => {
    const result = newEnv(root, "qa", "staging");
    assert.deepEqual(result.written, ["Pulumi.qa.yaml", "gitops/apps/demo/qa.yaml"]);
    const qa = fs.readFileSync(path.join(root, "Pulumi.qa.yaml"), "utf8");
    const staging = fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8");
    assert.equal(qa, staging.replace(/(?<![A-Za-z0-9])staging(?![A-Za-z0-9])/g, "qa"), "every other byte is staging's");
    const config = (parse(qa) as { config: Record<string, Record<string, unknown>> }).config;
    assert.equal(config["gitops-platform:environment"], "qa");
    assert.equal(config["gitops-platform:infra"].clusterName, "gitops-qa");
    assert.deepEqual(
      result.renamed.map((c) => `${c.path}: ${c.before} -> ${c.after}`),
      [
        "config.gitops-platform:environment: staging -> qa",
        "config.gitops-platform:infra.clusterName: gitops-staging -> gitops-qa",
        "config.gitops-platform:infra.cloudWatchLogs.logGroupName: /gitops-platform/staging/containers -> /gitops-platform/qa/containers",
        "config.gitops-platform:platform.stateRepo.url: https://github.com/example-org/gitops-state-staging.git -> https://github.com/example-org/gitops-state-qa.git",
        "config.gitops-platform:platform.releases.argo-cd.domain: argocd.staging.example.com -> argocd.qa.example.com",
        "config.gitops-platform:platform.releases.argo-cd.notifications.webhook.url: https://hooks.example.com/gitops-platform/staging -> https://hooks.example.com/gitops-platform/qa",
        "config.gitops-platform:platform.releases.external-dns.domainFilters: staging.example.com -> qa.example.com",
      ],
    );
    assert.ok(result.review.includes("gitops-platform:infra.accountId"));
    assert.equal(
      inputErrorOf(() => newEnv(root, "qa", "staging")),
      "new env: received qa, which exists (Pulumi.qa.yaml); expected the name of a new environment",
    );
  });
});
