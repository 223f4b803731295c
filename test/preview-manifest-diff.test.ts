import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runPreviewCommand } from "../automation/commands/preview";
import { ManifestChange } from "../automation/driver/gitops-steps";
import {
  defaultManifestDiff,
  EnvironmentPreview,
  PreviewReport,
  previewEnvironment,
  renderedManifestPreview,
} from "../automation/driver/preview";
import { ExitCode } from "../automation/exit-codes";
import { GITHUB_COMMENT_LIMIT, renderPreviewComment } from "../automation/report/preview-comment";
import type { Tier } from "../environments";
import { evaluatePolicy } from "../policy/engine";
import { discoverEnvironments, Environment } from "../stack";
import { FakeProject, NO_CLOUD } from "./support/fake-pulumi";

/** Changes the demo app's staging tag in the project's working tree (not committed). */
function bumpStagingTag(project: FakeProject): void {
  const file = path.join(project.catalogDir, "demo", "staging.yaml");
  const text = fs.readFileSync(file, "utf8");
  assert.ok(text.includes('tag: "6.7.1"'), text);
  fs.writeFileSync(file, text.replace('tag: "6.7.1"', 'tag: "6.7.2"'));
}

/** Every environment's state repo deleted: reading one now fails. */
function removeStateRepos(project: FakeProject): void {
  for (const env of discoverEnvironments(project.dir)) fs.rmSync(project.stateRepo(env), { recursive: true });
}

describe("the rendered-manifest diff in the preview comment, with no state repo to read", () => {
  it("shows the Deployment's image line offline, with the blast radius at the top, and exits 3", async () => {
    // GIVEN a pull request that changes the staging tag, no cloud credentials and no state repo at all
    const project = await FakeProject.create({ stacks: {} });
    try {
      bumpStagingTag(project);
      removeStateRepos(project);
      const out = path.join(project.dir, "comment.md");
      const deps = project.deps({ ...NO_CLOUD, GITHUB_BASE_REF: "main" }, [], {
        synthDiff: (env, base) => Promise.resolve({ env, base, hasChanges: false, stacks: [] }),
        policy: (env) => Promise.resolve(evaluatePolicy({ env, tier: "staging", stacks: [], manifests: [] })),
      });

      // WHEN staging and production are previewed offline against origin/main
      const code = await runPreviewCommand(["staging", "production"], { output: out, offline: true }, deps, {
        exitOnChanges: true,
      });

      // THEN the comment shows staging's image line, and says what it compared with
      assert.equal(code, ExitCode.Changes, project.log.join("\n"));
      const comment = fs.readFileSync(out, "utf8");
      const commit = project.head().slice(0, 12);
      const lines = comment.split("\n");
      const blast = lines.indexOf("**Blast radius** of the rendered manifests: 1 environment, 1 app.");
      assert.ok(blast > 0 && blast < lines.findIndex((l) => l.startsWith("| Environment |")), comment);
      assert.equal(lines[blast + 2], "- `staging` (staging tier): `demo`; 1 CronJob modified, 1 Deployment modified");
      assert.ok(
        lines.includes(
          `Compared with the catalog rendered at \`origin/main\` (\`${commit}\`), file by file: what this change does ` +
            "to the rendered manifests. No state repo was read.",
        ),
        comment,
      );
      assert.ok(lines.includes("<summary><code>demo</code>: 2 files (staging)</summary>"), comment);
      assert.ok(lines.includes("-          image: ghcr.io/stefanprodan/podinfo:6.7.1"), comment);
      assert.ok(lines.includes("+          image: ghcr.io/stefanprodan/podinfo:6.7.2"), comment);
      assert.ok(
        lines.includes("No changes in 1 environment: `production` (stacks, manifests and guardrails)."),
        comment,
      );
      assert.deepEqual(project.operations(), [], "no stack was previewed against the cloud");
    } finally {
      project.remove();
    }
  });

  it("online, stands in the rendered base for a state repo it cannot read, and says so without failing", async () => {
    // GIVEN the gitops stack previews against the cloud, but the state repo is gone
    const project = await FakeProject.create({ stacks: { "gitops-staging": { program: "json-text-change.json" } } });
    try {
      project.seed("gitops-staging", { resources: [] });
      bumpStagingTag(project);
      removeStateRepos(project);
      const diff = defaultManifestDiff(project.dir);

      // WHEN staging's gitops layer is previewed
      const staging = await previewEnvironment("staging", project.context(), ["gitops"], async (env, why) =>
        renderedManifestPreview(await diff("origin/main", [env]), env, why),
      );

      // THEN the manifests are the render at the base, with a note naming the unreadable state repo
      const { manifests } = staging;
      assert.ok("changes" in manifests, JSON.stringify(manifests));
      assert.deepEqual(manifests.against, { kind: "render", ref: "origin/main", commit: project.head() });
      assert.deepEqual(
        manifests.changes.map((c) => [c.path, c.status]),
        [
          ["apps/demo/cronjob-demo-smoke-test.yaml", "modified"],
          ["apps/demo/deployment-demo.yaml", "modified"],
        ],
      );
      assert.equal(manifests.notes?.length, 1);
      assert.match(
        manifests.notes?.[0] ?? "",
        /^The state repo \S+\/state-staging\.git \(gitops-platform:platform\.stateRepo\.url in Pulumi\.staging\.yaml\) could not be read: .+ which does not exist; .+; the catalog rendered at the base stands in for it\.$/,
      );
    } finally {
      project.remove();
    }
  });
});

