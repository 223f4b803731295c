import * as assert from "node:assert/strict";
import { runCiCommand } from "../automation/commands/ci";
import { CommandDeps } from "../automation/commands/deps";
import { UpResult, UpStoppedError } from "../automation/driver/up";
import { renderWavesReport, runWaves } from "../automation/driver/waves";
import { ExitCode } from "../automation/exit-codes";
import { FakeProject } from "./support/fake-pulumi";
import { deployablePrograms } from "./support/platform-program";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };

/** A deploy double whose environments finish when the test says so, recording what ran at once. */
function controlledDeploys() {
  const running = new Set<string>();
  const started: string[] = [];
  let peak = 0;
  const finish = new Map<string, (outcome: "ok" | "fail") => void>();
  const deploy = (env: string): Promise<UpResult> => {
    started.push(env);
    running.add(env);
    peak = Math.max(peak, running.size);
    return new Promise((resolve, reject) => {
      finish.set(env, (outcome) => {
        running.delete(env);
        if (outcome === "ok") resolve({ env, stacks: [] });
        else reject(new UpStoppedError(`up: infra-${env} failed: boom`, { env, stacks: [] }));
      });
    });
  };
  /** Waits until `env` has started, then ends its deploy. */
  const end = async (env: string, outcome: "ok" | "fail" = "ok") => {
    while (!finish.has(env)) await new Promise((resolve) => setImmediate(resolve));
    finish.get(env)?.(outcome);
  };
  return { deploy, end, started, peak: () => peak };
}

describe("ci deploy waves", () => {
  it("deploys a wave up to --parallel environments at a time, and the next wave only after it", async () => {
    const c = controlledDeploys();
    const run = runWaves([["dev"], ["a", "b", "c"], ["prod"]], c.deploy, { parallel: 2, log: () => undefined });
    await c.end("dev");
    await c.end("a");
    await c.end("b");
    await c.end("c");
    await c.end("prod");
    const report = await run;
    assert.deepEqual(c.started, ["dev", "a", "b", "c", "prod"]);
    assert.equal(c.peak(), 2);
    assert.deepEqual(
      report.outcomes.map((o) => [o.wave, o.env, o.status]),
      [
        [1, "dev", "deployed"],
        [2, "a", "deployed"],
        [2, "b", "deployed"],
        [2, "c", "deployed"],
        [3, "prod", "deployed"],
      ],
    );
    assert.equal(report.stoppedAt, undefined);
  });

  it("starts nothing after the first failure, lets what runs finish, and reports what ran", async () => {
    const c = controlledDeploys();
    const log: string[] = [];
    const run = runWaves([["dev"], ["a", "b", "c", "d"], ["prod"]], c.deploy, { parallel: 2, log: (m) => log.push(m) });
    await c.end("dev");
    await c.end("a", "fail");
    await c.end("b");
    const report = await run;
    assert.deepEqual(c.started, ["dev", "a", "b"]);
    assert.deepEqual(
      report.outcomes.map((o) => [o.env, o.status]),
      [
        ["dev", "deployed"],
        ["a", "failed"],
        ["b", "deployed"],
        ["c", "not run"],
        ["d", "not run"],
        ["prod", "not run"],
      ],
    );
    assert.equal(report.stoppedAt, 2);
    assert.deepEqual(log, [
      "ci: wave 1 of 3: dev",
      "ci: wave 2 of 3: a, b, c, d",
      "ci: a failed: no further environment starts",
    ]);
    assert.equal(
      renderWavesReport(report),
      [
        "ci: 3 wave(s), 6 environment(s)",
        "  wave 1  dev   deployed",
        "  wave 2  a     failed",
        "  wave 2  b     deployed",
        "  wave 2  c     not run",
        "  wave 2  d     not run",
        "  wave 3  prod  not run",
        "Stopped in wave 2: a failed. Not run: c, d, prod.",
        "",
        "up dev:",
        "up a:",
        "a: up: infra-a failed: boom",
        "up b:",
        "",
      ].join("\n"),
    );
  });
});

describe("ci deploy waves (against the fake pulumi CLI)", () => {
  let project: FakeProject | undefined;
  afterEach(() => project?.remove());

  function deps(out: string[], env: Record<string, string>): CommandDeps {
    return (project as FakeProject).deps({ ...AWS, ...env }, out);
  }

  it("deploys a merge to main by tier in promotion order, a fifth environment included, and stops on the first failure", async () => {
    project = await FakeProject.create(
      {
        stacks: {
          ...deployablePrograms(["dev", "qa"], "argocd"),
          "infra-qa": { failure: { operation: "up", message: "quota exceeded for VPCs" } },
        },
      },
      { extraEnvironments: [{ name: "qa", from: "dev", tier: "development", promotesFrom: ["dev"] }] },
    );
    const out: string[] = [];
    const code = await runCiCommand({}, deps(out, { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" }));

    assert.equal(code, ExitCode.Failure);
    assert.deepEqual(project.operations(), [
      "up infra-dev",
      // dev hands its releases to Argo CD (docs/operations.md): bootstrap, wait, hand-off, verify.
      "up platform-dev",
      "cluster: wait for Argo CD",
      "up platform-dev",
      "cluster: verify kube-prometheus-stack, argo-cd, sealed-secrets, external-dns, logging",
      "hydrate dev",
      "up gitops-dev",
      "up infra-qa",
    ]);
    const report = out.join("");
    assert.match(report, /^ {2}wave 1 {2}dev {6}deployed$/m);
    assert.match(report, /^ {2}wave 2 {2}qa {7}failed$/m);
    assert.match(report, /^ {2}wave 2 {2}staging {2}not run$/m);
    assert.match(report, /^Stopped in wave 2: qa failed\. Not run: staging\.$/m);
    assert.match(report, /^qa: up: infra-qa failed: .*quota exceeded for VPCs/m);
    assert.match(report, /Fix the cause, then resume with: npm run --silent cli -- up --env qa --from infra$/m);
  });

  it("deploys a tag to every production-tier environment, side by side with --parallel 2", async () => {
    project = await FakeProject.create({ stacks: deployablePrograms(["prod-eu", "production"], "pulumi") });
    const out: string[] = [];
    const code = await runCiCommand(
      { parallel: 2 },
      deps(out, { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v1.2.0" }),
    );

    assert.equal(code, ExitCode.Ok, `${project.log.join("\n")}\n${out.join("")}`);
    const operations = project.operations();
    for (const env of ["prod-eu", "production"]) {
      assert.deepEqual(
        operations.filter((o) => o.endsWith(` ${env}`) || o.endsWith(`-${env}`)),
        // Production keeps every release with Pulumi: the bootstrap, then an up that hands nothing over.
        [`up infra-${env}`, `up platform-${env}`, `up platform-${env}`, `hydrate ${env}`, `up gitops-${env}`],
      );
    }
    // ... and each waits for Argo CD between its two platform ups (the cluster steps name no environment).
    assert.equal(operations.filter((o) => o === "cluster: wait for Argo CD").length, 2);
    assert.equal(operations.length, 12, operations.join("\n"));
    assert.ok(
      operations.indexOf("up infra-production") < operations.indexOf("up gitops-prod-eu"),
      `the two environments ran side by side: ${operations.join(", ")}`,
    );
    assert.match(out.join(""), /^ {2}wave 1 {2}prod-eu {5}deployed\n {2}wave 1 {2}production {2}deployed$/m);
  });
});
