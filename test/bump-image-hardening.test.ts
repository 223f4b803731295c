import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { bumpImage, BumpImageOptions } from "../automation/bump-image";
import { compareImageTags } from "../gitops/catalog/image";
import { jitteredPause } from "../gitops/state-repo/push";
import { runCli } from "./support/cli";
import { Remote, remoteWithCatalog } from "./support/bump-remote";
import { git } from "./support/project-copy";

const ENV_FILE = path.join("gitops", "apps", "demo", "staging.yaml");
const STAGING = 'image:\n  repository: ghcr.io/example-org/demo\n  tag: "1.4.0"\n';
const remoteWithDemo = (): Remote => remoteWithCatalog(["demo"], STAGING);

function options(rootDir: string, overrides: Partial<BumpImageOptions> = {}): BumpImageOptions {
  return { rootDir, app: "demo", env: "staging", tag: "1.5.0", push: false, log: () => undefined, ...overrides };
}

const bump = (dir: string, ...argv: string[]) =>
  runCli(["bump-image", "--repo", dir, "--app", "demo", "--env", "staging", ...argv]);

describe("bump-image: refusals leave the checkout as it was (real git)", () => {
  let remote: Remote;
  beforeEach(() => (remote = remoteWithDemo()));
  afterEach(() => fs.rmSync(remote.dir, { recursive: true, force: true }));

  const refusals: [string, string, number, RegExp][] = [
    [
      "a token without write access",
      "echo 'Permission to example-org/gitops-platform.git denied to ci-bot.' >&2",
      2,
      /^error: git push to origin was refused: received "remote: Permission to example-org\/gitops-platform\.git denied to ci-bot\."; expected credentials/m,
    ],
    [
      "a pre-receive hook's own rule",
      "echo 'images must come from the release pipeline' >&2",
      1,
      /^error: git push --quiet origin HEAD:refs\/heads\/main failed \(exit 1\): the remote refused it: ! \[remote rejected\] HEAD -> main \(pre-receive hook declined\); remote: images must come from the release pipeline$/m,
    ],
  ];
  for (const [what, hook, exitCode, message] of refusals) {
    it(`exits ${exitCode} on a push refused for ${what}, saying why, and undoes the local commit`, async () => {
      fs.writeFileSync(path.join(remote.bare, "hooks", "pre-receive"), `#!/bin/sh\n${hook}\nexit 1\n`, { mode: 0o755 });
      const dir = remote.clone();
      const head = git(dir, "rev-parse", "HEAD");
      const result = await bump(dir, "--tag", "1.5.0", "--push");
      assert.equal(result.code, exitCode, result.stderr);
      assert.match(result.stderr, message);
      assert.match(
        result.stderr,
        /nothing was pushed; gitops\/apps\/demo\/staging\.yaml and the branch are back as they were/,
      );
      assert.equal(git(dir, "rev-parse", "HEAD"), head);
      assert.equal(fs.readFileSync(path.join(dir, ENV_FILE), "utf8"), STAGING);
      assert.equal(git(dir, "status", "--porcelain"), "");
    });
  }

  it("keeps the user's other uncommitted changes while undoing its own commit", async () => {
    fs.writeFileSync(path.join(remote.bare, "hooks", "pre-receive"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const dir = remote.clone();
    fs.writeFileSync(path.join(dir, "gitops", "apps", "demo", "app.yaml"), "image:\n  repository: ghcr.io/x/edited\n");
    const result = await bump(dir, "--tag", "1.5.0", "--push");
    assert.equal(result.code, 1, result.stderr);
    assert.equal(git(dir, "status", "--porcelain"), " M gitops/apps/demo/app.yaml\n");
  });

  describe("version tags only move forward", () => {
    const cases: [string, string, string][] = [
      ["a lower patch", "1.3.9", "1.4.0"],
      ["a lower minor", "1.3", "1.4.0"],
      ["a pre-release of the same version", "1.4.0-rc.1", "1.4.0"],
      ["a lower major with a v", "v0.9.0", "1.4.0"],
    ];
    for (const [what, tag, current] of cases) {
      it(`refuses ${what} without --allow-downgrade, writing nothing`, async () => {
        const dir = remote.clone();
        const result = await bump(dir, "--tag", tag);
        assert.equal(result.code, 2, result.stderr);
        assert.match(
          result.stderr,
          new RegExp(
            `^error: bump-image --tag: received "${tag.replace(/\./g, "\\.")}", lower than the "${current.replace(/\./g, "\\.")}" that gitops/apps/demo/staging\\.yaml has; expected a later version \\(pass --allow-downgrade to roll back on purpose\\)$`,
            "m",
          ),
        );
        assert.equal(fs.readFileSync(path.join(dir, ENV_FILE), "utf8"), STAGING);
      });
    }

    it("rolls back on purpose with --allow-downgrade", async () => {
      const dir = remote.clone();
      const result = await bump(dir, "--tag", "1.3.9", "--allow-downgrade");
      assert.equal(result.code, 0, result.stderr);
      assert.match(fs.readFileSync(path.join(dir, ENV_FILE), "utf8"), /tag: "1\.3\.9"/);
    });

    it("moves to a digest, or from one, without an order to check", async () => {
      const dir = remote.clone();
      const digest = `sha256:${"a".repeat(64)}`;
      assert.equal((await bump(dir, "--tag", digest)).code, 0);
      assert.equal((await bump(dir, "--tag", "0.1.0")).code, 0);
    });

    it("lands the highest of 10 concurrent bumps of one app and env, refusing the ones a higher tag overtook", async () => {
      const tags = Array.from({ length: 10 }, (_, i) => `2.0.${i}`);
      const outcomes = await Promise.allSettled(
        tags.map((tag) => bumpImage(options(remote.clone(), { tag, push: true, pause: jitteredPause, attempts: 30 }))),
      );
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          assert.match(String(outcome.reason), /lower than the "2\.0\.\d" that gitops\/apps\/demo\/staging\.yaml has/);
        }
      }
      const check = remote.clone();
      assert.match(fs.readFileSync(path.join(check, ENV_FILE), "utf8"), /tag: "2\.0\.9"/);
      const landed = git(check, "log", "--format=%s", "main").trim().split("\n").slice(0, -1);
      const fulfilled = outcomes.filter((o) => o.status === "fulfilled" && o.value.pushed).length;
      assert.equal(landed.length, fulfilled, "every reported push is in the history");
      const order = landed.reverse().map((s) => s.replace(/^demo: deploy (\S+) to staging$/, "$1"));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => compareImageTags(a, b) ?? 0),
        "tags only increase",
      );
    });
  });

  describe("links: never read out of the project, never written through", () => {
    it("refuses an env file linked to a file outside the repository, without showing it", async () => {
      const dir = remote.clone();
      const outside = path.join(remote.dir, "outside.yaml");
      fs.writeFileSync(outside, "root:x:0:0:root:/root:/bin/bash\n");
      fs.rmSync(path.join(dir, ENV_FILE));
      fs.symlinkSync(outside, path.join(dir, ENV_FILE));
      git(dir, "-c", "core.symlinks=true", "add", ENV_FILE);
      git(dir, "commit", "--quiet", "--message", "link out");
      const result = await bump(dir, "--tag", "1.5.0");
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^error: gitops\/apps\/demo\/staging\.yaml: is a symbolic link; expected a plain file and directories: nothing is written through a link$/m,
      );
      assert.ok(!result.stderr.includes("root:x"));
      assert.equal(fs.readFileSync(outside, "utf8"), "root:x:0:0:root:/root:/bin/bash\n");
    });

    it("refuses to create an env file through a dangling link", async () => {
      const dir = remote.clone();
      const target = path.join(remote.dir, "created-outside.yaml");
      fs.rmSync(path.join(dir, ENV_FILE));
      fs.symlinkSync(target, path.join(dir, ENV_FILE));
      git(dir, "add", ENV_FILE);
      git(dir, "commit", "--quiet", "--message", "dangling link");
      const result = await bump(dir, "--tag", "1.5.0");
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /^error: gitops\/apps\/demo\/staging\.yaml: is a symbolic link; expected a plain file and directories/m,
      );
      assert.equal(fs.existsSync(target), false);
    });

    it("refuses to write through a link inside the repository, which would edit another environment", async () => {
      const dir = remote.clone();
      const production = path.join("gitops", "apps", "demo", "production.yaml");
      fs.writeFileSync(path.join(dir, production), STAGING);
      fs.rmSync(path.join(dir, ENV_FILE));
      fs.symlinkSync("production.yaml", path.join(dir, ENV_FILE));
      git(dir, "add", "--all");
      git(dir, "commit", "--quiet", "--message", "staging follows production");
      const result = await bump(dir, "--tag", "1.5.0");
      assert.equal(result.code, 2, result.stderr);
      assert.equal(fs.readFileSync(path.join(dir, production), "utf8"), STAGING);
    });
  });

  describe("the env file goes through the hardened reader", () => {
    const cases: [string, string, RegExp][] = [
      [
        "an alias bomb",
        `a: &a [1,1,1,1,1,1,1,1,1]\n${"bcdefghij"
          .split("")
          .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefghij"[i]}`).join(",")}]`)
          .join("\n")}\n`,
        /received YAML whose aliases expand to more than/,
      ],
      [
        "an alias that contains itself",
        "image: &a [*a]\n",
        /gitops\/apps\/demo\/staging\.yaml: image\[0\]: received an alias to a map or list that contains it; expected a value that ends$/m,
      ],
      ["a __proto__ key", "image:\n  __proto__: {tag: x}\n", /image\.__proto__: received the key "__proto__"/],
      [
        "a 1 MB scalar image",
        `image: "${"i".repeat(1_000_000)}"\n`,
        /image: received "i{199}… \(1000002 characters\); expected a map with repository and tag$/m,
      ],
    ];
    for (const [what, text, message] of cases) {
      it(`refuses ${what}, leaving the file as it was`, async () => {
        const dir = remote.clone();
        fs.writeFileSync(path.join(dir, ENV_FILE), text);
        git(dir, "commit", "--quiet", "--all", "--message", what);
        const result = await bump(dir, "--tag", "1.5.0");
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, message);
        assert.ok(result.stderr.length < 2_000);
        assert.equal(fs.readFileSync(path.join(dir, ENV_FILE), "utf8"), text);
      });
    }
  });
});
