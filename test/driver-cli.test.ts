import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { CommandDeps } from "../automation/commands/deps";
import { runPreviewCommand } from "../automation/commands/preview";
import { cloudCredentialSource } from "../automation/driver/credentials";
import { backendSettings, PINNED_CLI_VERSION, resolvePulumiCommand } from "../automation/driver/workspace";
import { ExitCode } from "../automation/exit-codes";
import { evaluatePolicy } from "../policy/engine";
import { runCli } from "./support/cli";
import { FakeProject } from "./support/fake-pulumi";

/** An environment with no AWS credentials anywhere: a fork's pull request. */
const NO_CLOUD: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  GITOPS_PLATFORM_CLOUD_CREDENTIALS: undefined,
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_CONFIG_FILE: "/nonexistent/config",
};

describe("driver commands: help, bad input and the environment", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "driver-cli-"));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  for (const command of ["preview", "up", "destroy", "drift", "bump-image", "ci"]) {
    it(`prints help for ${command} and exits 0`, async () => {
      const { code, stdout } = await runCli([command, "--help"]);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: gitops-platform ${command} \\[options\\]`));
      assert.match(stdout, /Exit codes|GITHUB_EVENT_NAME/);
    });
  }

  for (const command of ["preview", "up", "destroy", "drift"]) {
    it(`rejects an unknown environment for ${command} with exit 2`, async () => {
      const { code, stderr } = await runCli([command, "--env", "qa"]);
      assert.equal(code, 2);
      assert.match(stderr, /argument 'qa' is invalid\. received "qa"; expected one of staging, production\./);
    });
  }

  for (const command of ["up", "destroy", "drift"]) {
    it(`refuses ${command} without cloud credentials, with exit 2, before running anything`, async () => {
      const { code, stderr } = await runCli(
        [command, "--env", "staging", "--yes"].slice(0, command === "destroy" ? 4 : 3),
        NO_CLOUD,
      );
      assert.equal(code, 2);
      assert.match(
        stderr,
        new RegExp(`^error: ${command} --env staging needs AWS credentials: received none \\(`, "m"),
      );
      assert.match(stderr, /expected credentials for the environment's account/);
    });
  }

  it("refuses up on the embedded backend without a passphrase, with exit 2", async () => {
    const { code, stderr } = await runCli(["up", "--env", "staging"], {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
      PULUMI_BACKEND_URL: undefined,
      PULUMI_CONFIG_PASSPHRASE: undefined,
      PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
      GITHUB_ACTIONS: undefined,
    });
    assert.equal(code, 2);
    assert.match(
      stderr,
      /^error: no passphrase: the embedded file backend uses a passphrase secrets provider for the staging stacks; expected PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to be set$/m,
    );
  });

  it("refuses the embedded backend on a GitHub Actions runner, where it would be thrown away", async () => {
    const { code, stderr } = await runCli(["up", "--env", "staging"], {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
      GITHUB_ACTIONS: "true",
      PULUMI_BACKEND_URL: undefined,
    });
    assert.equal(code, 2);
    assert.match(
      stderr,
      /^error: PULUMI_BACKEND_URL: received nothing on a GitHub Actions runner, .+; expected a shared backend/m,
    );
  });

  it("finds credentials where the AWS SDK's default chain looks", () => {
    const home = fs.mkdtempSync(path.join(scratch, "home-"));
    const none = { AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_CONFIG_FILE: undefined };
    assert.equal(cloudCredentialSource(none, home), undefined);
    assert.equal(
      cloudCredentialSource({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }, home),
      "AWS_ACCESS_KEY_ID",
    );
    assert.equal(
      cloudCredentialSource({ AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn" }, home),
      "AWS_WEB_IDENTITY_TOKEN_FILE",
    );
    assert.equal(cloudCredentialSource({ AWS_PROFILE: "ops" }, home), "AWS_PROFILE=ops");
    fs.mkdirSync(path.join(home, ".aws"));
    fs.writeFileSync(path.join(home, ".aws", "config"), "[default]\n");
    assert.equal(cloudCredentialSource(none, home), path.join(home, ".aws", "config"));
  });

  it("takes the backend from PULUMI_BACKEND_URL, else a passphrase file backend in .pulumi/", () => {
    const root = fs.mkdtempSync(path.join(scratch, "backend-"));
    fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), "config:\n  gitops-platform:environment: staging\n");
    fs.writeFileSync(
      path.join(root, "Pulumi.production.yaml"),
      "secretsprovider: awskms://alias/gitops-platform\nconfig:\n  gitops-platform:environment: production\n",
    );
    assert.deepEqual(backendSettings(root, "staging", {}), {
      url: `file://${root}/.pulumi`,
      embedded: true,
      secretsProvider: "passphrase",
    });
    assert.deepEqual(backendSettings(root, "staging", { PULUMI_BACKEND_URL: "s3://state-bucket" }), {
      url: "s3://state-bucket",
      embedded: false,
      secretsProvider: undefined,
    });
    assert.deepEqual(backendSettings(root, "production", {}), {
      url: `file://${root}/.pulumi`,
      embedded: true,
      secretsProvider: "awskms://alias/gitops-platform",
    });
  });

  it("uses pulumi from PATH, else installs the pinned version, and says why that fails offline", async () => {
    const onPath = {} as PulumiCommand;
    assert.equal(
      await resolvePulumiCommand({
        fromPath: () => Promise.resolve(onPath),
        install: () => Promise.reject(new Error("unused")),
      }),
      onPath,
    );

    const log: string[] = [];
    const offline = {
      fromPath: () => Promise.reject(new Error("spawn pulumi ENOENT")),
      install: () => Promise.reject(new Error("getaddrinfo ENOTFOUND get.pulumi.com")),
    };
    await assert.rejects(
      resolvePulumiCommand(offline, (m) => log.push(m)),
      (err: Error) => {
        assert.equal(
          err.message,
          `the pulumi CLI is not on PATH, and installing v${PINNED_CLI_VERSION} with PulumiCommand.install failed ` +
            "(getaddrinfo ENOTFOUND get.pulumi.com). Installing downloads from get.pulumi.com, so it cannot work offline: " +
            "install the CLI (https://www.pulumi.com/docs/install/) and put it on PATH, then run again.",
        );
        return true;
      },
    );
    assert.deepEqual(log, [`pulumi: not found on PATH (spawn pulumi ENOENT); installing v${PINNED_CLI_VERSION}`]);
  });

  it("previews offline with the synth diff against the base when there are no cloud credentials, and says so", async () => {
    const project = await FakeProject.create({ stacks: {} });
    try {
      const out = path.join(project.dir, "comment.md");
      const compared: string[] = [];
      const deps: CommandDeps = {
        context: project.context(),
        env: { ...NO_CLOUD, GITHUB_BASE_REF: "main", GITHUB_SHA: "9fceb02d0ae598e95dc970b74767f19372d61af8" },
        write: () => assert.fail("the comment goes to --output"),
        // What `synth --diff origin/main` finds when the pull request moves staging to another region.
        synthDiff: (env, base) => {
          compared.push(`${env} against ${base}`);
          const changed = [
            {
              resource: "pulumi:providers:aws::aws-staging",
              changes: [{ path: "inputs.region", before: "eu-west-1", after: "eu-west-2" }],
            },
          ];
          return Promise.resolve({
            env,
            base,
            hasChanges: true,
            stacks: [{ stack: "infra-staging", added: [], removed: [], changed }],
          });
        },
        // The guardrails run offline too: a fork's pull request still gets them.
        policy: (env) => Promise.resolve(evaluatePolicy({ env, stacks: [], manifests: [] })),
      };
      const code = await runPreviewCommand(["staging"], { output: out }, deps, { exitOnChanges: true });

      assert.equal(code, ExitCode.Changes, project.log.join("\n"));
      assert.deepEqual(compared, ["staging against origin/main"]);
      assert.deepEqual(project.operations(), [], "no stack was previewed against the cloud");
      const comment = fs.readFileSync(out, "utf8");
      assert.match(
        comment,
        /^> \[!NOTE\]\n> Previewed offline: this run has no cloud credentials \(a pull request from a fork gets none\)\./m,
      );
      assert.match(comment, /compares the offline synth of this commit with `origin\/main` \(`synth --diff`\)/);
      assert.match(comment, /^\| `infra-staging` \| 0 \| 1 \| 0 \|$/m);
      assert.match(comment, /^~ {5}inputs\.region: "eu-west-1" => "eu-west-2"$/m);
      assert.match(comment, /^- \*\*staging\*\*: declared resources change \(offline synth\); .*; guardrails pass$/m);
    } finally {
      project.remove();
    }
  });
});