/** A shared app.yaml change reaching `apps` apps in `env`: each app's Deployment diff has `lines` changed lines. */
function sharedChange(env: Environment, tier: Tier, apps: number, lines: number): EnvironmentPreview {
  const changes = Array.from({ length: apps }, (_, n): ManifestChange => {
    const app = `app-${String(n).padStart(3, "0")}`;
    const file = `apps/${app}/deployment-${app}.yaml`;
    const body = Array.from({ length: lines }, (_, l) => `-  label-${l}: old\n+  label-${l}: new\n`).join("");
    const diff = `--- a/${file}\n+++ b/${file}\n@@ -1,${lines} +1,${lines} @@\n${body}`;
    return { app, path: file, status: "modified", kind: "Deployment", diff };
  });
  return {
    env,
    tier,
    stacks: [],
    synthDiff: { env, base: "origin/main", hasChanges: false, stacks: [] },
    manifests: {
      changes,
      against: { kind: "render", ref: "origin/main", commit: "5d2c1f0e9b8a7d6c5b4a39281706f5e4d3c2b1a0" },
    },
    policy: { report: evaluatePolicy({ env, tier, stacks: [], manifests: [] }) },
  };
}

describe("the rendered-manifest diff in a comment that cannot hold it all", () => {
  // 400 apps changed in each of two environments, each diff longer than the comment shows of one file.
  const report: PreviewReport = {
    environments: [sharedChange("staging", "staging", 400, 150), sharedChange("production", "production", 400, 150)],
    offline: { reason: "--offline was given", base: "origin/main" },
  };
  const body = renderPreviewComment(report, { marker: "gitops-platform:preview:staging,production" });
  const lines = body.split("\n");

  it("stays within GitHub's 65,536 characters across both environments", () => {
    assert.ok(body.length <= GITHUB_COMMENT_LIMIT, `${body.length} characters`);
    assert.ok(body.length > GITHUB_COMMENT_LIMIT / 2, "it uses the room it has");
  });

  it("opens with the blast radius, production first, whole", () => {
    const blast = lines.indexOf("**Blast radius** of the rendered manifests: 2 environments, 400 apps.");
    const names = "`app-000`, `app-001`, `app-002`, `app-003`, `app-004`, `app-005`, `app-006`, `app-007` and 392 more";
    assert.deepEqual(lines.slice(blast, blast + 4), [
      "**Blast radius** of the rendered manifests: 2 environments, 400 apps.",
      "",
      `- :warning: \`production\` (production tier): ${names}; 400 Deployments modified`,
      `- \`staging\` (staging tier): ${names}; 400 Deployments modified`,
    ]);
  });

  it("shows each environment as many whole app diffs as fit, each clipped, and names the rest with where to see them", () => {
    for (const env of ["staging", "production"]) {
      const sections = lines.filter((l) =>
        new RegExp(`^<summary><code>app-\\d+</code>: 1 file \\(${env}\\)</summary>$`).test(l),
      );
      assert.deepEqual(sections.length, 5, env);
      assert.ok(
        lines.includes(
          "_395 more apps change (`app-005`, `app-006`, `app-007`, `app-008`, `app-009`, `app-010`, `app-011`, " +
            `\`app-012\` and 387 more), not shown here: \`hydrate --diff origin/main --env ${env}\` shows every diff._`,
        ),
        body,
      );
    }
    assert.equal(lines.filter((l) => l === "_103 more lines of this diff not shown._").length, 10);
    assert.ok(!body.includes("details cut to fit the comment"), "no section is shown only as cut");
  });
});
