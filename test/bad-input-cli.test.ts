import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli, spawnCli } from "./support/cli";
import { sectionOf, shippedConfig, withValue } from "./support/config";
import { synth } from "./support/engine";
import { projectCopy } from "./support/project-copy";

/** What a stack trace looks like on stderr: Node's `    at fn (file:line:col)` frames. */
const STACK_FRAME = /^\s+at .+[:(]/m;

describe("bad input: CLI and synth", () => {
  describe("synth under the mock engine fails with one line for a bad section of every layer", () => {
    type Edit = (section: Record<string, unknown>) => void;
    const cases: [string, string, Edit, string][] = [
      [
        "infra",
        "a region that does not exist",
        (s) => (s.region = "mars-1"),
        'gitops-platform:infra.region: received "mars-1"',
      ],
      [
        "infra",
        "an account id of letters",
        (s) => (s.accountId = "abc"),
        'gitops-platform:infra.accountId: received "abc"',
      ],
      [
        "infra",
        "a missing cluster name",
        (s) => delete s.clusterName,
        "gitops-platform:infra.clusterName: received nothing (the key is missing)",
      ],
      ["infra", "an unknown key", (s) => (s.colour = "red"), "gitops-platform:infra.colour: unknown key"],
      [
        "platform",
        "a state repo URL with a token in it, without echoing the token",
        (s) => ((s.stateRepo as Record<string, unknown>).url = "https://ci:ghp_secret@github.com/o/r.git"),
        'gitops-platform:platform.stateRepo.url: received "https://***@github.com/o/r.git"',
      ],
      ["platform", "an unknown key", (s) => (s.replicas = 2), "gitops-platform:platform.replicas: unknown key"],
      [
        "platform",
        "a missing state repo",
        (s) => delete s.stateRepo,
        "gitops-platform:platform.stateRepo: received nothing (the key is missing)",
      ],
      ["gitops", "an unknown mode", (s) => (s.mode = "helm"), 'gitops-platform:gitops.mode: received "helm"'],
      [
        "gitops",
        "a retry limit too high",
        (s) => ((s.retry as Record<string, unknown>).limit = 1000),
        "gitops-platform:gitops.retry.limit: received 1000",
      ],
      ["gitops", "a misspelled key", (s) => (s.notification = []), "gitops-platform:gitops.notification: unknown key"],
    ];
    for (const [layer, what, edit, expected] of cases) {
      it(`the ${layer} layer refuses ${what}, leaving no unhandled rejection behind`, async () => {
        const key = `gitops-platform:${layer}`;
        const section = sectionOf(shippedConfig("staging"), key);
        edit(section);
        const config = withValue(shippedConfig("staging"), key, section);
        const listeners = process.listenerCount("unhandledRejection");
        await assert.rejects(synth({ env: "staging", layers: [layer as "infra"], config }), (err: Error) => {
          assert.ok(pulumi.RunError.isInstance(err), `a RunError, printed without a stack trace; got ${err.name}`);
          assert.equal(err.message.split("\n").length, 1, err.message);
          assert.ok(err.message.startsWith(`Pulumi.staging.yaml: ${expected}`), err.message);
          return true;
        });
        assert.equal(
          process.listenerCount("unhandledRejection"),
          listeners,
          "the engine stops listening after the run",
        );
      });
    }
  });

  it("a stack refuses an unknown key of the project's namespace that the Pulumi CLI passes it", async () => {
    const config = withValue(shippedConfig("staging"), "gitops-platform:stateRepoTokn", "x");
    await assert.rejects(synth({ env: "staging", layers: ["gitops"], config }), (err: Error) => {
      assert.ok(pulumi.RunError.isInstance(err));
      assert.match(
        err.message,
        /^Pulumi\.staging\.yaml: gitops-platform:stateRepoTokn: unknown key; .+ \(did you mean gitops-platform:stateRepoToken\?\)$/,
      );
      return true;
    });
  });

  describe("usage errors exit 2 with one message for every command", () => {
    const commands: [string, string[]][] = [
      ["synth", []],
      ["hydrate", []],
      ["preview", []],
      ["up", []],
      ["destroy", ["--yes"]],
      ["drift", []],
      ["bump-image", ["--app", "demo", "--tag", "1.0.0"]],
    ];
    const envs: [string, string, RegExp][] = [
      [
        "an unknown environment",
        "prod",
        /received "prod", which has no Pulumi\.prod\.yaml; expected one of dev, prod-eu, production, staging\./,
      ],
      [
        "an environment in capitals",
        "Staging",
        /received "Staging", which is not an environment name; expected one of dev, prod-eu, production, staging\./,
      ],
      [
        "an empty environment",
        "",
        /received "", which is not an environment name; expected one of dev, prod-eu, production, staging\./,
      ],
      [
        "a 10,000-character environment",
        "e".repeat(10_000),
        /received "e{199}… \(10002 characters\), which is not an environment name; expected one of/,
      ],
    ];
    for (const [command, rest] of commands) {
      for (const [what, env, message] of envs) {
        it(`${command} exits 2 on ${what}`, async () => {
          const { code, stdout, stderr } = await runCli([command, "--env", env, ...rest]);
          assert.equal(code, 2, stderr);
          assert.equal(stdout, "");
          assert.match(stderr, message);
          assert.ok(stderr.length < 1_000, `a ${stderr.length}-character error`);
          assert.doesNotMatch(stderr, STACK_FRAME);
        });
      }
    }

    for (const command of ["synth", "up", "drift"]) {
      it(`${command} exits 2 on an unknown layer`, async () => {
        const { code, stderr } = await runCli([command, "--env", "staging", "--layer", "network"]);
        assert.equal(code, 2, stderr);
        assert.match(stderr, /received "network"; expected one of infra, platform, gitops\./);
      });
    }
  });

  describe("the installed bin, run as a user would, in a copy of the project", () => {
    let project: string;
    let original: string;
    const configFile = () => path.join(project, "Pulumi.staging.yaml");
    before(() => {
      project = projectCopy();
      original = fs.readFileSync(configFile(), "utf8");
    });
    afterEach(() => fs.writeFileSync(configFile(), original));
    after(() => fs.rmSync(project, { recursive: true, force: true }));

    /** Asserts exit 2 and that stderr is the progress lines and one error line, with no stack trace. */
    function assertOneLineError(argv: string[], error: string): void {
      const { code, stdout, stderr } = spawnCli(argv, { cwd: project, env: { NO_COLOR: "1" } });
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      assert.doesNotMatch(stderr, STACK_FRAME);
      const errors = stderr.split("\n").filter((line) => line.startsWith("error: "));
      assert.deepEqual(errors, [`error: ${error}`], stderr);
    }

    it("synth exits 2 on a bad layer value, printing the error once and no stack trace", () => {
      fs.writeFileSync(configFile(), original.replace("region: eu-west-1\n", "region: mars-1\n"));
      assertOneLineError(
        ["synth", "--env", "staging", "--layer", "infra"],
        'Pulumi.staging.yaml: gitops-platform:infra.region: received "mars-1"; expected a string matching /^[a-z]{2}(-[a-z]+)+-\\d$/',
      );
    });

    it("synth --policy exits 2 on an empty config file, saying it is empty", () => {
      fs.writeFileSync(configFile(), "");
      assertOneLineError(
        ["synth", "--env", "staging", "--policy"],
        "Pulumi.staging.yaml: received an empty file; expected a Pulumi stack config file with a config: map",
      );
    });

    it("synth --diff exits 2 on an unknown key at once, before synthesizing the other commit", () => {
      fs.writeFileSync(configFile(), original.replace("config:\n", "config:\n  gitops-platform:colour: red\n"));
      assertOneLineError(
        ["synth", "--env", "staging", "--diff", "HEAD"],
        "Pulumi.staging.yaml: gitops-platform:colour: unknown key; expected one of the known keys of gitops-platform: " +
          "argocdOidcClientSecret, argocdSlackToken, argocdWebhookToken, environment, gitops, guardrails, infra, " +
          "platform, promotesFrom, stateRepoSshKey, stateRepoToken, tier",
      );
    });

    it("hydrate exits 2 when the staging file claims production, writing nothing", () => {
      fs.writeFileSync(configFile(), original.replace("environment: staging", "environment: production"));
      assertOneLineError(
        ["hydrate", "--env", "staging"],
        'Pulumi.staging.yaml: gitops-platform:environment: received "production"; expected "staging": this file ' +
          "holds the config of the staging stacks and must say so",
      );
      assert.equal(fs.existsSync(path.join(project, ".state")), false);
    });
  });
});
