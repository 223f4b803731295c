import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runUpCommand } from "../automation/commands/up";
import { ExitCode } from "../automation/exit-codes";
import { CommandDeps } from "../automation/commands/deps";
import { FakeProject } from "./support/fake-pulumi";
import { PLATFORM_PROGRAM, STAGING_OWNERS } from "./support/platform-program";
import { git } from "./support/project-copy";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };

/** The demo app's objects in staging, one file each (test/golden/gitops/staging). */
const DEMO_FILES = [
  "apps/demo/cronjob-demo-smoke-test.yaml",
  "apps/demo/deployment-demo.yaml",
  "apps/demo/ingress-demo.yaml",
  "apps/demo/networkpolicy-demo.yaml",
  "apps/demo/service-demo.yaml",
  "apps/demo/serviceaccount-demo.yaml",
  "apps/demo/servicemonitor-demo.yaml",
];

function deps(project: FakeProject, out: string[]): CommandDeps {
  return project.deps(AWS, out);
}

describe("up (against the fake pulumi CLI)", () => {
  let project: FakeProject | undefined;
  afterEach(() => project?.remove());

  it("deploys infra, then platform in its phases, then hydrates and pushes to the configured state repo, then gitops, each with the env's config file", async () => {
    project = await FakeProject.create({
      stacks: {
        "infra-staging": { program: "up.json", outputs: { kubeconfig: { secret: "{}" } } },
        "platform-staging": PLATFORM_PROGRAM,
        "gitops-staging": { program: "json-text-change.json" },
      },
    });
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging" }, deps(project, out));

    assert.equal(code, ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations(), [
      "up infra-staging",
      "up platform-staging",
      "cluster: wait for Argo CD",
      "up platform-staging",
      `cluster: verify ${STAGING_OWNERS.join(", ")}`,
      "hydrate staging",
      "up gitops-staging",
    ]);
    const ups = project.journal().filter((e) => e.argv?.[0] === "up");
    for (const up of ups) {
      const argv = up.argv ?? [];
      assert.equal(argv[argv.indexOf("--config-file") + 1], `${project.dir}/Pulumi.staging.yaml`);
      assert.ok(argv.includes("--event-log"), "the driver reads engine events");
    }
    const inits = project.journal().filter((e) => e.argv?.[0] === "stack" && e.argv[1] === "init");
    assert.deepEqual(
      inits.map((e) => [e.argv?.[2], e.argv?.[e.argv.indexOf("--secrets-provider") + 1]]),
      [
        ["infra-staging", "passphrase"],
        ["platform-staging", "passphrase"],
        ["gitops-staging", "passphrase"],
      ],
      "only up creates a stack: reading the platform's record before its first up created none",
    );
    const stateRepo = project.stateRepo("staging");
    const pushed = git(stateRepo, "rev-parse", "main").trim();
    assert.equal(
      out.join(""),
      [
        "up staging:",
        "  infra-staging          1 created (5 unchanged)",
        "  platform-staging       bootstrap: 1 replaced (2 unchanged)",
        "  argo cd                available (2 workloads rolled out)",
        "  platform-staging       hand-off: 2 deleted (1 unchanged)",
        "  hand-off               5 Applications Synced and Healthy; no object with two owners",
        `  hydrate                7 added, 0 modified, 0 deleted; pushed ${pushed.slice(0, 12)}`,
        "  gitops-staging         1 updated",
        "",
      ].join("\n"),
    );
    assert.deepEqual(git(stateRepo, "ls-tree", "-r", "--name-only", "main").trim().split("\n"), [
      ...DEMO_FILES,
      "gitops-platform.yaml",
    ]);
    assert.equal(
      git(stateRepo, "log", "-1", "--format=%(trailers:key=Source-Commit,valueonly)", "main").trim(),
      project.head(),
      "the hydration names the project's HEAD",
    );
    assert.ok(project.log.includes("up: [3/3] hydrate staging into its state repo"), project.log.join("\n"));
    assert.ok(
      project.log.some((l) => l.startsWith("  infra-staging | Updating (infra-staging):")),
      "CLI output streams to stderr",
    );
  });

  it("stops at the first failing stack, names it, and prints the command that resumes", async () => {
    project = await FakeProject.create({
      stacks: {
        "infra-staging": { program: "up.json" },
        "platform-staging": {
          ...PLATFORM_PROGRAM,
          runs: {
            ...PLATFORM_PROGRAM.runs,
            none: {
              ...PLATFORM_PROGRAM.runs.none,
              failure: { operation: "up", message: "creating EC2 Instance: InsufficientInstanceCapacity" },
            },
          },
        },
        "gitops-staging": { program: "json-text-change.json" },
      },
    });
    project.seed("infra-staging", { resources: [] });
    project.seed("platform-staging", { resources: [] });
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging" }, deps(project, out));

    assert.equal(code, ExitCode.Failure);
    assert.deepEqual(project.operations(), ["up infra-staging", "up platform-staging"]);
    const message = project.log.find((l) => l.startsWith("up: platform-staging (bootstrap) failed"));
    assert.equal(
      message,
      [
        "up: platform-staging (bootstrap) failed: web-server-www: creating EC2 Instance: InsufficientInstanceCapacity",
        "Done: infra-staging. Not run: wait for Argo CD (staging), platform-staging (hand-off), hand-off verification (staging), gitops-staging.",
        "Fix the cause, then resume with: npm run --silent cli -- up --env staging --from platform",
      ].join("\n"),
    );
    assert.equal(
      out.join(""),
      [
        "up staging:",
        "  infra-staging          1 created (5 unchanged)",
        "  platform-staging (bootstrap) failed: web-server-www: creating EC2 Instance: InsufficientInstanceCapacity",
        "",
      ].join("\n"),
    );
  });

  it("runs every stack with the project's policy pack, and stops at its mandatory violation before the rejected resource is created", async () => {
    // A CLI with semantic exit codes, streaming events over gRPC: a policy failure is exit 5.
    project = await FakeProject.create({
      version: "3.230.0",
      stacks: { "infra-staging": { program: "policy-violations.json" } },
    });
    project.seed("infra-staging", { resources: [] });
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging" }, deps(project, out));

    assert.equal(code, ExitCode.Failure, project.log.join("\n"));
    assert.deepEqual(project.operations(), ["up infra-staging"]);
    const up = project.journal().find((e) => e.argv?.[0] === "up")?.argv ?? [];
    assert.equal(up[up.indexOf("--policy-pack") + 1], path.join(project.dir, "policy"));
    assert.match(up[up.indexOf("--policy-pack-config") + 1], /\/policy-config\.staging\.json$/);
    assert.deepEqual(
      project.journal().filter((e) => e.of === "up"),
      [{ exit: 5, of: "up" }],
    );
    const violation = "kms-key-rotation on aws:kms/key:Key::secrets-encryption-key: enableKeyRotation is unset";
    assert.equal(
      out.join(""),
      [
        "up staging:",
        `  infra-staging          failed: the policy pack found 1 mandatory violation: ${violation}`,
        "      mandatory kms-key-rotation  aws:kms/key:Key::secrets-encryption-key: enableKeyRotation is unset",
        "",
      ].join("\n"),
    );
    const state = JSON.parse(
      fs.readFileSync(
        path.join(project.dir, ".pulumi", ".pulumi", "stacks", "gitops-platform", "infra-staging.json"),
        "utf8",
      ),
    ) as { resources: unknown[] };
    assert.deepEqual(state.resources, [], "the update stopped before creating anything");
    assert.ok(
      project.log.includes(
        `up: infra-staging failed: the policy pack found 1 mandatory violation: ${violation}\n` +
          "Done: nothing. Not run: platform-staging, gitops-staging.\n" +
          "Fix the cause, then resume with: npm run --silent cli -- up --env staging --from infra",
      ),
      project.log.join("\n"),
    );
  });

  it("stops before the gitops stack when the state repo refuses the push, and says how to resume", async () => {
    project = await FakeProject.create({ stacks: { "gitops-staging": { program: "json-text-change.json" } } });
    const hook = path.join(project.stateRepo("staging"), "hooks", "pre-receive");
    fs.writeFileSync(hook, "#!/bin/sh\necho 'the state repo is frozen for an audit' >&2\nexit 1\n", { mode: 0o755 });
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging", layer: "gitops" }, deps(project, out));

    assert.equal(code, ExitCode.Failure);
    assert.deepEqual(project.operations(), ["hydrate staging"]);
    const message = project.log.find((l) => l.startsWith("up: hydrate (staging) failed")) ?? "";
    assert.match(
      message,
      /^up: hydrate \(staging\) failed: git push --quiet origin HEAD:refs\/heads\/main failed \(exit 1\): /,
    );
    assert.match(message, /remote: the state repo is frozen for an audit/);
    assert.match(
      message,
      /\nDone: nothing\. Not run: gitops-staging\.\nFix the cause, then resume with: npm run --silent cli -- up --env staging --layer gitops$/,
    );
    assert.match(
      out.join(""),
      /^up staging:\n {2}hydrate \(staging\) {6}failed: git push --quiet origin HEAD:refs\/heads\/main failed \(exit 1\): /,
    );
  });

  it("retries a stack locked by another update with backoff, and goes on once the lock is released", async () => {
    project = await FakeProject.create({ stacks: { "infra-staging": { program: "up.json" } } });
    project.seed("infra-staging", { resources: [] });
    const lock = project.lock("infra-staging");
    // The other update finishes while the driver waits for the second time.
    project.onSleep = (index) => index === 2 && fs.rmSync(lock);
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging", layer: "infra" }, deps(project, out));

    assert.equal(code, ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.sleeps, [1_000, 2_000]);
    assert.deepEqual(project.operations(), ["up infra-staging", "up infra-staging", "up infra-staging"]);
    assert.deepEqual(
      project.log.filter((l) => l.includes("locked")),
      [
        "infra-staging: locked by another update; retrying in 1 s (attempt 2 of 3)",
        "infra-staging: locked by another update; retrying in 2 s (attempt 3 of 3)",
      ],
    );
  });

  it("fails clearly when the lock outlasts every attempt", async () => {
    project = await FakeProject.create({ stacks: { "infra-staging": { program: "up.json" } } });
    project.seed("infra-staging", { resources: [] });
    project.lock("infra-staging");
    const out: string[] = [];
    const code = await runUpCommand({ env: "staging", layer: "infra" }, deps(project, out));

    assert.equal(code, ExitCode.Failure);
    assert.deepEqual(project.sleeps, [1_000, 2_000]);
    const message = project.log.find((l) => l.startsWith("up: infra-staging failed")) ?? "";
    assert.match(
      message,
      /^up: infra-staging failed: infra-staging is locked by another update, and still was after 3 attempts\./,
    );
    assert.match(message, /The CLI said: the stack is currently locked by 1 lock\(s\)\./);
    assert.match(message, /Fix the cause, then resume with: npm run --silent cli -- up --env staging --layer infra$/);
  });
});
