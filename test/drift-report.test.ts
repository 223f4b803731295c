import * as assert from "node:assert/strict";
import { DriftReport, StackDrift } from "../automation/driver/drift";
import { StackChanges } from "../automation/driver/engine-events";
import { renderDriftReport } from "../automation/report/drift-report";

const STATE_REPO = { kind: "state-repo", stateRepo: "state-staging.git", branch: "main" } as const;
const REVISION = "0123456789abcdef0123456789abcdef01234567";

function changes(resources: StackChanges["resources"]): StackChanges {
  const counts = { create: 0, update: resources.length, replace: 0, delete: 0, same: 0 };
  return { stack: "platform-staging", counts, resources, errors: [], policy: [] };
}

const bucketDrift = changes([
  {
    urn: "urn:pulumi:staging::gitops-platform::aws:s3/bucket:Bucket::logs",
    type: "aws:s3/bucket:Bucket",
    name: "logs",
    op: "update",
    properties: [{ path: "tags.owner", kind: "update", replaces: false, before: "platform", after: "someone" }],
  },
  {
    urn: "urn:pulumi:staging::gitops-platform::aws:iam/role:Role::node",
    type: "aws:iam/role:Role",
    name: "node",
    op: "update",
    properties: [{ path: "maxSessionDuration", kind: "add", replaces: false, after: 7200 }],
  },
]);

/** One environment with no stacks and the given manifests and cluster verdicts. */
function environment(manifests: DriftReport["manifests"], cluster?: DriftReport["cluster"]): DriftReport {
  return { env: "staging", stacks: [], manifests, ...(cluster ? { cluster } : {}) };
}

function stacksOf(...stacks: StackDrift[]): DriftReport {
  return { env: "staging", stacks, manifests: { changes: [], against: STATE_REPO } };
}

const TABLE = ["## Drift: staging", "", "| Stack | Status | Resources |", "| :-- | :-- | --: |"];

