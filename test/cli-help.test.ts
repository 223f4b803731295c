import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { Command, CommanderError } from "commander";
import * as path from "node:path";
import { buildProgram } from "../automation/cli";
import { examplesOf } from "../automation/commands/help";
import { hydrate } from "../gitops/hydrate";
import { runCli, spawnCli } from "./support/cli";
import { git, projectCopy } from "./support/project-copy";

/** Every command and subcommand, as the argument path that reaches it. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== "help")
    .flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

class Parsed extends Error {}

/** Parses `argv` as the CLI does and stops before the action: a flag, value or argument it rejects throws. */
function parseOnly(argv: readonly string[]): void {
  const program = buildProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  program.hook("preAction", () => {
    throw new Parsed();
  });
  try {
    program.parse([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof Parsed) return;
    if (err instanceof CommanderError && err.exitCode === 0) return;
    throw new Error(`${argv.join(" ")}: ${(err as Error).message}`);
  }
  assert.fail(`${argv.join(" ")}: no action ran`);
}

describe("CLI help: examples and exit codes for every command", () => {
  const paths = [[], ...commandPaths(buildProgram())];
  const helps = new Map<string, string>();
  before(async () => {
    for (const path of paths) {
      const { code, stdout } = await runCli([...path, "--help"]);
      assert.equal(code, 0, path.join(" "));
      helps.set(path.join(" "), stdout);
    }
  });

  it("gives every command an Examples section and its exit codes", () => {
    for (const [command, help] of helps) {
      assert.match(help, /\nExamples:\n {2}\$ npm run --silent cli -- /, `${command || "(program)"} has examples`);
      assert.match(help, /\nExit codes: 0 /, `${command || "(program)"} lists its exit codes`);
    }
    assert.deepEqual([...helps.keys()].filter(Boolean), [
      "doctor",
      "synth",
      "hydrate",
      "preview",
      "up",
      "destroy",
      "drift",
      "status",
      "bump-image",
      "promote",
      "new",
      "new app",
      "new env",
      "ci",
    ]);
  });

  it("gives examples that the CLI accepts as they are written", () => {
    const all = [...helps.values()].flatMap(examplesOf);
    assert.ok(all.length >= 25, `${all.length} examples`);
    for (const argv of all) parseOnly(argv);
  });

  it("runs the offline examples of synth and ci as they are written", async () => {
    // synth --diff synthesizes another commit in a process of its own (seconds): it is parsed above, not run.
    const offline = [...helps.values()]
      .flatMap(examplesOf)
      .filter((argv) => (argv[0] === "synth" && !argv.includes("--diff")) || argv[0] === "ci");
    assert.equal(offline.length, 4, "three of the commands and one of the program's");
    for (const argv of offline) {
      const env = argv[0] === "ci" ? { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" } : {};
      const { code, stderr } = await runCli(argv, env);
      assert.equal(code, 0, `${argv.join(" ")}: ${stderr}`);
    }
  });

  it("runs the scaffold examples as they are written, in a copy of the project, and the new app hydrates", async () => {
    const scaffolds = [...helps.values()]
      .flatMap(examplesOf)
      .filter((argv) => argv[0] === "new" && !argv.includes("--help"));
    assert.deepEqual(
      scaffolds.map((argv) => argv.slice(0, 2).join(" ")),
      ["new app", "new env"],
    );
    const copy = projectCopy();
    try {
      const app = spawnCli(scaffolds[0], { cwd: copy });
      assert.equal(app.code, 0, app.stderr);
      assert.match(git(copy, "status", "--porcelain"), /^\?\? gitops\/apps\/api\/$/m);
      const hydrated = await hydrate({
        env: "staging",
        rootDir: copy,
        catalogDir: path.join(copy, "gitops", "apps"),
        push: false,
      });
      assert.ok(hydrated.added.includes("apps/api/deployment-api.yaml"), hydrated.added.join(", "));
      // Then the new environment: each app's staging file is copied, the app just scaffolded included.
      const env = spawnCli(scaffolds[1], { cwd: copy });
      assert.equal(env.code, 0, env.stderr);
      assert.deepEqual((JSON.parse(env.stdout) as { written: string[] }).written, [
        "Pulumi.qa.yaml",
        "gitops/apps/api/qa.yaml",
        "gitops/apps/demo/qa.yaml",
      ]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
