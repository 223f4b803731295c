import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { CommandDeps } from "../automation/commands/deps";
import { runPreviewCommand } from "../automation/commands/preview";
import { cloudCredentialSource } from "../automation/driver/credentials";
import { defaultManifestDiff } from "../automation/driver/preview";
import { backendSettings } from "../automation/driver/backend";
import { resolvePulumiCommand } from "../automation/driver/workspace";
import { PINNED_CLI_VERSION } from "../automation/versions";
import { ExitCode } from "../automation/exit-codes";
import { evaluatePolicy } from "../policy/engine";
import { runCli } from "./support/cli";
import { FakeProject, NO_CLOUD } from "./support/fake-pulumi";

/** An environment with no AWS credentials anywhere: a fork's pull request. */

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
      assert.match(
        stderr,
        /argument 'qa' is invalid\. received "qa", which has no Pulumi\.qa\.yaml; expected one of dev, prod-eu, production, staging\./,
      );
    });
  }

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
        checks: project.checks(NO_CLOUD),
        env: { ...NO_CLOUD, GITHUB_BASE_REF: "main", GITHUB_SHA: "9fceb02d0ae598e95dc970b74767f19372d61af8" },
        write: () => assert.fail("the comment goes to --output"),
        manifestDiff: defaultManifestDiff(project.dir),
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
        policy: (env) => Promise.resolve(evaluatePolicy({ env, tier: "staging", stacks: [], manifests: [] })),
      };
      const code = await runPreviewCommand(["staging"], { output: out }, deps, { exitOnChanges: true });

      assert.equal(code, ExitCode.Changes, project.log.join("\n"));
      assert.deepEqual(compared, ["staging against origin/main"]);
      assert.deepEqual(project.operations(), [], "no stack was previewed against the cloud");
      const comment = fs.readFileSync(out, "utf8");
      assert.match(
        comment,
        /^## Pulumi preview, offline: this run has no AWS credentials \(no AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, container credentials or ~\/\.aws files\)$/m,
      );
      assert.match(
        comment,
        /^> \[!NOTE\]\n> The stacks were not previewed against the cloud, and the policy pack did not run; /m,
      );
      assert.ok(
        project.log.includes(
          "preview: offline, because this run has no AWS credentials (no AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, " +
            "AWS_PROFILE, container credentials or ~/.aws files): the stacks are not previewed against the cloud; the " +
            "offline synth of this commit is compared with origin/main instead (pass --offline to ask for this)",
        ),
        project.log.join("\n"),
      );
      assert.match(comment, /compares the offline synth of this commit with `origin\/main` \(`synth --diff`\)/);
      assert.match(comment, /^\| `staging` \| `infra-staging` \| 0 \| 1 \| 0 \| 0 \| {2}\| pass \|$/m);
      assert.match(comment, /^~ {5}inputs\.region: "eu-west-1" => "eu-west-2"$/m);
      assert.match(
        comment,
        /^<summary><b>staging<\/b>: declared resources change \(offline synth\); .*; guardrails pass<\/summary>$/m,
      );
    } finally {
      project.remove();
    }
  });

  it("refuses to fall back offline when a pull request from this repository got no credentials, and falls back for a fork's", async () => {
    const project = await FakeProject.create({ stacks: {} });
    try {
      const event = (fork: boolean) => {
        const file = path.join(project.dir, `event-${fork ? "fork" : "same"}.json`);
        const base = { ref: "main", repo: { full_name: "example-org/gitops-platform" } };
        const head = { sha: "abc123", repo: { full_name: `${fork ? "someone" : "example-org"}/gitops-platform` } };
        fs.writeFileSync(file, JSON.stringify({ pull_request: { number: 7, base, head } }));
        return { ...NO_CLOUD, GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: file, GITHUB_BASE_REF: "main" };
      };
      const deps = (env: NodeJS.ProcessEnv, out: string[]): CommandDeps => ({
        context: project.context(),
        checks: project.checks(env),
        env,
        manifestDiff: defaultManifestDiff(project.dir),
        write: (text) => out.push(text),
        synthDiff: (e, b) => Promise.resolve({ env: e, base: b, hasChanges: false, stacks: [] }),
        policy: (e) => Promise.resolve(evaluatePolicy({ env: e, tier: "staging", stacks: [], manifests: [] })),
      });

      await assert.rejects(
        runPreviewCommand(["staging"], { json: true }, deps(event(false), []), { exitOnChanges: true }),
        {
          name: "InputError",
          message:
            "preview: pull request #7 comes from this repository, where the workflow gives the run AWS credentials, but " +
            "none reached it (no AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, container credentials or " +
            "~/.aws files); expected the credentials step to have run (vars.AWS_PREVIEW_ROLE_ARN, " +
            "aws-actions/configure-aws-credentials), or --offline to preview without the cloud on purpose",
        },
      );

      const out: string[] = [];
      const code = await runPreviewCommand(["staging"], { json: true }, deps(event(true), out), {
        exitOnChanges: true,
      });
      assert.equal(code, ExitCode.Ok, "nothing changed since the base: not the stacks, not the rendered manifests");
      const report = JSON.parse(out.join("")) as { offline: { reason: string } };
      assert.equal(
        report.offline.reason,
        "this pull request comes from a fork, and GitHub gives a fork's run no secrets or OIDC token",
      );
    } finally {
      project.remove();
    }
  });
});
