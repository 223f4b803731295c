import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { REPO_ROOT } from "../automation/synth/synth";
import { runnableSnippets } from "../scripts/docs/snippets";
import { projectCopy } from "./support/project-copy";

describe("runnable doc snippets", () => {
  const snippets = runnableSnippets(REPO_ROOT);

  it("finds the runnable snippets of README.md and docs/", () => {
    assert.ok(snippets.length >= 1, "no `sh runnable` block in README.md or docs/");
  });

  for (const snippet of snippets) {
    it(`runs ${snippet.page}:${snippet.line} in a temporary clone, exiting 0`, () => {
      const clone = projectCopy();
      try {
        const run = spawnSync("bash", ["-euo", "pipefail", "-c", snippet.script], {
          cwd: clone,
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1" },
        });
        assert.equal(run.status, 0, `${snippet.page}:${snippet.line} failed:\n${run.stdout}\n${run.stderr}`);
      } finally {
        fs.rmSync(clone, { recursive: true, force: true });
      }
    });
  }
});
