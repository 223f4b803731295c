import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManifestChange } from "../automation/driver/gitops-steps";
import { previewEnvironment, PreviewReport } from "../automation/driver/preview";
import { GITHUB_COMMENT_LIMIT, renderPreviewComment } from "../automation/report/preview-comment";
import { FakeProject } from "./support/fake-pulumi";
import { assertGolden } from "./support/golden";

/**
 * The staging state repo as a deploy left it, then changed by hand: the demo Deployment still runs
 * an older image, its ServiceMonitor is gone, and a removed app's CronJob is still there.
 */
function driftedByHand(checkout: string): void {
  const deployment = path.join(checkout, "apps", "demo", "deployment-demo.yaml");
  const text = fs.readFileSync(deployment, "utf8");
  const older = text.replace(/^(\s+image: ghcr\.io\/stefanprodan\/podinfo:)\S+$/m, "$16.6.0");
  assert.notEqual(older, text, "the demo Deployment runs podinfo");
  fs.writeFileSync(deployment, older);
  fs.rmSync(path.join(checkout, "apps", "demo", "servicemonitor-demo.yaml"));
  fs.mkdirSync(path.join(checkout, "apps", "legacy-worker"));
  fs.writeFileSync(
    path.join(checkout, "apps", "legacy-worker", "cronjob-legacy-worker.yaml"),
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: legacy-worker\n  namespace: legacy-worker\n",
  );
}

describe("preview comment (against the fake pulumi CLI)", () => {
  let report: PreviewReport;

  before(async () => {
    const project = await FakeProject.create({
      stacks: {
        "infra-staging": { program: "up.json" },
        "platform-staging": { program: "webserver-userdata.json" },
        "gitops-staging": { program: "json-text-change.json" },
      },
    });
    try {
      for (const stack of ["infra-staging", "platform-staging", "gitops-staging"])
        project.seed(stack, { resources: [] });
      await project.deployedState("staging", driftedByHand);
      const staging = await previewEnvironment("staging", project.context());
      report = { environments: [staging], commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" };
    } finally {
      project.remove();
    }
  });

  it("diffs the render against the configured state repo, per app and file", () => {
    const manifests = report.environments[0].manifests;
    assert.ok("changes" in manifests, JSON.stringify(manifests));
    assert.deepEqual(
      manifests.changes.map((c) => [c.app, c.path, c.status]),
      [
        ["demo", "apps/demo/deployment-demo.yaml", "modified"],
        ["demo", "apps/demo/servicemonitor-demo.yaml", "added"],
        ["legacy-worker", "apps/legacy-worker/cronjob-legacy-worker.yaml", "deleted"],
      ],
    );
    assert.match(
      manifests.changes[0].diff,
      /^-\s+image: ghcr\.io\/stefanprodan\/podinfo:6\.6\.0\n\+\s+image: ghcr\.io\/stefanprodan\/podinfo:\S+$/m,
    );
  });

  it("renders one comment: a table per environment, properties per stack, the manifest diff per app", () => {
    const body = renderPreviewComment(report, { marker: "gitops-platform:preview:staging" });
    assert.ok(body.startsWith("<!-- gitops-platform:preview:staging -->\n"));
    assertGolden("preview-comment.md", body);
  });

  it("trims to the limit, cutting whole resources and files, and says what it cut", () => {
    const limit = 2_000;
    const body = renderPreviewComment(report, { marker: "gitops-platform:preview:staging", limit });
    assert.ok(body.length <= limit, `${body.length} characters`);
    assert.match(body, /Trimmed to fit GitHub's comment limit \(2,000 characters\): cut/);
    assertGolden("preview-comment-trimmed.md", body);
  });

  it("stays under GitHub's 65,536 characters however large the preview", () => {
    const infra = report.environments[0].stacks[0].changes!;
    const huge: PreviewReport = {
      environments: [
        {
          ...report.environments[0],
          stacks: [{ stack: "infra-staging", changes: { ...infra, resources: Array(2_000).fill(infra.resources[0]) } }],
          manifests: { changes: Array(300).fill(changesOf(report)[0]) },
        },
      ],
    };
    const body = renderPreviewComment(huge, { marker: "m" });
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
    assert.match(body, /cut the details of \d+ resources and the diffs of \d+ manifest files/);
    assert.match(body, /_\d+ resources not shown: cut to fit the comment\._/);
  });
});

function changesOf(report: PreviewReport): readonly ManifestChange[] {
  const manifests = report.environments[0].manifests;
  return "changes" in manifests ? manifests.changes : [];
}
