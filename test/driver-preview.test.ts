import * as assert from "node:assert/strict";
import { ManifestChange } from "../automation/driver/gitops-steps";
import { previewEnvironment, PreviewReport } from "../automation/driver/preview";
import { GITHUB_COMMENT_LIMIT, renderPreviewComment } from "../automation/report/preview-comment";
import { FakeProject } from "./support/fake-pulumi";
import { assertGolden } from "./support/golden";

/** What the gitops engineer's manifest diff returns, for two apps of the catalog. */
const manifests: ManifestChange[] = [
  {
    app: "demo",
    path: "apps/demo/deployment.yaml",
    status: "modified",
    diff: [
      "--- a/apps/demo/deployment.yaml",
      "+++ b/apps/demo/deployment.yaml",
      "@@ -17,7 +17,7 @@ spec:",
      "       containers:",
      "         - name: demo",
      "-          image: ghcr.io/example-org/demo:1.3.0",
      "+          image: ghcr.io/example-org/demo:1.4.0",
      "           ports:",
      "             - containerPort: 8080",
      "",
    ].join("\n"),
  },
  {
    app: "demo",
    path: "apps/demo/poddisruptionbudget.yaml",
    status: "added",
    diff: [
      "--- /dev/null",
      "+++ b/apps/demo/poddisruptionbudget.yaml",
      "@@ -0,0 +1,9 @@",
      "+apiVersion: policy/v1",
      "+kind: PodDisruptionBudget",
      "+metadata:",
      "+  name: demo",
      "+  namespace: demo",
      "+spec:",
      "+  minAvailable: 1",
      "+  selector:",
      "+    matchLabels: { app.kubernetes.io/name: demo }",
      "",
    ].join("\n"),
  },
  {
    app: "legacy-worker",
    path: "apps/legacy-worker/cronjob.yaml",
    status: "deleted",
    diff: "--- a/apps/legacy-worker/cronjob.yaml\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-apiVersion: batch/v1\n-kind: CronJob\n-metadata: { name: legacy-worker }\n",
  },
];

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
      const staging = await previewEnvironment("staging", project.context({ manifests }));
      report = { environments: [staging], commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" };
    } finally {
      project.remove();
    }
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
          manifests: { changes: Array(300).fill(manifests[0]) },
        },
      ],
    };
    const body = renderPreviewComment(huge, { marker: "m" });
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
    assert.match(body, /cut the details of \d+ resources and the diffs of \d+ manifest files/);
    assert.match(body, /_\d+ resources not shown: cut to fit the comment\._/);
  });
});
