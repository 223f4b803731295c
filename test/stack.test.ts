import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { InputError } from "../config";
import {
  discoverEnvironments,
  isEnvironmentName,
  parseStackName,
  PROJECT_NAME,
  PROJECT_ROOT,
  readEnvironmentConfig,
  selectStack,
  splitStackName,
  stackIdentity,
  upCommand,
} from "../stack";
import { inputErrorOf, removeTempDirs, tempDir } from "./support/gitops";

/** A project directory holding `files` (name: content). */
function project(files: Record<string, string>): string {
  const dir = tempDir("stack");
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const STAGING = "config:\n  gitops-platform:environment: staging\n";

describe("stack scheme", () => {
  after(removeTempDirs);

  it("Pulumi.yaml names the project the code expects and declares the environment key", () => {
    const settings = parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      config: Record<string, { type: string }>;
    };
    assert.equal(settings.name, PROJECT_NAME);
    assert.equal(settings.config.environment.type, "string");
    assert.equal(settings.config.tier.type, "string");
  });

  describe("environment names", () => {
    for (const name of ["a", "qa", "prod-eu", "1", `a${"b".repeat(61)}c`]) {
      it(`accepts ${name.slice(0, 16)} (${name.length} characters)`, () => assert.equal(isEnvironmentName(name), true));
    }
    for (const name of ["", "-qa", "qa-", "Qa", "q_a", `a${"b".repeat(62)}c`, "qa\n"]) {
      it(`refuses ${JSON.stringify(name.slice(0, 16))} (${name.length} characters)`, () =>
        assert.equal(isEnvironmentName(name), false));
    }
  });

  describe("discoverEnvironments", () => {
    it("reads only files named exactly Pulumi.<env>.yaml", () => {
      const dir = project({
        "Pulumi.qa.yaml": STAGING,
        "Pulumi.yaml": "name: gitops-platform\n",
        "old-Pulumi.dev.yaml": STAGING,
        "Pulumi.eu.yaml.bak": STAGING,
        "Pulumi.staging.yaml": STAGING,
      });
      assert.deepEqual(discoverEnvironments(dir), ["qa", "staging"]);
    });
  });

  describe("readEnvironmentConfig", () => {
    it("fails with the file name when the config file is missing", () => {
      const dir = tempDir("config-file");
      assert.throws(() => readEnvironmentConfig(dir, "production"), {
        name: "InputError",
        message: `Pulumi.production.yaml: not found in ${dir}; expected the config file of the production stacks`,
      });
    });

    it("reads the secrets provider the file records, a passphrase one from the salt when secretsprovider is empty", () => {
      const dir = project({ "Pulumi.staging.yaml": `secretsprovider: ""\nencryptionsalt: v1:c2FsdA==\n${STAGING}` });
      assert.equal(readEnvironmentConfig(dir, "staging").secretsProvider, "passphrase");
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), `secretsprovider: awskms://alias/gp\n${STAGING}`);
      assert.equal(readEnvironmentConfig(dir, "staging").secretsProvider, "awskms://alias/gp");
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), `secretsprovider: 42\n${STAGING}`);
      assert.equal("secretsProvider" in readEnvironmentConfig(dir, "staging"), false);
    });

    it("counts a map with secure: among other keys as a plain map, not a secret", () => {
      const dir = project({
        "Pulumi.staging.yaml": `${STAGING}  gitops-platform:platform:\n    labels:\n      secure: "no"\n      team: ops\n`,
      });
      const config = readEnvironmentConfig(dir, "staging");
      assert.deepEqual(config.values["gitops-platform:platform"], { labels: { secure: "no", team: "ops" } });
      assert.deepEqual(config.secretKeys, []);
    });

    it("keeps a key without a value as null", () => {
      const dir = project({ "Pulumi.staging.yaml": `${STAGING}  aws:profile:\n` });
      assert.deepEqual(readEnvironmentConfig(dir, "staging").values, {
        "gitops-platform:environment": "staging",
        "aws:profile": null,
      });
    });

    it("replaces a secret key's value and each secure: item of a provider's list with the marker, listing their keys", () => {
      const dir = project({
        "Pulumi.staging.yaml":
          `${STAGING}  gitops-platform:stateRepoToken:\n    secure: v1:tok\n` +
          "  aws:keys:\n    - plain\n    - secure: v1:abc\n    - [secure: v1:def]\n",
      });
      const config = readEnvironmentConfig(dir, "staging");
      assert.deepEqual(config.values, {
        "gitops-platform:environment": "staging",
        "gitops-platform:stateRepoToken": "[secret]",
        "aws:keys": ["plain", "[secret]", ["[secret]"]],
      });
      assert.deepEqual(config.secretKeys, ["gitops-platform:stateRepoToken", "aws:keys"]);
    });
  });

  it("fails for any stack in a project without environments, saying there are none", () => {
    const dir = project({ "Pulumi.yaml": "name: gitops-platform\n" });
    assert.equal(
      inputErrorOf(() => parseStackName("infra-staging", dir)),
      'Stack "infra-staging" is not named <layer>-<env>: the layer must be one of infra, platform, gitops, and the ' +
        `project has no environment yet; expected a Pulumi.<env>.yaml in ${dir}`,
    );
  });

  describe("parseStackName", () => {
    const valid: [string, string, string][] = [
      ["infra-staging", "infra", "staging"],
      ["platform-staging", "platform", "staging"],
      ["gitops-staging", "gitops", "staging"],
      ["infra-production", "infra", "production"],
      ["gitops-dev", "gitops", "dev"],
      ["platform-prod-eu", "platform", "prod-eu"],
    ];
    for (const [name, layer, env] of valid) {
      it(`reads ${name} as layer ${layer} of ${env}, with Pulumi.${env}.yaml`, () => {
        assert.deepEqual(parseStackName(name), { name, layer, env, configFile: `Pulumi.${env}.yaml` });
      });
    }

    for (const name of [
      "dev",
      "infra",
      "infra-qa",
      "staging-infra",
      "network-staging",
      "infra-staging-2",
      "Infra-staging",
      "infra-Staging",
      "",
    ]) {
      it(`fails for "${name}", listing the valid stacks and the command to type`, () => {
        assert.throws(
          () => parseStackName(name),
          (err: Error) =>
            err instanceof InputError &&
            err.message ===
              `Stack "${name}" is not named <layer>-<env>: the layer must be one of infra, platform, gitops and the env one of ` +
                "dev, prod-eu, production, staging (a Pulumi.<env>.yaml each). Valid stacks: infra-dev, platform-dev, " +
                "gitops-dev, infra-prod-eu, platform-prod-eu, gitops-prod-eu, infra-production, platform-production, " +
                "gitops-production, infra-staging, platform-staging, gitops-staging. For example: pulumi up -s infra-dev " +
                "--config-file Pulumi.dev.yaml",
        );
      });
    }

    it("splits a name by its form alone, whether or not the environment exists", () => {
      assert.deepEqual(splitStackName("gitops-qa-2"), { layer: "gitops", env: "qa-2" });
      assert.equal(splitStackName("gitops-QA"), undefined);
      assert.equal(splitStackName("network-qa"), undefined);
      assert.equal(splitStackName("infra-"), undefined);
      assert.equal(splitStackName("infra"), undefined);
    });
  });

  describe("selectStack", () => {
    it("accepts the config of the stack's own environment", () => {
      assert.deepEqual(selectStack("platform-production", "production"), stackIdentity("platform", "production"));
    });

    for (const configured of [undefined, ""]) {
      it(`fails when the environment is ${JSON.stringify(configured)}, the "forgot --config-file" run`, () => {
        assert.throws(() => selectStack("gitops-staging", configured), {
          name: "InputError",
          message:
            'Stack "gitops-staging" ran without its environment\'s config file (gitops-platform:environment is not set). ' +
            "Pass the file explicitly, on every command: pulumi up -s gitops-staging --config-file Pulumi.staging.yaml",
        });
      });
    }

    it("fails when the config belongs to the other environment", () => {
      assert.throws(() => selectStack("infra-production", "staging"), {
        name: "InputError",
        message:
          'Stack "infra-production" belongs to production, but the config passed in is for "staging" ' +
          "(gitops-platform:environment). Pass the production file: pulumi up -s infra-production --config-file Pulumi.production.yaml",
      });
    });
  });

  it("builds the command that runs a stack with its environment's file", () => {
    assert.equal(
      upCommand(stackIdentity("gitops", "production")),
      "pulumi up -s gitops-production --config-file Pulumi.production.yaml",
    );
  });
});
