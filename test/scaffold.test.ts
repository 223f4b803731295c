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
import { discoverEnvironments, Environment, readEnvironmentConfig } from "../stack";
import { inputErrorOf } from "./support/gitops";
import { git, projectCopy } from "./support/project-copy";

describe("scaffolds: new app and new env (a copy of this project)", () => {
  let root: string;
  beforeEach(() => {
    root = projectCopy();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Renders and judges `env`'s catalog as hydrate does; throws on a bad spec, returns the mandatory violations. */
  const hydrateCheck = (env: Environment) =>
    mandatoryViolations(
      renderEnvironmentReport(env, {
        catalogDir: path.join(root, "gitops", "apps"),
        environments: discoverEnvironments(root),
        guardrails: readGuardrailsConfig(root, env),
      }).policy,
    );

  it("adds an app in one command that hydrates where it runs and is absent elsewhere, keeping the config files' comments", () => {
    const staging = fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8");
    const result = newApp({
      rootDir: root,
      name: "api",
      image: "ghcr.io/example-org/api:1.4.2",
      port: 8080,
      envs: ["staging"],
    });

    // An app runs where it has an env file (docs/catalog.md): production gets none.
    assert.deepEqual(result.written, ["gitops/apps/api/app.yaml", "gitops/apps/api/staging.yaml"]);
    assert.deepEqual(result.namespacesAdded, ["Pulumi.staging.yaml"]);
    assert.equal(
      fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8"),
      staging.replace(/^(\s+appNamespaces: )\[demo\]$/m, "$1[demo, api]"),
      "only the list changed, byte for byte",
    );
    for (const env of discoverEnvironments(root)) assert.deepEqual(hydrateCheck(env), [], env);
    const catalog = { catalogDir: path.join(root, "gitops", "apps"), environments: discoverEnvironments(root) };
    assert.ok(renderEnvironmentReport("staging", catalog).files.has("apps/api/deployment-api.yaml"));
    assert.ok(![...renderEnvironmentReport("production", catalog).files.keys()].some((f) => f.startsWith("apps/api/")));
  });

  it("adds podinfo by default to every environment", () => {
    newApp({ rootDir: root, name: "web" });
    for (const env of discoverEnvironments(root)) {
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

  it("keeps a copy of production production-tier, whatever its new name", () => {
    const result = newEnv(root, "prod-us", "production");
    const config = (
      parse(fs.readFileSync(path.join(root, "Pulumi.prod-us.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
    assert.equal(config["gitops-platform:environment"], "prod-us");
    assert.equal(config["gitops-platform:tier"], "production");
    assert.deepEqual(
      config["gitops-platform:promotesFrom"],
      readEnvironmentConfig(root, "production").values["gitops-platform:promotesFrom"],
    );
    assert.ok(result.written.includes("gitops/apps/demo/prod-us.yaml"));
    assert.ok(discoverEnvironments(root).includes("prod-us"));
  });

  it("adds an environment as a copy of another, renaming its own names and keeping everything else byte for byte", () => {
    const result = newEnv(root, "qa", "staging");
    assert.deepEqual(result.written, ["Pulumi.qa.yaml", "gitops/apps/demo/qa.yaml"]);
    const qa = fs.readFileSync(path.join(root, "Pulumi.qa.yaml"), "utf8");
    const staging = fs.readFileSync(path.join(root, "Pulumi.staging.yaml"), "utf8");
    const renamed = staging.replace(/(?<![A-Za-z0-9])staging(?![A-Za-z0-9])/g, "qa");
    // The tier is where the environment stands in the fleet, never renamed.
    const expected = renamed.replace(/^(\s+gitops-platform:tier: )qa$/m, "$1staging");
    assert.equal(qa, expected, "every other byte is staging's");
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
    assert.equal(config["gitops-platform:tier"], "staging", "the tier is copied, never renamed");
    assert.equal(
      inputErrorOf(() => newEnv(root, "qa", "staging")),
      "new env: received qa, which exists (Pulumi.qa.yaml); expected the name of a new environment",
    );
  });
});
