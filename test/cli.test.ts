import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, SynthResult } from "../automation/synth/synth";
import { CliResult, runCli, spawnCli } from "./support/cli";
import { projectCopy } from "./support/project-copy";

describe("CLI", () => {
  it("prints synth as JSON on stdout, one entry per layer, with progress on stderr only", async () => {
    const { code, stdout, stderr } = await runCli(["synth", "--env", "staging", "--json"]);
    assert.equal(code, 0);
    const result = JSON.parse(stdout) as SynthResult;
    assert.equal(result.env, "staging");
    assert.deepEqual(
      result.stacks.map((s) => [s.layer, s.stack]),
      [
        ["infra", "infra-staging"],
        ["platform", "platform-staging"],
        ["gitops", "gitops-staging"],
      ],
    );
    assert.match(stderr, /^synth: infra, platform, gitops for staging under the mock engine$/m);
  });

  describe("the installed gitops-platform bin, in a process of its own", () => {
    // One run serves both tests: a full synth is the slowest thing the bin does.
    let staging: CliResult;
    before(() => (staging = spawnCli(["synth", "--env", "staging", "--json"])));

    it("synthesizes every layer of the shipped staging config: exit 0, nothing but progress on stderr", () => {
      // A rejection the program leaves behind surfaces only after main() returns, in a real process.
      assert.equal(staging.stderr, "synth: infra, platform, gitops for staging under the mock engine\n");
      assert.equal(staging.code, 0);
    });

    it("works as the installed gitops-platform bin, with the documented exit codes", () => {
      assert.deepEqual(
        (JSON.parse(staging.stdout) as SynthResult).stacks.map((s) => s.stack),
        ["infra-staging", "platform-staging", "gitops-staging"],
      );
      const bad = spawnCli(["synth", "--env", "qa"]);
      assert.equal(bad.code, 2);
      assert.match(
        bad.stderr,
        /received "qa", which has no Pulumi\.qa\.yaml; expected one of dev, prod-eu, production, staging/,
      );
    });
  });

  it("synthesizes every layer of the shipped production config: exit 0, nothing but progress on stderr, no rejection left behind", async () => {
    const rejections: unknown[] = [];
    const record = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", record);
    try {
      const { code, stderr } = await runCli(["synth", "--env", "production"]);
      // Node reports a rejection nobody handled once the microtasks have run: wait for that turn.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(stderr, "synth: infra, platform, gitops for production under the mock engine\n");
      assert.equal(code, 0);
      assert.deepEqual(rejections, []);
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("synthesizes one layer with --layer, in the platform phase --platform-phase names", async () => {
    const argv = ["synth", "--env", "staging", "--layer", "platform", "--platform-phase", "bootstrap", "--json"];
    const { code, stdout } = await runCli(argv);
    assert.equal(code, 0);
    const stacks = (JSON.parse(stdout) as SynthResult).stacks;
    assert.deepEqual(
      stacks.map((s) => s.stack),
      ["platform-staging"],
    );
    // Staging hands every release to Argo CD, but its bootstrap installs them all with Helm.
    assert.equal(stacks[0].resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").length, 5);
  });

  it("prints a tree with the stack's resource count, and no table repeating it, without --json", async () => {
    const { code, stdout } = await runCli(["synth", "--env", "staging", "--layer", "infra"], { NO_COLOR: "1" });
    assert.equal(code, 0);
    const [heading, ...tree] = stdout.trimEnd().split("\n");
    const count = Number(/^infra-staging {2}\((\d+) resources\)$/.exec(heading)?.[1]);
    assert.equal(tree.length, count, "one line per resource");
    assert.ok(
      tree.every((line) => /^[│ ]*[├└]─ /.test(line)),
      tree.join("\n"),
    );
    assert.match(stdout, /^[├└]─ aws-staging {2}pulumi:providers:aws$/m);
  });

  it("colours only when allowed, and never when NO_COLOR is set", async () => {
    const coloured = await runCli(["synth", "--env", "staging", "--layer", "infra"], {
      FORCE_COLOR: "1",
      NO_COLOR: undefined,
    });
    const plain = await runCli(["synth", "--env", "staging", "--layer", "infra"], { FORCE_COLOR: "1", NO_COLOR: "1" });
    assert.ok(coloured.stdout.includes("\u001b["), "expected ANSI colour codes with FORCE_COLOR");
    assert.ok(!plain.stdout.includes("\u001b["), "expected no ANSI codes with NO_COLOR");
  });

  const usage: [string, string[], RegExp][] = [
    [
      "an unknown environment",
      ["synth", "--env", "prod"],
      /argument 'prod' is invalid\. received "prod", which has no Pulumi\.prod\.yaml; expected one of dev, prod-eu, production, staging\./,
    ],
    [
      "an unknown layer",
      ["synth", "--env", "staging", "--layer", "network"],
      /received "network"; expected one of infra, platform, gitops\./,
    ],
    ["a missing --env", ["synth"], /required option '-e, --env <env>' not specified/],
    [
      "an unknown platform phase",
      ["synth", "--env", "staging", "--platform-phase", "handed-over"],
      /argument 'handed-over' is invalid\. Allowed choices are bootstrap, handoff\./,
    ],
    ["an unknown command", ["deploy-everything"], /unknown command 'deploy-everything'/],
  ];
  for (const [what, argv, message] of usage) {
    it(`exits 2 on ${what}, explaining on stderr`, async () => {
      const { code, stdout, stderr } = await runCli(argv);
      assert.equal(code, 2);
      assert.equal(stdout, "");
      assert.match(stderr, message);
    });
  }

  it("prints its version and the Pulumi SDK and CLI versions it pins with --version", async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const sdk = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ) as { version: string };
    const { code, stdout } = await runCli(["--version"]);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      `gitops-platform ${manifest.version}\nPulumi SDK (@pulumi/pulumi) ${sdk.version}\nPulumi CLI (pinned) ${sdk.version}\n`,
    );
  });

  it("prints help on stdout and exits 0", async () => {
    const { code, stdout } = await runCli(["synth", "--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: gitops-platform synth \[options\]/);
  });

  it("refuses to start on a broken set of environments, naming the files, and writes nothing (exit 2)", () => {
    const dir = projectCopy();
    try {
      const dev = path.join(dir, "Pulumi.dev.yaml");
      const text = fs.readFileSync(dev, "utf8");
      const cyclic = text.replace(
        /^(\s+gitops-platform:tier: development)$/m,
        "$1\n  gitops-platform:promotesFrom: production",
      );
      assert.notEqual(cyclic, text);
      fs.writeFileSync(dev, cyclic);
      const result = spawnCli(["hydrate", "--env", "staging"], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        "error: Pulumi.dev.yaml, Pulumi.production.yaml, Pulumi.staging.yaml: gitops-platform:promotesFrom: the " +
          "promotion order has a cycle dev -> production -> staging -> dev (each promotes from the next); expected an " +
          "order without cycles, where a change reaches every environment after the ones it promotes from",
      );
      assert.equal(fs.existsSync(path.join(dir, ".state")), false, "nothing was hydrated");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
