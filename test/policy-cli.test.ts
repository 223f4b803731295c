import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PolicyReport } from "../policy/engine";
import { RULE_IDS } from "../policy/rules";
import { runCli, spawnCli } from "./support/cli";
import { projectCopy } from "./support/project-copy";

describe("synth --policy", () => {
  it("judges the shipped production config and its catalog: every rule evaluated, no mandatory violation, exit 0", async () => {
    const { code, stdout, stderr } = await runCli(["synth", "--env", "production", "--policy", "--json"]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as PolicyReport;
    assert.equal(report.env, "production");
    assert.deepEqual(report.evaluated, RULE_IDS);
    assert.deepEqual(
      report.violations.filter((v) => v.severity === "mandatory"),
      [],
    );
    assert.ok(report.subjects.resources > 0, "synth declared nothing to judge");
    assert.ok(report.subjects.manifests > 0, "the hydrated catalog (the demo app) was not judged");
  });

  it("prints a readable verdict without --json", async () => {
    const { code, stdout } = await runCli(["synth", "--env", "staging", "--layer", "infra", "--policy"], {
      NO_COLOR: "1",
    });
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(`^policy \\(staging\\): ${RULE_IDS.length} rules over \\d+ resources and 0 manifests$`, "m"),
    );
    assert.match(stdout, /^no mandatory violations$/m);
  });

  it("refuses --policy together with --diff", async () => {
    const { code, stderr } = await runCli(["synth", "--env", "staging", "--policy", "--diff", "main"]);
    assert.equal(code, 2);
    assert.match(stderr, /option '--policy' cannot be used with option '--diff/);
  });

  it("exits 1 on a mandatory violation", () => {
    const dir = projectCopy();
    try {
      const program = path.join(dir, "infra", "index.ts");
      fs.writeFileSync(
        program,
        fs
          .readFileSync(program, "utf8")
          .replace(/^(\s*)new aws\.Provider\(/m, "$1const provider = new aws.Provider(")
          .replace(
            /^(\s*)return exportOutputs/m,
            '$1new aws.kms.Key("unrotated", {}, { provider });\n$1return exportOutputs',
          ),
      );
      const failed = spawnCli(["synth", "--env", "staging", "--layer", "infra", "--policy", "--json"], { cwd: dir });
      assert.equal(failed.code, 1, failed.stderr);
      assert.deepEqual(
        (JSON.parse(failed.stdout) as PolicyReport).violations.map((v) => [v.rule, "resource" in v && v.resource]),
        [["kms-key-rotation", "aws:kms/key:Key::unrotated"]],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
