import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bumpImage, BumpImageOptions, setImageTag } from "../automation/bump-image";
import { jitteredPause } from "../gitops/state-repo/push";
import { runCli } from "./support/cli";
import { Remote, remoteWithCatalog } from "./support/bump-remote";
import { git } from "./support/project-copy";

/** An env file as people write them: comments, blank lines, quoting and key order of their own. */
const STAGING = `# Staging overrides of the app.
image:
  repository: ghcr.io/example-org/APP   # pushed by the app repo's CI
  tag: "1.0.0"  # bumped by gitops-platform bump-image

# Two replicas are enough for staging.
replicas: 2
env:
  - { name: LOG_LEVEL, value: debug }
`;

const quiet = (): void => undefined;

/** `bump-image --push` of the demo app's staging tag, run as the CLI from the checkout at `dir`. */
function pushDemo(dir: string, tag: string) {
  return runCli(["bump-image", "--repo", dir, "--app", "demo", "--env", "staging", "--tag", tag, "--push"]);
}

function options(rootDir: string, overrides: Partial<BumpImageOptions>): BumpImageOptions {
  return {
    rootDir,
    app: "demo",
    env: "staging",
    tag: "1.4.0",
    push: false,
    log: quiet,
    pause: () => Promise.resolve(),
    ...overrides,
  };
}

