import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManifestChange } from "../automation/driver/gitops-steps";
import { previewEnvironment, previewFailed, previewHasChanges, PreviewReport } from "../automation/driver/preview";
import { GITHUB_COMMENT_LIMIT, renderPreviewComment } from "../automation/report/preview-comment";
import { evaluatePolicy, PolicyReport } from "../policy/engine";
import { UNKNOWN_MARKER } from "../config";
import { FakeProject } from "./support/fake-pulumi";
import { ownedBy, PLATFORM_PROGRAM } from "./support/platform-program";
import { assertGolden } from "./support/golden";
import { declared, deployment, eksCluster, manifest, patch } from "./support/policy";

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

/**
 * The guardrails' verdict the comment lists, from the real engine: a key without rotation
 * (mandatory), a value unknown offline, a container keeping its capabilities (advisory), a
 * suppression with its reason, and one that matched nothing.
 */
function stagingPolicy(): PolicyReport {
  const CONTAINER = "spec.template.spec.containers.0";
  return evaluatePolicy({
    env: "staging",
    tier: "staging",
    stacks: [
      {
        stack: "infra-staging",
        resources: [
          declared("aws:kms/key:Key", "secrets-encryption-key", {}),
          declared("eks:index:Cluster", "cluster-eks", patch(eksCluster, "authenticationMode", UNKNOWN_MARKER)),
        ],
      },
    ],
    manifests: [
      manifest(patch(deployment, `${CONTAINER}.securityContext.capabilities`, {})),
      manifest(patch(deployment, `${CONTAINER}.image`, "vendor/legacy:latest"), "apps/legacy/deployment-legacy.yaml"),
    ],
    guardrails: {
      severity: {},
      suppressions: [
        {
          rule: "k8s-image-pinned",
          file: "apps/legacy/deployment-legacy.yaml",
          reason: "the vendor publishes only latest; tracked in #123",
        },
        { rule: "k8s-read-only-root-fs", file: "apps/gone/deployment-gone.yaml", reason: "removed app" },
      ],
    },
  });
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
      for (const stack of ["infra-staging", "gitops-staging"]) project.seed(stack, { resources: [] });
      // Staging as its shipped config leaves it: handed over to Argo CD.
      project.seed("platform-staging", {
        resources: [],
        outputs: { platformPhase: "handoff", releaseOwners: ownedBy("argocd") },
      });
      await project.deployedState("staging", driftedByHand);
      const staging = await previewEnvironment("staging", project.context());
      // The state repo is a temporary directory: the golden comment shows it under a stable name.
      const manifests =
        "against" in staging.manifests
          ? { ...staging.manifests, against: { ...staging.manifests.against, stateRepo: "state-staging.git" } }
          : staging.manifests;
      report = {
        environments: [{ ...staging, manifests, policy: { report: stagingPolicy() } }],
        commit: "9fceb02d0ae598e95dc970b74767f19372d61af8",
      };
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

  it("lists the guardrails' violations, suppressions with their reasons, and the undetermined count", () => {
    const body = renderPreviewComment(report, { marker: "m" });
    assert.match(body, /^<summary><b>staging<\/b>: .*; :x: 1 mandatory guardrail violation<\/summary>$/m);
    assert.match(body, /^\| `staging` \| `infra-staging` \| 1 \| 0 \| 0 \| 0 \| {2}\| :x: 1 mandatory \|$/m);
    assert.match(body, /: :x: 1 mandatory violation, 1 advisory finding, 1 suppressed, 1 undetermined /);
    assert.match(
      body,
      /^\| :x: mandatory \| `kms-key-rotation` \| `infra-staging` `aws:kms\/key:Key::secrets-encryption-key` \| enableKeyRotation is unset \|$/m,
    );
    assert.match(body, /\| the vendor publishes only latest; tracked in #123 \|$/m);
    assert.match(
      body,
      /^Suppressions that matched nothing \(stale\?\): `k8s-read-only-root-fs` `apps\/gone\/deployment-gone.yaml`\.$/m,
    );
  });

  it("never shows a secret the guardrails saw, and fails on a mandatory violation", () => {
    const secret = "ghp_NeverInTheComment42";
    const withSecret: PreviewReport = {
      environments: [
        {
          ...report.environments[0],
          policy: {
            report: evaluatePolicy({
              env: "staging",
              tier: "staging",
              stacks: [
                {
                  stack: "platform-staging",
                  resources: [
                    declared("kubernetes:core/v1:Secret", "argocd-state-repo", {
                      metadata: { name: "state-repo", namespace: "default" },
                      stringData: { password: secret },
                    }),
                  ],
                },
              ],
            }),
          },
        },
      ],
    };
    const body = renderPreviewComment(withSecret, { marker: "m" });
    assert.match(
      body,
      /`k8s-no-default-namespace` \| `platform-staging` `kubernetes:core\/v1:Secret::argocd-state-repo`/,
    );
    assert.ok(!body.includes(secret), "a secret value reached the comment");
    assert.equal(previewFailed(withSecret), true);
  });

  it("trims to the limit, cutting whole resources and files, and says what it cut", () => {
    const limit = 3_000;
    const body = renderPreviewComment(report, { marker: "gitops-platform:preview:staging", limit });
    assert.ok(body.length <= limit, `${body.length} characters`);
    assert.match(body, /Trimmed to fit GitHub's comment limit \(3,000 characters\): cut/);
    assertGolden("preview-comment-trimmed.md", body);
  });

  it("stays under GitHub's 65,536 characters however large the preview", () => {
    const infra = report.environments[0].stacks[0].changes!;
    const huge: PreviewReport = {
      environments: [
        {
          ...report.environments[0],
          stacks: [{ stack: "infra-staging", changes: { ...infra, resources: Array(2_000).fill(infra.resources[0]) } }],
          manifests: {
            changes: Array(300).fill(changesOf(report)[0]),
            against: { kind: "render", ref: "main", commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" },
          },
        },
      ],
    };
    const body = renderPreviewComment(huge, { marker: "m" });
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
    assert.match(body, /cut the details of \d+ resources and the diffs of \d+ manifest files/);
    assert.match(body, /_\d+ resources not shown: cut to fit the comment\._/);
  });
});

describe("preview of an environment not deployed yet (against the fake pulumi CLI)", () => {
  it("reports the missing stacks without creating them, as changes the first up makes", async () => {
    const project = await FakeProject.create({ stacks: { "infra-staging": { program: "up.json" } } });
    try {
      project.seed("infra-staging", { resources: [] });
      const staging = await previewEnvironment("staging", project.context());

      assert.deepEqual(
        staging.stacks.map((s) => [s.stack, s.missing ?? false, s.changes !== undefined]),
        [
          ["infra-staging", false, true],
          ["platform-staging", true, false],
          ["gitops-staging", true, false],
        ],
      );
      assert.deepEqual(project.operations(), ["preview infra-staging"]);
      assert.ok(!project.journal().some((e) => e.argv?.slice(0, 2).join(" ") === "stack init"), "a stack was created");
      const stacksInBackend = fs.readdirSync(path.join(project.dir, ".pulumi", ".pulumi", "stacks", "gitops-platform"));
      assert.deepEqual(stacksInBackend, ["infra-staging.json"]);

      const report: PreviewReport = { environments: [staging] };
      assert.equal(previewHasChanges(report), true);
      assert.equal(previewFailed(report), false);
      const body = renderPreviewComment(report, { marker: "m" });
      assert.match(body, /^<summary><b>staging<\/b>: [^;]+; 2 stacks not deployed yet; /m);
      assert.match(body, /^\| `staging` \| `platform-staging` \| not deployed yet \| {2}\| {2}\| {2}\| {2}\| {2}\|$/m);
      assert.ok(
        body.includes(
          "\n**Platform phase:** not deployed yet; next up: bootstrap: 5 releases installed by Pulumi, hand-off to " +
            "Argo CD follows (kube-prometheus-stack, argo-cd, sealed-secrets, external-dns, logging).\n",
        ),
        body,
      );
      assert.match(
        body,
        /^`gitops-staging` does not exist yet, so there is nothing to compare with: the first `up` creates it\. `npm run --silent cli -- synth --env staging --layer gitops` lists every resource it declares\.$/m,
      );
    } finally {
      project.remove();
    }
  });
});

describe("preview between the platform's phases (against the fake pulumi CLI)", () => {
  it("previews the hand-off the next up makes, and names the phase in the comment", async () => {
    const project = await FakeProject.create({ stacks: { "platform-staging": PLATFORM_PROGRAM } });
    try {
      // The bootstrap completed; the wait for Argo CD stopped the up before the hand-off.
      project.seed("platform-staging", {
        resources: [],
        outputs: { platformPhase: "bootstrap", releaseOwners: ownedBy("pulumi") },
      });
      const staging = await previewEnvironment("staging", project.context());
      assert.deepEqual(project.operations(), ["preview platform-staging"]);
      const platform = staging.stacks.find((s) => s.stack === "platform-staging");
      assert.deepEqual(platform?.changes?.counts, { create: 0, update: 0, replace: 0, delete: 2, same: 1 });
      const body = renderPreviewComment({ environments: [staging] }, { marker: "m" });
      assert.ok(
        body.includes(
          "\n**Platform phase:** bootstrapped, hand-off pending; next up: hand-off: 5 releases leave the stack for Argo CD " +
            "(kube-prometheus-stack, argo-cd, sealed-secrets, external-dns, logging).\n",
        ),
        body,
      );
    } finally {
      project.remove();
    }
  });

  it("fails the preview when the platform's record cannot be read, saying why", async () => {
    const project = await FakeProject.create({ stacks: {} });
    try {
      project.seed("platform-staging", { resources: [], outputs: { platformPhase: "handed-over" } });
      const staging = await previewEnvironment("staging", project.context());
      assert.deepEqual(staging.platformPhase, {
        error:
          'platform-staging: its previous run recorded platformPhase "handed-over"; expected one of bootstrap, handoff. ' +
          "The record is the stack's own output: see it with pulumi stack output -s platform-staging platformPhase",
      });
      assert.equal(previewFailed({ environments: [staging] }), true);
    } finally {
      project.remove();
    }
  });
});

function changesOf(report: PreviewReport): readonly ManifestChange[] {
  const manifests = report.environments[0].manifests;
  return "changes" in manifests ? manifests.changes : [];
}
