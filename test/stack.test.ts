import * as assert from "node:assert/strict";
import { InputError } from "../config";
import { parseStackName, selectStack, splitStackName, stackIdentity, upCommand } from "../stack";

describe("stack scheme", () => {
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
