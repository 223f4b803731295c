import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { InputError } from "../config";
import { renderHydrateResult } from "../automation/commands/hydrate";
import { painter } from "../automation/output";
import { diffStateRepo, hydrate, HydrateOptions } from "../gitops/hydrate";
import { IDENTITY_FILE } from "../gitops/state-repo/identity";
import { PolicyViolationError } from "../policy/engine";
import { runCli } from "./support/cli";
import {
  bareRemote,
  git,
  inputErrorOfAsync,
  projectRoot,
  removeTempDirs,
  snapshotTree,
  tempDir,
  validBase,
  runningIn,
  writeCatalog,
} from "./support/gitops";

const withTag = (tag: string): Record<string, unknown> => ({
  ...validBase(),
  image: { repository: "ghcr.io/example/web", tag },
});

const WEB_FILES = ["apps/web/deployment-web.yaml", "apps/web/service-web.yaml", "apps/web/serviceaccount-web.yaml"];

/** Trailer values of every commit on `ref`, newest first. */
function sourceCommits(repo: string, ref = "HEAD"): string[] {
  return git(repo, "log", "--format=%(trailers:key=Source-Commit,valueonly)", ref)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

function clone(remote: string): string {
  const dir = tempDir("clone");
  git(dir, "clone", "--quiet", remote, ".");
  return dir;
}

describe("gitops hydration into a state repo (real git)", () => {
  after(removeTempDirs);

  let rootDir: string;
  let options: (catalog: Record<string, Record<string, unknown>>, more?: Partial<HydrateOptions>) => HydrateOptions;
  beforeEach(() => {
    rootDir = projectRoot();
    options = (catalog, more = {}) => ({
      env: "staging",
      push: false,
      rootDir,
      catalogDir: writeCatalog(runningIn("staging", catalog)),
      sourceCommit: "1111111",
      ...more,
    });
  });

  it("creates the local state repo under .state/<env> and commits the render with a Source-Commit trailer", async () => {
    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    assert.deepEqual(
      { kind: result.kind, branch: result.branch, changed: result.changed, added: result.added, pushed: result.pushed },
      { kind: "local", branch: "main", changed: true, added: WEB_FILES, pushed: false },
    );
    assert.deepEqual([...snapshotTree(repo).keys()].sort(), [...WEB_FILES, IDENTITY_FILE]);
    assert.equal(git(repo, "rev-parse", "HEAD").trim(), result.commit);
    assert.equal(
      git(repo, "log", "-1", "--format=%B"),
      "hydrate staging: 3 added, 0 modified, 0 deleted\n\nChanged apps: web\n\nSource-Commit: 1111111\n\n",
    );
  });

  it("gives byte-identical files on a rerun, and makes no commit when nothing changed", async () => {
    const catalog = { web: { "app.yaml": withTag("1.0.0") } };
    await hydrate(options(catalog));
    const repo = path.join(rootDir, ".state", "staging");
    const before = snapshotTree(repo);
    const head = git(repo, "rev-parse", "HEAD");
    const again = await hydrate(options(catalog, { sourceCommit: "2222222" }));
    assert.deepEqual(
      { changed: again.changed, commit: again.commit, added: again.added, modified: again.modified },
      { changed: false, commit: undefined, added: [], modified: [] },
    );
    assert.deepEqual(snapshotTree(repo), before);
    assert.equal(git(repo, "rev-parse", "HEAD"), head);
  });

  it("deletes the files of removed objects and apps, and their empty directories", async () => {
    const ingress = { ingress: { className: "nginx", host: "web.example.com" } };
    await hydrate(options({ api: { "app.yaml": validBase() }, web: { "app.yaml": { ...withTag("1"), ...ingress } } }));
    const result = await hydrate(options({ web: { "app.yaml": withTag("1") } }));
    const repo = path.join(rootDir, ".state", "staging");
    assert.deepEqual(result.deleted, [
      "apps/api/deployment-api.yaml",
      "apps/api/service-api.yaml",
      "apps/api/serviceaccount-api.yaml",
      "apps/web/ingress-web.yaml",
    ]);
    assert.deepEqual([...snapshotTree(repo).keys()].sort(), [...WEB_FILES, IDENTITY_FILE]);
    assert.equal(fs.existsSync(path.join(repo, "apps", "api")), false);
    assert.equal(git(repo, "status", "--porcelain"), "");
  });

  it("leaves the working copy untouched when any app fails to render", async () => {
    await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    const before = snapshotTree(repo);
    const head = git(repo, "rev-parse", "HEAD");
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db" } };
    const message = await inputErrorOfAsync(() =>
      hydrate(
        options({ web: { "app.yaml": withTag("2.0.0") }, zzz: { "app.yaml": { ...validBase(), objects: [secret] } } }),
      ),
    );
    assert.match(
      message,
      /\/zzz\/app\.yaml: zzz\.objects\[0\]\.kind \(Secret\/db\): received kind Secret; expected a SealedSecret/,
    );
    assert.deepEqual(snapshotTree(repo), before);
    assert.equal(git(repo, "rev-parse", "HEAD"), head);
  });

  it("refuses, writing nothing, when another environment's file claims the same state repo", async () => {
    const remote = bareRemote();
    for (const env of ["staging", "prod-eu"]) {
      const file = path.join(rootDir, `Pulumi.${env}.yaml`);
      const config = fs.readFileSync(file, "utf8").replace(/^(\s+url: ).*$/m, `$1${remote}`);
      fs.writeFileSync(file, config);
    }
    const before = snapshotTree(remote);
    assert.equal(
      await inputErrorOfAsync(() => hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { push: true }))),
      `Pulumi.prod-eu.yaml, Pulumi.staging.yaml: gitops-platform:platform.stateRepo.url: received "${remote}" (prod-eu), ` +
        `"${remote}" (staging); expected one state repo per environment (each environment is its own cluster with its own state repo)`,
    );
    assert.deepEqual(snapshotTree(remote), before);
  });

  it("refuses, writing nothing, an env file of an environment the project does not have", async () => {
    await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    const before = snapshotTree(repo);
    const message = await inputErrorOfAsync(() =>
      hydrate(options({ web: { "app.yaml": withTag("2.0.0"), "qa.yaml": { replicas: 2 } } })),
    );
    assert.match(
      message,
      /\/web\/qa\.yaml: env file of app web for the environment "qa", which has no Pulumi\.qa\.yaml; /,
    );
    assert.deepEqual(snapshotTree(repo), before);
  });

  it("refuses an unsuppressed mandatory guardrail violation before writing anything", async () => {
    await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    const before = snapshotTree(repo);
    const latest = options({ web: { "app.yaml": withTag("latest") } });
    const error = await hydrate(latest).then(
      () => assert.fail("expected hydrate to refuse"),
      (err: unknown) => err,
    );
    assert.ok(error instanceof PolicyViolationError && !(error instanceof InputError), "a failure: exit 1, not 2");
    assert.equal(
      error.message,
      "policy (staging): 1 mandatory violation:\n" +
        '  - k8s-image-pinned apps/web/deployment-web.yaml: container "web" image "ghcr.io/example/web:latest" has the latest tag. ' +
        "Fix: Pin the image to a release tag or a sha256 digest; bump it with the bump-image command.",
    );
    assert.deepEqual(snapshotTree(repo), before);

    const file = path.join(rootDir, "Pulumi.staging.yaml");
    const config = parseDocument(fs.readFileSync(file, "utf8"));
    const reason = "the vendor publishes only latest; pinned by digest in #42";
    config.setIn(
      ["config", "gitops-platform:guardrails", "suppressions"],
      [{ rule: "k8s-image-pinned", file: "apps/web/deployment-web.yaml", reason }],
    );
    fs.writeFileSync(file, config.toString());
    const result = await hydrate(latest);
    assert.deepEqual(result.modified, ["apps/web/deployment-web.yaml"]);
    assert.deepEqual(
      result.policy.suppressed.map((f) => [f.rule, "file" in f && f.file, f.reason]),
      [["k8s-image-pinned", "apps/web/deployment-web.yaml", reason]],
    );
  });

  it("refuses an app whose namespace the platform does not allow, before writing anything", async () => {
    await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    const before = snapshotTree(repo);
    const catalog = { web: { "app.yaml": withTag("2.0.0") }, billing: { "app.yaml": validBase() } };
    const expected =
      'app "billing" deploys to namespace "billing", which gitops-platform:platform.appNamespaces does not allow ' +
      '(it lists: demo, web, api, new, zzz); add "billing" to gitops-platform:platform.appNamespaces in Pulumi.staging.yaml';
    assert.equal(await inputErrorOfAsync(() => hydrate(options(catalog))), expected);
    assert.deepEqual(snapshotTree(repo), before);
    assert.throws(
      () => diffStateRepo("staging", repo, { rootDir, catalogDir: writeCatalog(runningIn("staging", catalog)) }),
      {
        message: expected,
      },
    );
  });

  it("refuses a working copy with uncommitted changes under apps/", async () => {
    const catalog = { web: { "app.yaml": withTag("1.0.0") } };
    await hydrate(options(catalog));
    const repo = path.join(rootDir, ".state", "staging");
    fs.appendFileSync(path.join(repo, "apps/web/service-web.yaml"), "# edited by hand\n");
    assert.equal(
      await inputErrorOfAsync(() => hydrate(options(catalog))),
      `state repo ${repo}: has uncommitted changes under apps/ (M apps/web/service-web.yaml); expected a clean working ` +
        "copy: commit or discard them first",
    );
  });

  it("refuses to push a checkout that has no origin, before writing anything", async () => {
    const repo = tempDir("no-origin");
    git(repo, "init", "--quiet", "--initial-branch=main");
    assert.equal(
      await inputErrorOfAsync(() =>
        hydrate(options({ web: { "app.yaml": withTag("1") } }, { stateRepo: repo, push: true })),
      ),
      `state repo ${repo}: has no remote named origin; expected one to push to (or pass --state-repo <url> instead)`,
    );
    assert.deepEqual(fs.readdirSync(repo), [".git"]);
  });

  it("never repeats a token given in a --state-repo URL in its error", async () => {
    const url = "https://x-access-token:ghp_NeverEchoed42@127.0.0.1:9/state.git";
    await assert.rejects(
      hydrate(options({ web: { "app.yaml": withTag("1") } }, { stateRepo: url, push: true })),
      (err: Error) => {
        assert.match(
          err.message,
          /^git ls-remote --heads https:\/\/\*\*\*@127\.0\.0\.1:9\/state\.git refs\/heads\/main failed/,
        );
        assert.ok(!err.message.includes("ghp_NeverEchoed42"), err.message);
        return true;
      },
    );
  });

  it("refuses a symbolic link under apps/, which could write outside the repo", async () => {
    const repo = tempDir("linked");
    git(repo, "init", "--quiet", "--initial-branch=main");
    const outside = tempDir("outside");
    fs.mkdirSync(path.join(repo, "apps"));
    fs.symlinkSync(outside, path.join(repo, "apps", "web"));
    git(repo, "add", "apps");
    git(repo, "commit", "--quiet", "-m", "a link out of the repo");
    assert.equal(
      await inputErrorOfAsync(() => hydrate(options({ web: { "app.yaml": withTag("1") } }, { stateRepo: repo }))),
      `state repo ${repo}: received a symbolic link at apps/web; expected plain files and directories under apps/`,
    );
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it("pushes to a bare remote, keeping the files hydration does not own", async () => {
    const remote = bareRemote();
    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: remote, push: true }));
    assert.deepEqual(
      { kind: result.kind, pushed: result.pushed, rebases: result.rebases },
      { kind: "remote", pushed: true, rebases: 0 },
    );
    assert.equal(git(remote, "rev-parse", "main").trim(), result.commit);
    assert.deepEqual(git(remote, "ls-tree", "-r", "--name-only", "main").trim().split("\n"), [
      "README.md",
      ...WEB_FILES,
      IDENTITY_FILE,
    ]);
    assert.deepEqual(sourceCommits(remote, "main"), ["1111111"]);
  });

  it("pushes to the environment's configured state repo and branch when no state repo is given", async () => {
    const remote = bareRemote();
    git(remote, "branch", "release", "main");
    const configFile = path.join(rootDir, "Pulumi.staging.yaml");
    const config = fs
      .readFileSync(configFile, "utf8")
      .replace("https://github.com/example-org/gitops-state-staging.git", `file://${remote}`)
      .replace("targetRevision: main", "targetRevision: release");
    fs.writeFileSync(configFile, config);
    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { push: true }));
    assert.deepEqual([result.stateRepo, result.branch, result.pushed], [`file://${remote}`, "release", true]);
    assert.equal(git(remote, "rev-parse", "release").trim(), result.commit);
    assert.equal(git(remote, "log", "-1", "--format=%s", "main").trim(), "initial");
  });

  it("treats a remote without --push as a dry run", async () => {
    const remote = bareRemote();
    const head = git(remote, "rev-parse", "main");
    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: remote }));
    assert.deepEqual(
      { changed: result.changed, commit: result.commit, added: result.added },
      { changed: true, commit: undefined, added: WEB_FILES },
    );
    assert.equal(git(remote, "rev-parse", "main"), head);
  });

  it("rebases onto a concurrent push and loses no commit", async () => {
    const remote = bareRemote();
    const mine = clone(remote);
    await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: mine }));
    const theirs = clone(remote);
    fs.writeFileSync(path.join(theirs, "CODEOWNERS"), "* @platform\n");
    git(theirs, "add", "CODEOWNERS");
    git(theirs, "commit", "--quiet", "-m", "their concurrent commit");
    git(theirs, "push", "--quiet", "origin", "main");

    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: mine, push: true }));
    assert.deepEqual([result.rebases, result.pushed, result.commit], [1, true, undefined]);
    assert.deepEqual(git(remote, "log", "--format=%s", "main").trim().split("\n"), [
      "hydrate staging: 3 added, 0 modified, 0 deleted",
      "their concurrent commit",
      "initial",
    ]);
    assert.deepEqual(git(remote, "ls-tree", "-r", "--name-only", "main").trim().split("\n"), [
      "CODEOWNERS",
      "README.md",
      ...WEB_FILES,
      IDENTITY_FILE,
    ]);
  });

  it("re-applies the render on top when a concurrent push changed the same files", async () => {
    const remote = bareRemote();
    await hydrate(
      options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: remote, push: true, sourceCommit: "aaaaaaa" }),
    );
    const mine = clone(remote);
    await hydrate(options({ web: { "app.yaml": withTag("3.0.0") } }, { stateRepo: mine, sourceCommit: "ccccccc" }));
    const theirs = clone(remote);
    await hydrate(
      options({ web: { "app.yaml": withTag("2.0.0") } }, { stateRepo: theirs, push: true, sourceCommit: "bbbbbbb" }),
    );

    const result = await hydrate(
      options({ web: { "app.yaml": withTag("3.0.0") } }, { stateRepo: mine, push: true, sourceCommit: "ccccccc" }),
    );
    assert.equal(result.rebases, 1);
    assert.deepEqual(sourceCommits(remote, "main"), ["ccccccc", "bbbbbbb", "aaaaaaa"]);
    assert.equal(git(remote, "rev-parse", "main").trim(), result.commit);
    assert.match(git(remote, "show", "main:apps/web/deployment-web.yaml"), /image: ghcr.io\/example\/web:3\.0\.0/);
  });

  it("lands both of two hydrations racing to one remote", async () => {
    const remote = bareRemote();
    const [first, second] = await Promise.all([
      hydrate(
        options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: remote, push: true, sourceCommit: "aaaaaaa" }),
      ),
      hydrate(
        options({ web: { "app.yaml": withTag("2.0.0") } }, { stateRepo: remote, push: true, sourceCommit: "bbbbbbb" }),
      ),
    ]);
    assert.ok(first.pushed && second.pushed);
    assert.deepEqual(sourceCommits(remote, "main").sort(), ["aaaaaaa", "bbbbbbb"]);
  });

  it("diffs a working copy against the render, per app and file", async () => {
    await hydrate(options({ api: { "app.yaml": validBase() }, web: { "app.yaml": withTag("1.0.0") } }));
    const repo = path.join(rootDir, ".state", "staging");
    const catalogDir = writeCatalog(
      runningIn("staging", { web: { "app.yaml": withTag("1.0.1") }, new: { "app.yaml": validBase() } }),
    );
    const diff = diffStateRepo("staging", repo, { rootDir, catalogDir });
    assert.equal(diff.hasChanges, true);
    assert.deepEqual(
      diff.apps.map((a) => [a.app, a.files.map((f) => [f.path, f.status])]),
      [
        [
          "api",
          [
            ["apps/api/deployment-api.yaml", "deleted"],
            ["apps/api/service-api.yaml", "deleted"],
            ["apps/api/serviceaccount-api.yaml", "deleted"],
          ],
        ],
        [
          "new",
          [
            ["apps/new/deployment-new.yaml", "added"],
            ["apps/new/service-new.yaml", "added"],
            ["apps/new/serviceaccount-new.yaml", "added"],
          ],
        ],
        ["web", [["apps/web/deployment-web.yaml", "modified"]]],
      ],
    );
    const modified = diff.apps[2].files[0].diff;
    assert.match(modified, /^--- a\/apps\/web\/deployment-web.yaml\n\+\+\+ b\/apps\/web\/deployment-web.yaml\n@@ /);
    assert.match(
      modified,
      /\n- {8}- image: ghcr.io\/example\/web:1\.0\.0\n\+ {8}- image: ghcr.io\/example\/web:1\.0\.1\n/,
    );
    assert.match(diff.apps[0].files[0].diff, /^--- a\/apps\/api\/deployment-api.yaml\n\+\+\+ \/dev\/null\n/);
  });

  it("records the repo's environment and cluster, and refuses another environment's hydration unless forced", async () => {
    const remote = bareRemote();
    const catalog = { web: { "app.yaml": withTag("1.0.0") } };
    await hydrate(options(catalog, { stateRepo: remote, push: true }));
    assert.equal(
      git(remote, "show", `main:${IDENTITY_FILE}`),
      "# Written by gitops-platform's hydrate: the environment and cluster this state repo belongs to.\n" +
        "# Hydrating another environment here is refused (hydrate --force takes the repo over).\n" +
        "environment: staging\ncluster: gitops-staging\n",
    );
    const head = git(remote, "rev-parse", "main");

    const production = options(catalog, { env: "production", stateRepo: remote, push: true });
    assert.equal(
      await inputErrorOfAsync(() => hydrate(production)),
      `state repo ${remote}: belongs to environment staging (cluster gitops-staging), as its ${IDENTITY_FILE} ` +
        "records; received environment production (cluster gitops-production); expected the production state repo " +
        "(gitops-platform:platform.stateRepo.url in Pulumi.production.yaml), or --force to make this repo production's",
    );
    assert.equal(git(remote, "rev-parse", "main"), head, "nothing was pushed");
    const checkout = clone(remote);
    assert.throws(() => diffStateRepo("production", checkout, { rootDir, catalogDir: production.catalogDir }), {
      name: "InputError",
      message: /^state repo \S+: belongs to environment staging \(cluster gitops-staging\)/,
    });

    const forced = await hydrate({ ...production, force: true });
    assert.equal(forced.identity, "taken-over");
    assert.match(
      git(remote, "show", `main:${IDENTITY_FILE}`),
      /^environment: production\ncluster: gitops-production$/m,
    );
  });

  it("starts the configured branch in a new repository, whatever git's default branch is", async () => {
    const repo = tempDir("fresh");
    git(repo, "-c", "init.defaultBranch=master", "init", "--quiet");
    const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: repo }));
    assert.equal(result.branch, "main");
    assert.equal(git(repo, "symbolic-ref", "HEAD").trim(), "refs/heads/main");
    assert.equal(git(repo, "rev-parse", "main").trim(), result.commit);
    assert.equal(git(repo, "branch", "--list", "master").trim(), "", "no commit landed on git's default branch");
  });

  it("refuses a checkout whose history is on another branch than the one Argo CD syncs, with the command to fix it", async () => {
    const repo = tempDir("other-branch");
    git(repo, "init", "--quiet", "--initial-branch=master");
    fs.writeFileSync(path.join(repo, "README.md"), "# state\n");
    git(repo, "add", "README.md");
    git(repo, "commit", "--quiet", "-m", "initial");
    assert.equal(
      await inputErrorOfAsync(() => hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }, { stateRepo: repo }))),
      `state repo ${repo}: received a checkout of branch master; expected main, the branch Argo CD syncs ` +
        `(gitops-platform:platform.stateRepo.targetRevision in Pulumi.staging.yaml): run git -C ${repo} switch -c main`,
    );
    assert.deepEqual(fs.readdirSync(repo).sort(), [".git", "README.md"]);
  });

  describe("the hydrate command", () => {
    it("hydrates the shipped catalog into a checkout and shows what it wrote", async () => {
      const repo = tempDir("checkout");
      git(repo, "init", "--quiet", "--initial-branch=main");
      const first = await runCli(["hydrate", "--env", "staging", "--state-repo", repo, "--source-commit", "abc"], {
        NO_COLOR: "1",
      });
      assert.equal(first.code, 0, first.stderr);
      const lines = first.stdout.trim().split("\n");
      assert.match(lines[0], /^hydrate staging -> .* \(branch main, working-copy\)$/);
      assert.deepEqual(lines.slice(1, -1), [
        "  + apps/demo/cronjob-demo-smoke-test.yaml",
        "  + apps/demo/deployment-demo.yaml",
        "  + apps/demo/ingress-demo.yaml",
        "  + apps/demo/networkpolicy-demo.yaml",
        "  + apps/demo/service-demo.yaml",
        "  + apps/demo/serviceaccount-demo.yaml",
        "  + apps/demo/servicemonitor-demo.yaml",
        `  ${IDENTITY_FILE} records: environment staging`,
      ]);
      assert.match(
        lines[lines.length - 1],
        /^7 added, 0 modified, 0 deleted; committed [0-9a-f]{12} \(Source-Commit: abc\)$/,
      );

      const again = await runCli(["hydrate", "--env", "staging", "--state-repo", repo, "--json"]);
      assert.equal(again.code, 0, again.stderr);
      const json = JSON.parse(again.stdout) as { changed: boolean; commit?: string };
      assert.deepEqual([json.changed, json.commit], [false, undefined]);
    });

    it("ends the local try-out (npm start) with the next steps, as a checkout runs the CLI", async () => {
      const result = await hydrate(options({ web: { "app.yaml": withTag("1.0.0") } }));
      const text = renderHydrateResult(result, painter(false));
      assert.deepEqual(text.split("\n").slice(-4), [
        "Next:",
        "  npm run --silent cli -- new app <name>                # add an app to the catalog, then hydrate again",
        "  npm run --silent cli -- synth --env staging --policy  # the guardrails' verdict on every layer, offline",
        "  npm run --silent cli -- doctor --env staging          # what deploying needs, and what is missing",
      ]);
    });

    it("exits 2 on a state repo that is neither a URL, a bare repo nor a checkout", async () => {
      const dir = tempDir("plain");
      const result = await runCli(["hydrate", "--env", "staging", "--state-repo", dir]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        /error: --state-repo: received .*, which is not the top of a git checkout; expected a git URL, a bare repository or a checkout/,
      );
    });
  });
});
