import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffManifestsAtRef, EnvironmentManifestDiff } from "../../automation/manifest-diff/at-ref";
import { editAppFile, git, sourceAppsRepos } from "./support/source-apps";

/**
 * GIVEN a project whose catalog holds a chart app (a directory of the repository), a chart from a
 * chart repository (pinned version and digest) and a Kustomize app, committed
 * WHEN the working tree changes them and `hydrate --diff HEAD` compares
 * THEN the commit's side is rendered by the real helm and kustomize too, through the render cache,
 * and a chart app that cannot be rendered at the commit is named with helm's own reason.
 */

function changes(env: EnvironmentManifestDiff): [string, string, string[]][] {
  return env.apps.map((a) => [a.app, a.status, a.files.map((f) => `${f.path} ${f.status}`)]);
}

function envOf(environments: readonly EnvironmentManifestDiff[], env: string): EnvironmentManifestDiff {
  const found = environments.find((e) => e.env === env);
  assert.ok(found, env);
  return found;
}

describe("hydrate --diff of chart and Kustomize apps, both sides rendered by the real helm and kustomize", function () {
  const repos = sourceAppsRepos("gitops-e2e-manifest-diff-");
  const { newRepo } = repos;

  it("shows the chart app's image tag, the overlay's image and a change to the chart's own values in both environments", async function () {
    const { rootDir, catalogDir } = newRepo();
    editAppFile(catalogDir, "web/staging.yaml", () => ({ values: { image: { tag: "1.2.0" } } }));
    const chartValues = path.join(catalogDir, "web", "chart", "values.yaml");
    fs.writeFileSync(chartValues, fs.readFileSync(chartValues, "utf8").replace("replicaCount: 1", "replicaCount: 2"));
    const overlay = path.join(catalogDir, "api", "overlays", "staging", "kustomization.yaml");
    fs.writeFileSync(overlay, fs.readFileSync(overlay, "utf8").replace('newTag: "1.0.0"', 'newTag: "1.0.1"'));

    const report = await diffManifestsAtRef({ rootDir, ref: "HEAD", envs: ["staging", "production"], command: "t" });

    const staging = envOf(report.environments, "staging");
    assert.deepEqual(
      changes(staging).map(([app, status]) => [app, status]),
      [
        ["api", "changed"],
        ["web", "changed"],
      ],
    );
    const diffs = staging.apps.flatMap((a) => a.files.map((f) => f.diff)).join("\n");
    assert.match(diffs, /^- +image: ghcr\.io\/example\/web:1\.1\.0$/m);
    assert.match(diffs, /^\+ +image: ghcr\.io\/example\/web:1\.2\.0$/m);
    assert.match(diffs, /^- +- image: ghcr\.io\/example\/api:1\.0\.0$/m);
    assert.match(diffs, /^\+ +- image: ghcr\.io\/example\/api:1\.0\.1$/m);
    // The chart's own values.yaml is shared by both environments: production's web changes too, vendor's chart does not.
    const production = envOf(report.environments, "production");
    assert.deepEqual(changes(production), [["web", "changed", ["apps/web/deployment-web.yaml modified"]]]);
    assert.match(production.apps[0].files[0].diff, /^-  replicas: 1\n\+  replicas: 2$/m);
    assert.deepEqual(report.notes, []);
  });

  it("names a chart app the commit cannot render, with helm's reason, and compares it here with nothing", async function () {
    // GIVEN a commit whose vendor app pins a version (and digest) the chart repository does not have
    const { rootDir, catalogDir } = newRepo();
    editAppFile(catalogDir, "vendor/app.yaml", (app) => ({
      ...app,
      chart: { ...(app.chart as object), version: "0.0.9", digest: `sha256:${"0".repeat(64)}` },
    }));
    git(rootDir, "commit", "--quiet", "--all", "--message", "vendor at a version never published");
    editAppFile(catalogDir, "vendor/app.yaml", (app) => ({
      ...app,
      chart: { ...(app.chart as object), version: "0.1.0", digest: repos.published().digest },
    }));

    const report = await diffManifestsAtRef({ rootDir, ref: "HEAD", envs: ["staging"], command: "t" });

    const [staging] = report.environments;
    assert.deepEqual(
      staging.unrenderedAtBase?.map((u) => u.app),
      ["vendor"],
    );
    assert.match(
      staging.unrenderedAtBase?.[0].error ?? "",
      /^app vendor: helm pull web 0\.0\.9 from http:\/\/\S+ failed: /,
    );
    assert.match(staging.notes[0], /^vendor does not render at HEAD \(its errors: app vendor: helm pull web 0\.0\.9 /);
    assert.deepEqual(
      changes(staging).map(([app, status]) => [app, status]),
      [["vendor", "added"]],
    );
  });
});