describe("drift report", () => {
  it("GIVEN every stack in sync and nothing else diverging WHEN rendered THEN it says so in a table and two lines", () => {
    const report: DriftReport = {
      env: "staging",
      stacks: [
        { stack: "infra-staging", drifted: false },
        { stack: "platform-staging", drifted: false, changes: changes([]) },
      ],
      manifests: { changes: [], against: STATE_REPO },
      cluster: { from: "context staging", applications: [] },
    };
    assert.equal(
      renderDriftReport([report]),
      [
        ...TABLE,
        "| `infra-staging` | in sync |  |",
        "| `platform-staging` | in sync |  |",
        "",
        "Manifests: the state repo matches the catalog.",
        "",
        "Cluster: every Application Synced and Healthy (context staging).",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN a drifted stack WHEN rendered THEN it counts its resources and shows each property as state => cloud", () => {
    assert.equal(
      renderDriftReport([stacksOf({ stack: "platform-staging", drifted: true, changes: bucketDrift })]),
      [
        ...TABLE,
        "| `platform-staging` | :warning: drifted | 2 |",
        "",
        "### `platform-staging`: the cloud differs from the state",
        "",
        "Values read as `state => cloud`. `pulumi refresh` adopts the cloud's values; `up` puts the declared ones back.",
        "",
        "```diff",
        "~ aws:s3/bucket:Bucket  logs",
        '~     tags.owner: "platform" => "someone"',
        "~ aws:iam/role:Role  node",
        "+     maxSessionDuration: 7200",
        "```",
        "",
        "Manifests: the state repo matches the catalog.",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN a drifted stack whose refresh listed no resource WHEN rendered THEN it says the CLI reported no resource events", () => {
    const text = renderDriftReport([stacksOf({ stack: "infra-staging", drifted: true, changes: changes([]) })]);
    assert.ok(text.includes("| `infra-staging` | :warning: drifted | 0 |\n"), text);
    assert.ok(text.includes("```diff\n(the CLI reported changes without resource events)\n```\n"), text);
  });

  it("GIVEN changes on a stack that is not drifted WHEN rendered THEN neither a count nor a diff is shown", () => {
    const text = renderDriftReport([stacksOf({ stack: "infra-staging", drifted: false, changes: bucketDrift })]);
    assert.ok(text.includes("| `infra-staging` | in sync |  |\n"), text);
    assert.ok(!text.includes("the cloud differs"), text);
  });

  it("GIVEN a drifted stack without changes WHEN rendered THEN it is drifted with neither a count nor a diff", () => {
    const text = renderDriftReport([stacksOf({ stack: "infra-staging", drifted: true })]);
    assert.ok(text.includes("| `infra-staging` | :warning: drifted |  |\n"), text);
    assert.ok(!text.includes("the cloud differs"), text);
  });

  it("GIVEN a failed check, a stack not deployed and a failed check that also drifted WHEN rendered THEN the failure wins", () => {
    assert.equal(
      renderDriftReport([
        stacksOf(
          { stack: "infra-staging", drifted: false, error: "refresh failed:\nno | credentials" },
          { stack: "platform-staging", drifted: false, missing: true },
          { stack: "gitops-staging", drifted: true, missing: true, error: "" },
        ),
      ]),
      [
        ...TABLE,
        "| `infra-staging` | :x: check failed |  |",
        "| `platform-staging` | not deployed |  |",
        "| `gitops-staging` | :x: check failed |  |",
        "",
        ":x: `infra-staging`: refresh failed: no \\| credentials",
        "",
        ":x: `gitops-staging`: ",
        "",
        "Manifests: the state repo matches the catalog.",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN a stack not deployed that drifted WHEN rendered THEN it is shown as not deployed", () => {
    const text = renderDriftReport([stacksOf({ stack: "gitops-staging", drifted: true, missing: true })]);
    assert.ok(text.includes("| `gitops-staging` | not deployed |  |\n"), text);
  });

  it("GIVEN the policy pack's findings WHEN rendered THEN a table marks the mandatory ones, one row each", () => {
    const policy = [
      {
        rule: "k8s-no-latest-tag",
        severity: "mandatory",
        message: "image web:latest\nis | not pinned",
        resource: "kubernetes:apps/v1:Deployment::web",
        stack: "gitops-staging",
      },
      {
        rule: "aws-tags",
        severity: "advisory",
        message: "no owner tag",
        resource: "aws:s3/bucket:Bucket::logs",
        stack: "gitops-staging",
      },
    ] as const;
    assert.equal(
      renderDriftReport([stacksOf({ stack: "gitops-staging", drifted: false, policy })]),
      [
        ...TABLE,
        "| `gitops-staging` | in sync |  |",
        "",
        "### `gitops-staging`: the policy pack's findings (a mandatory one fails the check)",
        "",
        "| Severity | Rule | Resource | Finding |",
        "| :-- | :-- | :-- | :-- |",
        "| :x: mandatory | `k8s-no-latest-tag` | `kubernetes:apps/v1:Deployment::web` | image web:latest is \\| not pinned |",
        "| advisory | `aws-tags` | `aws:s3/bucket:Bucket::logs` | no owner tag |",
        "",
        "Manifests: the state repo matches the catalog.",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN the policy pack's preview failed WHEN rendered THEN the failure is shown instead of findings", () => {
    const text = renderDriftReport([
      stacksOf({ stack: "gitops-staging", drifted: false, policyError: "pack\ncrashed", policy: [] }),
    ]);
    assert.ok(text.includes("\n:x: `gitops-staging`: the policy pack's preview failed: pack crashed\n\n"), text);
    assert.ok(!text.includes("findings"), text);
  });

  it("GIVEN an empty list of findings WHEN rendered THEN no findings table is shown", () => {
    const text = renderDriftReport([stacksOf({ stack: "gitops-staging", drifted: false, policy: [] })]);
    assert.ok(!text.includes("findings"), text);
  });

  it("GIVEN failure texts of 1,000 characters and one more WHEN rendered THEN only the longer one is cut", () => {
    const exact = "e".repeat(1_000);
    const longer = "f".repeat(1_001);
    const text = renderDriftReport([
      {
        env: "staging",
        stacks: [
          { stack: "infra-staging", drifted: false, error: exact },
          { stack: "platform-staging", drifted: false, error: longer, policyError: longer },
          { stack: "gitops-staging", drifted: false, policyError: exact },
        ],
        manifests: { error: longer },
      },
    ]);
    assert.ok(text.includes(`:x: \`infra-staging\`: ${exact}\n`), "an error of 1,000 characters is shown whole");
    assert.ok(text.includes(`:x: \`platform-staging\`: ${"f".repeat(999)}…\n`), "a longer error is cut to 1,000");
    assert.ok(text.includes(`preview failed: ${"f".repeat(999)}…\n`), "a longer pack failure is cut to 1,000");
    assert.ok(text.includes(`preview failed: ${exact}\n`), "a pack failure of 1,000 characters is shown whole");
    assert.ok(text.includes(`:x: The manifest comparison failed: ${"f".repeat(999)}…\n`), text);
  });

  it("GIVEN manifests that differ WHEN rendered THEN each file is shown with its app, status and diff", () => {
    const diff =
      "--- a/apps/web/deployment-web.yaml\n+++ b/apps/web/deployment-web.yaml\n-  replicas: 2\n+  replicas: 3\n";
    const text = renderDriftReport([
      environment({
        changes: [
          { app: "web", path: "apps/web/deployment-web.yaml", status: "modified", kind: "Deployment", diff },
          { app: "api", path: "apps/api/service-api.yaml", status: "added", kind: "Service", diff: "+kind: Service\n" },
        ],
        against: STATE_REPO,
      }),
    ]);
    assert.equal(
      text,
      [
        ...TABLE,
        "",
        "### Manifests: the state repo differs from the catalog (2 files)",
        "",
        "Hydrating the catalog would change these files; `up` (or `hydrate`) writes them.",
        "",
        "`apps/web/deployment-web.yaml` (web, modified)",
        "",
        "```diff",
        diff.trimEnd(),
        "```",
        "",
        "`apps/api/service-api.yaml` (api, added)",
        "",
        "```diff",
        "+kind: Service",
        "```",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN one manifest that differs WHEN rendered THEN the heading counts 1 file", () => {
    const text = renderDriftReport([
      environment({
        changes: [{ app: "web", path: "apps/web/a.yaml", status: "deleted", kind: "ConfigMap", diff: "-a: 1\n" }],
        against: STATE_REPO,
      }),
    ]);
    assert.ok(text.includes("### Manifests: the state repo differs from the catalog (1 file)\n"), text);
  });

  it("GIVEN manifests not compared, or a failed comparison WHEN rendered THEN each says why", () => {
    assert.equal(
      renderDriftReport([environment({ skipped: "--layer infra" }), environment({ error: "clone\nfailed | 128" })]),
      [
        ...TABLE,
        "",
        "Manifests: not compared (--layer infra).",
        "",
        ...TABLE,
        "",
        ":x: The manifest comparison failed: clone failed \\| 128",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN Applications diverging in the cluster WHEN rendered THEN a table lists each, with its revision cut to 12", () => {
    const text = renderDriftReport([
      environment(
        { changes: [], against: STATE_REPO },
        {
          from: "context staging",
          applications: [
            {
              name: "web",
              sync: "OutOfSync",
              health: "Degraded",
              revision: REVISION,
              outOfSync: ["Deployment apps/web", "Service apps/web"],
            },
            { name: "api", sync: "Synced", health: "Progressing", outOfSync: [] },
          ],
        },
      ),
    ]);
    assert.equal(
      text,
      [
        ...TABLE,
        "",
        "Manifests: the state repo matches the catalog.",
        "",
        "### Cluster: Argo CD reports 2 Applications diverging (context staging)",
        "",
        "| Application | Sync | Health | Revision | Out of sync |",
        "| :-- | :-- | :-- | :-- | :-- |",
        "| `web` | OutOfSync | Degraded | `0123456789ab` | Deployment apps/web, Service apps/web |",
        "| `api` | Synced | Progressing |  |  |",
        "",
        "Self-heal puts an automated Application back; otherwise sync it, or commit the live change to the catalog.",
        "",
      ].join("\n"),
    );
  });

  it("GIVEN one diverging Application WHEN rendered THEN the heading counts 1 Application", () => {
    const text = renderDriftReport([
      environment(
        { changes: [], against: STATE_REPO },
        {
          from: "context staging",
          applications: [{ name: "web", sync: "OutOfSync", health: "Healthy", outOfSync: [] }],
        },
      ),
    ]);
    assert.ok(text.includes("### Cluster: Argo CD reports 1 Application diverging (context staging)\n"), text);
  });

  it("GIVEN a cluster not asked and out-of-sync lists of 500 characters and one more WHEN rendered THEN only the longer is cut", () => {
    const app = (name: string, outOfSync: string[]) => ({ name, sync: "OutOfSync", health: "Healthy", outOfSync });
    const text = renderDriftReport([
      environment({ changes: [], against: STATE_REPO }, { reason: `${"r".repeat(501)}` }),
      environment(
        { changes: [], against: STATE_REPO },
        { from: "ctx", applications: [app("a", ["a".repeat(250), "b".repeat(248)]), app("b", ["c".repeat(501)])] },
      ),
    ]);
    assert.ok(text.includes(`Cluster: Argo CD not asked (${"r".repeat(499)}…).\n\n## Drift: staging\n`), text);
    assert.ok(text.includes(`| ${"a".repeat(250)}, ${"b".repeat(248)} |\n`), "500 characters are shown whole");
    assert.ok(text.includes(`| ${"c".repeat(499)}… |\n`), "501 characters are cut to 500");
  });

  it("GIVEN no environment WHEN rendered THEN the report is one empty line", () => {
    assert.equal(renderDriftReport([]), "\n");
  });
});
