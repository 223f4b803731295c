import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BadRefError } from "../automation/commit-tree";
import { selectApps } from "../automation/manifest-diff/changed-apps";
import { EnvironmentManifestDiff, ManifestDiffReport } from "../automation/manifest-diff/at-ref";
import { blastRadius } from "../automation/manifest-diff/summary";
import { renderManifestDiff } from "../automation/manifest-diff/text";
import { REPO_ROOT } from "../automation/synth/synth";
import { CatalogRepo } from "./support/catalog-repo";
import { assertGolden } from "./support/golden";
import { removeTempDirs } from "./support/temp";

const STAGING_TAG = "gitops/apps/demo/staging.yaml";
const plain = (_style: string, text: string): string => text;

/** Every file the demo app renders to in `env`, as its golden hydration holds them (test/golden/gitops). */
function demoFiles(env: "staging" | "production"): string[] {
  const dir = path.join(REPO_ROOT, "test", "golden", "gitops", env, "apps", "demo");
  return fs
    .readdirSync(dir)
    .sort()
    .map((file) => `apps/demo/${file}`);
}

function envOf(report: ManifestDiffReport, env: string): EnvironmentManifestDiff {
  const found = report.environments.find((e) => e.env === env);
  assert.ok(found, `${env} is not in the report: ${report.environments.map((e) => e.env).join(", ")}`);
  return found;
}

/** An environment's changes as [app, app status, [file, file status]...]: what a reviewer reads first. */
function changesOf(env: EnvironmentManifestDiff): [string, string, [string, string][]][] {
  return env.apps.map((a) => [a.app, a.status, a.files.map((f): [string, string] => [f.path, f.status])]);
}

function diffOf(env: EnvironmentManifestDiff, file: string): string {
  const change = env.apps.flatMap((a) => a.files).find((f) => f.path === file);
  assert.ok(change, `${file} did not change in ${env.env}`);
  return change.diff;
}

