import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import { brokenLinks, headingAnchors } from "../scripts/docs/links";
import { tempDir } from "./support/temp";

describe("links between the docs", () => {
  it("every relative link of README.md and docs/ names an existing file and heading", () => {
    assert.deepEqual(brokenLinks(REPO_ROOT), []);
  });

  it("gives headings GitHub's anchors: punctuation dropped, spaces made dashes, repeats numbered", () => {
    const page = [
      "# Guide",
      "## `npm run test:e2e`: the real components",
      "## Bootstrap and hand-off: the first run, and every run after",
      "### Guardrails",
      "```markdown",
      "## Inside a code block",
      "```",
      "### Guardrails",
    ].join("\n");
    assert.deepEqual(
      [...headingAnchors(page)],
      [
        "guide",
        "npm-run-teste2e-the-real-components",
        "bootstrap-and-hand-off-the-first-run-and-every-run-after",
        "guardrails",
        "guardrails-1",
      ],
    );
  });

  it("GIVEN a link to a missing page, a missing heading and a heading in code WHEN checked THEN it names each", () => {
    const root = tempDir("links");
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(
      path.join(root, "README.md"),
      "See [a](docs/a.md#usage), [gone](docs/gone.md), [b](docs/a.md#nothing) and `[not a link](x.md)`.\n",
    );
    fs.writeFileSync(
      path.join(root, "docs", "a.md"),
      "# A\n\n## Usage\n\n```\n## Nothing\n```\n\n[up](../README.md)\n",
    );
    assert.deepEqual(brokenLinks(root), [
      { page: "README.md", line: 1, target: "docs/gone.md", why: "no such file" },
      { page: "README.md", line: 1, target: "docs/a.md#nothing", why: "no heading with the anchor #nothing" },
    ]);
  });
});
