import * as assert from "node:assert/strict";
import { GITHUB_COMMENT_LIMIT, renderPreviewComment } from "../automation/report/preview-comment";
import { fleetPreview } from "./support/fleet-preview";

describe("the preview comment at fleet scale", () => {
  // 20 environments, 14 of them changing, 500 changed resources: far more detail than 65,536 characters hold.
  let body = "";
  before(() => {
    const report = fleetPreview({ environments: 20, changing: 14, changedResources: 500 });
    body = renderPreviewComment(report, { marker: "gitops-platform:preview:every-environment" });
  });

  it("stays within GitHub's 65,536 characters", () => {
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
    assert.ok(body.length > GITHUB_COMMENT_LIMIT - 5_000, "it uses the room it has");
  });

  it("opens with the whole summary table: one row per changing environment and stack, never trimmed", () => {
    const rows = body
      .split("\n")
      .filter((line) => /^\| `env-\d\d` \| `(infra|platform|gitops)-env-\d\d` \|/.test(line));
    assert.equal(rows.length, 14 * 3);
    assert.deepEqual(rows.slice(0, 3), [
      "| `env-01` | `infra-env-01` | 125 | 0 | 0 | 0 |  | pass |",
      "| `env-01` | `platform-env-01` | 63 | 0 | 0 | 0 |  | pass |",
      "| `env-01` | `gitops-env-01` | 62 | 0 | 0 | 0 | 3 | pass |",
    ]);
    assert.ok(body.indexOf("| Environment | Stack |") < body.indexOf("<details"), "the table comes first");
  });

  it("lists the environments without changes on one line", () => {
    assert.match(
      body,
      /^No changes in 6 environments: `env-15`, `env-16`, `env-17`, `env-18`, `env-19`, `env-20` \(stacks, manifests and guardrails\)\.$/m,
    );
    assert.ok(!body.includes("<b>env-15</b>"), "a no-op environment gets no section");
  });

  it("gives each changing environment its own collapsible section", () => {
    const sections = body.match(/^<summary><b>env-\d\d<\/b>: /gm) ?? [];
    assert.equal(sections.length, 14);
  });

  it("trims the largest sections first, to one common size, and says so", () => {
    assert.match(
      body,
      /^> Trimmed to fit GitHub's comment limit \(65,536 characters\): cut the details of \d+ resources, largest sections first \(`infra-env-01`: \d+, `platform-env-01`: \d+, `gitops-env-01`: \d+, /m,
    );
    const stacks = [
      ...body.matchAll(/<summary><code>(\w+-env-\d\d)<\/code>: (\d+) to create<\/summary>([\s\S]*?)<\/details>/g),
    ].map(([, stack, total, text]) => {
      const cut = /_(\d+) resources? not shown/.exec(text);
      return { stack, total: Number(total), shown: Number(total) - (cut ? Number(cut[1]) : 0) };
    });
    assert.equal(stacks.length, 14 * 3, "every changing stack keeps its section");
    const cut = stacks.filter((s) => s.shown < s.total);
    const cap = Math.min(...cut.map((s) => s.shown));
    assert.ok(Math.max(...cut.map((s) => s.shown)) - cap <= 1, "the cut sections keep about the same number");
    for (const s of stacks.filter((s) => s.total <= cap)) assert.equal(s.shown, s.total, `${s.stack} is whole`);
    const files = body.match(/^<summary><code>app-\d<\/code>: 1 file \(env-\d\d\)<\/summary>$/gm) ?? [];
    assert.equal(files.length, 14 * 3, "the small manifest sections stay whole");
  });
});
