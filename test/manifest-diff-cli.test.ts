import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManifestDiffReport } from "../automation/manifest-diff/at-ref";
import { SynthDiff } from "../automation/synth/diff";
import { runCli, spawnCli } from "./support/cli";
import { projectCopy } from "./support/project-copy";

/**
 * No git transport at all (git's GIT_ALLOW_PROTOCOL allows none of them): a clone or fetch of any
 * state repo, remote or on disk, fails. What reads only the project's own history still works.
 */
const NO_REMOTES = { GIT_ALLOW_PROTOCOL: "none", HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" };

const OLD_IMAGE = "image: ghcr.io/stefanprodan/podinfo:6.7.1";
const NEW_IMAGE = "image: ghcr.io/stefanprodan/podinfo:6.7.2";

function bumpStagingTag(dir: string): void {
  const file = path.join(dir, "gitops", "apps", "demo", "staging.yaml");
  const text = fs.readFileSync(file, "utf8");
  assert.ok(text.includes('tag: "6.7.1"'), text);
  fs.writeFileSync(file, text.replace('tag: "6.7.1"', 'tag: "6.7.2"'));
}

describe("hydrate --diff and synth --diff, as a user runs them (a copy of this project, no remotes)", () => {
  let dir: string;
  beforeEach(() => (dir = projectCopy()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with nothing changed, then 3 with the Deployment's image line once the staging tag changes", () => {
    const same = spawnCli(["hydrate", "--diff", "HEAD", "--env", "staging"], { cwd: dir, env: NO_REMOTES });
    assert.equal(same.code, 0, same.stderr);
    assert.match(
      same.stdout,
      /^No changes: the catalog renders to the same manifests at HEAD and in the working tree\.$/m,
    );

    bumpStagingTag(dir);
    const changed = spawnCli(["hydrate", "--diff", "HEAD"], { cwd: dir, env: { ...NO_REMOTES, NO_COLOR: "1" } });

    assert.equal(changed.code, 3, changed.stderr);
    const lines = changed.stdout.split("\n");
    const deployment = lines.indexOf("+++ b/apps/demo/deployment-demo.yaml");
    assert.ok(deployment > 0, changed.stdout);
    assert.ok(
      lines.slice(deployment).some((l) => l === `-          ${OLD_IMAGE}`),
      changed.stdout,
    );
    assert.ok(
      lines.slice(deployment).some((l) => l === `+          ${NEW_IMAGE}`),
      changed.stdout,
    );
    assert.match(changed.stdout, /^ {2}staging \(staging tier\): demo; 1 CronJob modified, 1 Deployment modified$/m);
    assert.match(changed.stdout, /^No changes in dev, prod-eu, production\.$/m);
  });

  it("puts the same diff in synth --diff of the gitops layer, which exits 3 for it", () => {
    bumpStagingTag(dir);
    const result = spawnCli(["synth", "--env", "staging", "--layer", "gitops", "--diff", "HEAD", "--json"], {
      cwd: dir,
      env: NO_REMOTES,
    });

    assert.equal(result.code, 3, result.stderr);
    const diff = JSON.parse(result.stdout) as SynthDiff;
    assert.ok(diff.manifests, result.stdout);
    assert.equal(diff.manifests.env, "staging");
    const files = diff.manifests.apps.flatMap((a) => a.files);
    assert.deepEqual(
      files.map((f) => [f.path, f.status]),
      [
        ["apps/demo/cronjob-demo-smoke-test.yaml", "modified"],
        ["apps/demo/deployment-demo.yaml", "modified"],
      ],
    );
    assert.match(files[1].diff, new RegExp(`^\\+ +${NEW_IMAGE.replace(/\./g, "\\.")}$`, "m"));
  });

  it("renders the ref with its own renderer when the change touches the renderer, and says so", () => {
    // GIVEN a renderer that now starts every file with a comment (uncommitted)
    const yaml = path.join(dir, "gitops", "render", "yaml.ts");
    const source = fs.readFileSync(yaml, "utf8");
    const emit = '  return `${lines.join("\\n")}\\n`;';
    assert.ok(source.includes(emit), "toYaml's return statement moved: update this test");
    fs.writeFileSync(yaml, source.replace(emit, '  return `# hydrated\\n${lines.join("\\n")}\\n`;'));

    const result = spawnCli(["hydrate", "--diff", "HEAD", "--env", "staging", "--json"], { cwd: dir, env: NO_REMOTES });

    // THEN HEAD's manifests come from HEAD's renderer: every file gains the comment
    assert.equal(result.code, 3, result.stderr);
    const report = JSON.parse(result.stdout) as ManifestDiffReport;
    assert.deepEqual(report.notes, ["The change touches the renderer: HEAD was rendered with its own renderer."]);
    const files = report.environments[0].apps.flatMap((a) => a.files);
    assert.equal(files.length, 7);
    for (const file of files) {
      assert.equal(file.status, "modified");
      assert.match(file.diff, /^@@ -1,\d+ \+1,\d+ @@\n\+# hydrated\n/m, file.path);
    }
  });
});

describe("hydrate --diff: bad input", () => {
  it("exits 2 for a ref that names no commit, with one message", async () => {
    const { code, stdout, stderr } = await runCli(["hydrate", "--diff", "no-such-ref-anywhere"]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /^error: hydrate --diff: received "no-such-ref-anywhere"; expected a commit, branch or tag of this repository$/m,
    );
  });

  it("refuses the options that write to a state repo", async () => {
    const { code, stderr } = await runCli(["hydrate", "--diff", "HEAD", "--push"]);
    assert.equal(code, 2);
    assert.match(stderr, /option '--push' cannot be used with option '--diff <git-ref>'/);
  });
});