describe("bump-image (real git, bare repos on disk)", () => {
  let remote: Remote;
  afterEach(() => fs.rmSync(remote.dir, { recursive: true, force: true }));

  it("lands 10 concurrent --push runs for different apps, losing no commit", async () => {
    const apps = Array.from({ length: 10 }, (_, i) => `app-${i}`);
    remote = remoteWithCatalog(apps, STAGING);
    const jobs = apps.map((app) => ({ app, dir: remote.clone() }));
    const results = await Promise.all(
      jobs.map(({ app, dir }, i) =>
        bumpImage(
          options(dir, {
            pause: jitteredPause,
            app,
            tag: `2.0.${i}`,
            push: true,
            source: { repository: `example-org/${app}`, commit: `c0ffee${i}` },
          }),
        ),
      ),
    );

    assert.ok(results.every((r) => r.pushed && r.changed));
    const check = remote.clone();
    const subjects = git(check, "log", "--format=%s", "main").trim().split("\n");
    assert.equal(subjects.length, 11);
    assert.deepEqual(subjects.slice(0, 10).sort(), apps.map((app, i) => `${app}: deploy 2.0.${i} to staging`).sort());
    for (const [i, app] of apps.entries()) {
      const text = fs.readFileSync(path.join(check, remote.file(app, "staging")), "utf8");
      assert.equal(text, STAGING.replace("APP", app).replace('tag: "1.0.0"', `tag: "2.0.${i}"`));
    }
    const body = git(check, "log", "--format=%B", "-1", "--grep", "app-3:");
    assert.match(body, /^gitops\/apps\/app-3\/staging\.yaml: image\.tag 1\.0\.0 -> 2\.0\.3$/m);
    assert.match(body, /^Source-Repository: example-org\/app-3\nSource-Commit: c0ffee3$/m);
  });

  it("keeps comments and formatting byte for byte, and commits nothing when the tag is already set", async () => {
    remote = remoteWithCatalog(["demo"], STAGING);
    const dir = remote.clone();
    const file = path.join(dir, remote.file("demo", "staging"));
    const first = await bumpImage(options(dir, { tag: "1.4.0" }));
    assert.equal(fs.readFileSync(file, "utf8"), STAGING.replace("APP", "demo").replace('"1.0.0"', '"1.4.0"'));
    assert.deepEqual(
      { changed: first.changed, previous: first.previous, pushed: first.pushed },
      { changed: true, previous: "1.0.0", pushed: false },
    );

    const head = git(dir, "rev-parse", "HEAD");
    const again = await bumpImage(options(dir, { tag: "1.4.0" }));
    assert.deepEqual({ changed: again.changed, pushed: again.pushed }, { changed: false, pushed: false });
    assert.equal(git(dir, "rev-parse", "HEAD"), head);
  });

  it("pushes the earlier local bump that already set the tag, instead of stranding it", async () => {
    remote = remoteWithCatalog(["demo"], STAGING);
    const dir = remote.clone();
    await bumpImage(options(dir, { tag: "1.4.0" }));
    const local = git(dir, "rev-parse", "HEAD").trim();

    const result = await pushDemo(dir, "1.4.0");

    assert.equal(result.code, 0, result.stderr);
    assert.equal(git(remote.bare, "rev-parse", "main").trim(), local, "the remote has the bump commit");
    assert.equal(
      result.stdout,
      "gitops/apps/demo/staging.yaml: image.tag already 1.4.0; pushed the local commit that set it\n",
    );
    assert.match(
      result.stderr,
      new RegExp(
        `already has image\\.tag 1\\.4\\.0, but origin/main lacks the local commit\\(s\\) ${local.slice(0, 12)}: pushing them`,
      ),
    );
  });

  it("refuses to push local commits that are not bumps, naming them, and changes nothing", async () => {
    remote = remoteWithCatalog(["demo"], STAGING);
    const dir = remote.clone();
    fs.writeFileSync(path.join(dir, "NOTES.md"), "work in progress\n");
    git(dir, "add", "NOTES.md");
    git(dir, "commit", "--quiet", "--message", "wip: notes");
    const wip = git(dir, "rev-parse", "HEAD").trim();
    const before = git(remote.bare, "rev-parse", "main").trim();

    const result = await pushDemo(dir, "1.5.0");

    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      `error: bump-image --push: the checkout has 1 local commit(s) that origin/main does not have and that are not ` +
        `image bumps: ${wip.slice(0, 12)} "wip: notes" (NOTES.md); expected only bump commits ` +
        "(gitops/apps/<app>/<env>.yaml) to push with this one: push them yourself (git push origin HEAD:main) or drop " +
        "them (git reset --hard origin/main), then run again\n",
    );
    assert.equal(git(remote.bare, "rev-parse", "main").trim(), before, "nothing was pushed");
    assert.equal(git(dir, "rev-parse", "HEAD").trim(), wip, "nothing was committed");
  });

  it("adds image.tag when the env file has none, keeping its comments", () => {
    const text = "# production overrides\nreplicas: 4 # peak traffic\n";
    const edit = setImageTag(text, "production.yaml", "sha256:" + "a".repeat(64));
    assert.equal(
      edit.text,
      `# production overrides\nreplicas: 4 # peak traffic\nimage:\n  tag: sha256:${"a".repeat(64)}\n`,
    );
    const quoted = setImageTag("image:\n  tag: 1.0.0\n", "f.yaml", "1.10");
    assert.equal(quoted.text, 'image:\n  tag: "1.10"\n', "a tag that would read back as a number is quoted");
  });

  it("stops with exit 2 when the remote refuses the push for want of credentials", async () => {
    remote = remoteWithCatalog(["demo"], STAGING);
    const dir = remote.clone();
    // What GitHub answers a token without contents: write, played by the remote's pre-receive hook.
    const hook = "#!/bin/sh\necho 'Permission to example-org/gitops-platform.git denied to ci-bot.' >&2\nexit 1\n";
    fs.writeFileSync(path.join(remote.bare, "hooks", "pre-receive"), hook, { mode: 0o755 });
    const result = await pushDemo(dir, "1.0.1");
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^error: git push to origin was refused: received "remote: Permission to example-org\/gitops-platform\.git denied to ci-bot\."; expected credentials that can push to it/m,
    );
  });

  describe("bad input: exit 2, one message, nothing written", () => {
    let shared: Remote;
    let dir: string;
    let original: string;
    before(() => {
      shared = remoteWithCatalog(["demo", "api"], STAGING);
    });
    after(() => fs.rmSync(shared.dir, { recursive: true, force: true }));
    beforeEach(() => {
      // The outer afterEach removes `remote.dir`: here that is this test's own clone.
      remote = { ...shared, dir: fs.mkdtempSync(path.join(os.tmpdir(), "bump-image-job-")) };
      dir = path.join(remote.dir, "checkout");
      git(remote.dir, "clone", "--quiet", shared.bare, dir);
      original = fs.readFileSync(path.join(dir, remote.file("demo", "staging")), "utf8");
    });

    async function rejected(argv: string[], message: RegExp): Promise<void> {
      const result = await runCli(["bump-image", "--repo", dir, ...argv]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
    }

    const untouched = () =>
      assert.equal(fs.readFileSync(path.join(dir, remote.file("demo", "staging")), "utf8"), original);

    it("rejects an unknown environment", async () => {
      await rejected(
        ["--app", "demo", "--env", "qa", "--tag", "1.0.1"],
        /option '-e, --env <env>' argument 'qa' is invalid\. received "qa", which has no Pulumi\.qa\.yaml; expected one of dev, prod-eu, production, staging\./,
      );
      untouched();
    });

    it("rejects an environment the app does not run in, creating no env file", async () => {
      await rejected(
        ["--app", "demo", "--env", "production", "--tag", "1.0.1"],
        /error: bump-image --env: received "production", where app demo does not run \(no gitops\/apps\/demo\/production\.yaml\); expected an environment it runs in: staging$/m,
      );
      assert.equal(fs.existsSync(path.join(dir, remote.file("demo", "production"))), false);
      untouched();
    });

    it("rejects an app the catalog does not have, listing the apps it has", async () => {
      await rejected(
        ["--app", "dmeo", "--env", "staging", "--tag", "1.0.1"],
        /error: bump-image --app: received "dmeo"; expected an app of the catalog \(gitops\/apps\/<app>\/app\.yaml\): api, demo$/m,
      );
      untouched();
    });

    it("rejects a tag that is neither semver-ish nor a digest", async () => {
      await rejected(
        ["--app", "demo", "--env", "staging", "--tag", "latest"],
        /error: bump-image --tag: received "latest"; expected a semver-ish tag/,
      );
      untouched();
    });

    it("rejects a malformed env file and leaves it as it was", async () => {
      const file = path.join(dir, remote.file("demo", "staging"));
      const broken = "image:\n  tag: [1.0.0\n";
      fs.writeFileSync(file, broken);
      git(dir, "commit", "--quiet", "--all", "--message", "broken");
      await rejected(
        ["--app", "demo", "--env", "staging", "--tag", "1.0.1"],
        /error: gitops\/apps\/demo\/staging\.yaml: received invalid YAML \(.+\); expected a map$/m,
      );
      assert.equal(fs.readFileSync(file, "utf8"), broken);

      fs.writeFileSync(file, "image: ghcr.io/example-org/demo:1.0.0\n");
      git(dir, "commit", "--quiet", "--all", "--message", "scalar");
      await rejected(
        ["--app", "demo", "--env", "staging", "--tag", "1.0.1"],
        /error: gitops\/apps\/demo\/staging\.yaml: image: received "ghcr\.io\/example-org\/demo:1\.0\.0"; expected a map with repository and tag$/m,
      );
    });

    it("rejects --push from a checkout with no git remote", async () => {
      git(dir, "remote", "remove", "origin");
      await rejected(
        ["--app", "demo", "--env", "staging", "--tag", "1.0.1", "--push"],
        /error: bump-image --push: the checkout at .+ has no git remote "origin"; expected a clone/,
      );
      untouched();
    });

    it("rejects a directory that is not a git checkout", async () => {
      fs.rmSync(path.join(dir, ".git"), { recursive: true, force: true });
      await rejected(
        ["--app", "demo", "--env", "staging", "--tag", "1.0.1"],
        /error: bump-image: .+: received a directory that is not a git checkout/,
      );
      untouched();
    });
  });
});