describe("hydrate --diff: the catalog rendered at a commit and in the working tree", () => {
  after(removeTempDirs);

  it("shows the Deployment's image line when an app's tag changes in one environment, and nothing elsewhere", async () => {
    // GIVEN the demo app's staging tag changed in the working tree
    const repo = CatalogRepo.create();
    repo.edit(STAGING_TAG, '"6.7.1"', '"6.7.2"');

    // WHEN it is compared with HEAD
    const report = await repo.diff("HEAD");

    // THEN staging's Deployment and CronJob change on their image line, production not at all
    assert.equal(report.hasChanges, true);
    assert.deepEqual(report.notes, []);
    const staging = envOf(report, "staging");
    assert.deepEqual(changesOf(staging), [
      [
        "demo",
        "changed",
        [
          ["apps/demo/cronjob-demo-smoke-test.yaml", "modified"],
          ["apps/demo/deployment-demo.yaml", "modified"],
        ],
      ],
    ]);
    const deployment = diffOf(staging, "apps/demo/deployment-demo.yaml");
    assert.deepEqual(
      deployment.split("\n").filter((l) => /^[-+] /.test(l)),
      ["-          image: ghcr.io/stefanprodan/podinfo:6.7.1", "+          image: ghcr.io/stefanprodan/podinfo:6.7.2"],
    );
    assert.equal(envOf(report, "production").hasChanges, false);
    // The commit's hash follows the shipped config files copied into the repository: shown as <commit>.
    const text = renderManifestDiff(report, plain).replace(report.commit.slice(0, 12), "<commit>");
    assertGolden("hydrate-diff-image-tag.txt", text);
  });

  it("lists the guardrails' findings on the changed files beside the diff", async () => {
    const repo = CatalogRepo.create();
    repo.edit("gitops/apps/demo/staging.yaml", "replicas: 1\n", "replicas: 1\nsecurityContext:\n  runAsUser: 0\n");

    const text = renderManifestDiff(await repo.diff("HEAD", ["staging"]), plain);

    const fix = "Fix: Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.";
    assert.deepEqual(
      text.split("\n").filter((l) => l.startsWith("  policy: ")),
      [
        `  policy: mandatory k8s-run-as-non-root apps/demo/deployment-demo.yaml: container "demo" runs as runAsUser 0. ${fix}`,
        `  policy: mandatory k8s-run-as-non-root apps/demo/cronjob-demo-smoke-test.yaml: container "smoke-test" runs as runAsUser 0. ${fix}`,
      ],
    );
  });

  it("reports no change when the working tree renders as the commit does", async () => {
    const repo = CatalogRepo.create();
    repo.edit("gitops/apps/demo/app.yaml", "# The demo app", "# The demo app (a comment changes no manifest)");

    const report = await repo.diff("HEAD");

    assert.equal(report.hasChanges, false);
    assert.deepEqual(
      report.environments.map((e) => [e.env, e.presence, e.apps.length]),
      [
        ["production", "both", 0],
        ["staging", "both", 0],
      ],
    );
    assert.match(renderManifestDiff(report, plain), /^No changes: the catalog renders to the same manifests at HEAD/m);
  });

  it("shows a shared app.yaml change in both environments, production first in the blast radius", async () => {
    const repo = CatalogRepo.create();
    repo.edit("gitops/apps/demo/app.yaml", "Hello from gitops-platform", "Hello from the platform");

    const report = await repo.diff("HEAD");

    for (const env of ["staging", "production"]) {
      const changed = envOf(report, env);
      assert.deepEqual(changesOf(changed), [
        [
          "demo",
          "changed",
          [
            ["apps/demo/cronjob-demo-smoke-test.yaml", "modified"],
            ["apps/demo/deployment-demo.yaml", "modified"],
          ],
        ],
      ]);
      assert.match(diffOf(changed, "apps/demo/deployment-demo.yaml"), /^\+ +value: Hello from the platform$/m);
    }
    const rows = blastRadius(report.environments.map((e) => ({ ...e, changes: e.apps.flatMap((a) => a.files) })));
    assert.deepEqual(rows, [
      { env: "production", tier: "production", apps: ["demo"], objects: "1 CronJob modified, 1 Deployment modified" },
      { env: "staging", tier: "staging", apps: ["demo"], objects: "1 CronJob modified, 1 Deployment modified" },
    ]);
  });

  it("shows an app added, with every file it renders to as added, only where it runs", async () => {
    const repo = CatalogRepo.create();
    repo.copy("gitops/apps/demo/app.yaml", "gitops/apps/web/app.yaml");
    repo.copy("gitops/apps/demo/staging.yaml", "gitops/apps/web/staging.yaml");

    const report = await repo.diff("HEAD");

    const staging = envOf(report, "staging");
    const added = demoFiles("staging").map((f): [string, string] => [f.replace(/demo/g, "web"), "added"]);
    assert.deepEqual(changesOf(staging), [["web", "added", added]]);
    assert.deepEqual([staging.added, staging.modified, staging.deleted], [7, 0, 0]);
    assert.equal(envOf(report, "production").hasChanges, false);
  });

  it("shows an app removed, with every file it rendered to as deleted, in every environment", async () => {
    const repo = CatalogRepo.create();
    repo.remove("gitops/apps/demo");

    const report = await repo.diff("HEAD");

    const deleted = (files: string[]) => files.map((f): [string, string] => [f, "deleted"]);
    assert.deepEqual(changesOf(envOf(report, "staging")), [["demo", "removed", deleted(demoFiles("staging"))]]);
    assert.deepEqual(changesOf(envOf(report, "production")), [["demo", "removed", deleted(demoFiles("production"))]]);
  });

  it("shows an app renamed as the old one removed and the new one added", async () => {
    const repo = CatalogRepo.create();
    repo.git("mv", "gitops/apps/demo", "gitops/apps/shop");

    const report = await repo.diff("HEAD");

    for (const env of ["staging", "production"]) {
      const changed = envOf(report, env);
      assert.deepEqual(
        changed.apps.map((a) => [a.app, a.status, a.files.length]),
        [
          ["demo", "removed", env === "staging" ? 7 : 9],
          ["shop", "added", env === "staging" ? 7 : 9],
        ],
      );
      assert.match(diffOf(changed, "apps/shop/deployment-shop.yaml"), /^\+ {2}namespace: shop$/m);
    }
  });

  it("reports an environment added or removed as such, with every manifest added or deleted", async () => {
    const repo = CatalogRepo.create();
    repo.addEnvironment("qa", "staging", "staging", ["staging"]);
    repo.copy("gitops/apps/demo/staging.yaml", "gitops/apps/demo/qa.yaml");
    repo.remove("Pulumi.production.yaml");
    repo.remove("gitops/apps/demo/production.yaml");

    const report = await repo.diff("HEAD");

    assert.deepEqual(
      report.environments.map((e) => [e.env, e.presence, e.added, e.modified, e.deleted]),
      [
        ["production", "removed", 0, 0, 9],
        ["qa", "added", 7, 0, 0],
        ["staging", "both", 0, 0, 0],
      ],
    );
    assert.deepEqual(envOf(report, "qa").notes, [
      "qa does not exist at HEAD (no Pulumi.qa.yaml): every manifest is added.",
    ]);
    assert.deepEqual(envOf(report, "production").notes, [
      "The change removes production (Pulumi.production.yaml): every manifest of it is deleted.",
    ]);
    assert.equal(envOf(report, "production").policy, undefined, "no guardrails on an environment that is gone");
  });

  it("diffs against a ref where the catalog did not exist yet: everything is added, and it says so", async () => {
    const repo = CatalogRepo.create({ catalog: false });
    const before = repo.git("rev-parse", "HEAD").trim();
    for (const file of ["app.yaml", "staging.yaml", "production.yaml"]) {
      repo.copy(`gitops/apps/demo/${file}`, `gitops/apps/demo/${file}`);
    }
    repo.commit("the catalog");

    const report = await repo.diff(before);

    assert.deepEqual(report.notes, [`The app catalog did not exist at ${before} yet: every manifest is added.`]);
    assert.deepEqual(
      report.environments.map((e) => [e.env, e.added, e.modified, e.deleted]),
      [
        ["production", 9, 0, 0],
        ["staging", 7, 0, 0],
      ],
    );
  });

  it("reports a ref's invalid app as the ref's error and compares that app here with nothing", async () => {
    // GIVEN a commit whose demo app is invalid in staging, beside a valid app, fixed in the working tree
    const repo = CatalogRepo.create();
    repo.copy("gitops/apps/demo/app.yaml", "gitops/apps/web/app.yaml");
    repo.write("gitops/apps/web/staging.yaml", 'image:\n  tag: "1.0.0"\n');
    repo.edit(STAGING_TAG, "replicas: 1", "replicas: many");
    repo.commit("demo broken in staging");
    repo.edit(STAGING_TAG, "replicas: many", "replicas: 2");

    const report = await repo.diff("HEAD");

    // THEN the error is the commit's, named by git's <ref>:<path>; demo is all added; web still compares
    const error = 'HEAD:gitops/apps/demo/staging.yaml: demo.replicas: received "many"; expected a number';
    const staging = envOf(report, "staging");
    assert.deepEqual(staging.unrenderedAtBase, [{ app: "demo", error }]);
    assert.deepEqual(staging.notes, [
      `demo does not render at HEAD (its errors: ${error}); what it renders to here is compared with nothing.`,
    ]);
    assert.deepEqual(
      staging.apps.map((a) => [a.app, a.status, a.files.length]),
      [["demo", "added", 7]],
    );
    assert.equal(envOf(report, "production").hasChanges, false);
    assert.match(renderManifestDiff(report, plain), /^ {2}note: demo does not render at HEAD \(its errors: HEAD:/m);
  });

  it("fails on a ref that names no commit, with one message saying what was expected", async () => {
    const repo = CatalogRepo.create();
    for (const ref of ["no-such-branch", "--output=/tmp/x", ""]) {
      await assert.rejects(repo.diff(ref), (err: Error) => {
        assert.ok(err instanceof BadRefError, String(err));
        assert.equal(
          err.message,
          `hydrate --diff: received "${ref}"; expected a commit, branch or tag of this repository`,
        );
        return true;
      });
    }
  });

  it("narrows the diff to the environments asked for", async () => {
    const repo = CatalogRepo.create();
    repo.edit("gitops/apps/demo/app.yaml", "Hello from gitops-platform", "Hello from the platform");

    const report = await repo.diff("HEAD", ["production"]);

    assert.deepEqual(
      report.environments.map((e) => [e.env, e.modified]),
      [["production", 2]],
    );
  });

  describe("selects only the apps that can render differently", () => {
    function selection(repo: CatalogRepo) {
      const head = repo.git("rev-parse", "HEAD").trim();
      return selectApps(repo.dir, head, "gitops/apps", path.join(repo.dir, "gitops", "apps"));
    }

    it("leaves out every app whose directory did not change", () => {
      const repo = CatalogRepo.create();
      repo.copy("gitops/apps/demo/app.yaml", "gitops/apps/web/app.yaml");
      repo.copy("gitops/apps/demo/app.yaml", "gitops/apps/gone/app.yaml");
      repo.commit("web and gone");
      repo.edit("gitops/apps/web/app.yaml", "Hello", "Hi");
      repo.remove("gitops/apps/gone");
      repo.copy("gitops/apps/demo/app.yaml", "gitops/apps/new/app.yaml");
      fs.symlinkSync("demo", path.join(repo.dir, "gitops", "apps", "linked"));

      assert.deepEqual(selection(repo), { apps: ["gone", "linked", "new", "web"], sources: false });
    });

    it("keeps every app that may be a chart or Kustomize app, at the commit or here", () => {
      const repo = CatalogRepo.create();
      repo.write("gitops/apps/vendor/app.yaml", "chart:\n  repository: https://charts.example.com\n");
      repo.commit("vendor");
      repo.write("gitops/apps/api/app.yaml", "kustomize:\n  base: base\n");

      assert.deepEqual(selection(repo), { apps: ["api", "vendor"], sources: true });
    });
  });
});
