import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { CommandDeps } from "../automation/commands/deps";
import { runDestroyCommand } from "../automation/commands/destroy";
import { runDriftCommand } from "../automation/commands/drift";
import { runUpCommand } from "../automation/commands/up";
import { assertPreflight, preflightRows } from "../automation/doctor/run";
import { PINNED_CLI_VERSION } from "../automation/versions";
import { FakeProject } from "./support/fake-pulumi";

/** No AWS credentials and no passphrase: what a first run on a laptop often has. */
const BARE: NodeJS.ProcessEnv = { PULUMI_CONFIG_PASSPHRASE: undefined };
const AWS: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };

describe("preflight: up, preview, drift and destroy check their prerequisites first (against the fake pulumi CLI)", () => {
  let project: FakeProject;
  beforeEach(async () => {
    project = await FakeProject.create({ stacks: { "infra-staging": { program: "up.json" } } });
  });
  afterEach(() => project.remove());

  const deps = (env: NodeJS.ProcessEnv): CommandDeps => project.deps(env);

  it("lists every missing prerequisite of up in one message, each with its fix, and runs nothing", async () => {
    fs.rmSync(project.stateRepo("staging"), { recursive: true });
    await assert.rejects(runUpCommand({ env: "staging" }, deps(BARE)), (err: Error) => {
      assert.equal(err.name, "InputError");
      const lines = err.message.split("\n");
      assert.equal(
        lines[0],
        "up cannot start: 3 prerequisites are missing or wrong; expected every check below to pass " +
          "(npm run --silent cli -- doctor --env staging shows them all):",
      );
      assert.deepEqual(lines.slice(1, 4), [
        `  - pulumi CLI: wrong: v3.205.0 on PATH (${project.checks({}).which("pulumi")}); this checkout pins v${PINNED_CLI_VERSION} (the SDK's version)`,
        `      fix: curl -fsSL https://get.pulumi.com | sh -s -- --version ${PINNED_CLI_VERSION}`,
        "      (does not stop up)",
      ]);
      assert.deepEqual(lines.slice(4, 8), [
        "  - secrets provider (staging): missing: the embedded backend uses a passphrase, and neither " +
          "PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set",
        "      fix: export PULUMI_CONFIG_PASSPHRASE='<the passphrase of the staging stacks>'",
        "  - AWS credentials: missing: none where the AWS SDK looks (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, " +
          "AWS_PROFILE, container credentials, ~/.aws)",
        "      fix: aws sso login --profile <profile> && export AWS_PROFILE=<profile> (GitHub Actions: " +
          "aws-actions/configure-aws-credentials)",
      ]);
      assert.match(
        lines[8],
        /^ {2}- state repo \(staging\): missing: \S+\/state-staging\.git \(gitops-platform:platform\.stateRepo\.url in Pulumi\.staging\.yaml\) cannot be read: fatal: '\S+' does not appear to be a git repository$/,
      );
      assert.match(
        lines[9],
        /^ {6}fix: create it \(git init --bare \S+\/state-staging\.git\) or correct gitops-platform:platform\.stateRepo\.url in Pulumi\.staging\.yaml$/,
      );
      assert.equal(lines.length, 10);
      return true;
    });
    assert.deepEqual(project.operations(), [], "no stack operation ran");
  });

  for (const command of ["drift", "destroy"] as const) {
    it(`stops ${command} without cloud credentials, before running anything`, async () => {
      const run =
        command === "drift"
          ? runDriftCommand(["staging"], {}, deps({}))
          : runDestroyCommand(
              { env: "staging", yes: true },
              deps({}),
              () => assert.fail("no teardown"),
              () => Promise.resolve(true),
            );
      await assert.rejects(run, {
        name: "InputError",
        message: new RegExp(
          `^${command} cannot start: 1 prerequisite is missing or wrong;[^]*\\n {2}- AWS credentials: missing: `,
        ),
      });
      assert.deepEqual(project.operations(), []);
    });
  }

  it("refuses the embedded backend on a GitHub Actions runner, where it would be thrown away", async () => {
    await assert.rejects(runUpCommand({ env: "staging" }, deps({ ...AWS, GITHUB_ACTIONS: "true" })), {
      name: "InputError",
      message:
        /\n {2}- state backend \(staging\): wrong: the embedded file backend \(\.pulumi\/\) on a GitHub Actions runner, which discards it with the runner\n {6}fix: set PULUMI_BACKEND_URL to a shared backend/,
    });
  });

  it("asks an offline preview only for git and the state repo, and lets it run when the state repo cannot be read", async () => {
    fs.rmSync(project.stateRepo("staging"), { recursive: true });
    const rows = await preflightRows("preview", "staging", project.checks(BARE), { offline: true });
    assert.deepEqual(
      rows.map((r) => [r.check, r.status, r.blocks]),
      [
        ["git", "ok", ["up", "preview", "drift", "destroy", "status"]],
        ["state repo", "missing", ["up"]],
      ],
    );
    assert.doesNotThrow(() => assertPreflight("preview", rows, "doctor"));
  });
});
