import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hydrate, HydrateOptions } from "../gitops/hydrate";
import { renderEnvironment } from "../gitops/render/environment";
import { JOURNAL_FILE } from "../gitops/state-repo/atomic-commit";
import { removeAbandonedClones } from "../gitops/state-repo/target";
import {
  bareRemote,
  git,
  inputErrorOfAsync,
  projectRoot,
  removeTempDirs,
  tempDir,
  validBase,
  withoutTempDir,
  runningIn,
  writeCatalog,
} from "./support/gitops";

/** The project's TypeScript loader (ts-node, with the transpile cache), as the CLI starts. */
const REGISTER = path.join(__dirname, "..", "scripts", "register.js");

/** `count` apps `app-0`…, each with image tag `tag`: enough files that a kill lands inside a hydration. */
function catalogOf(count: number, tag: string): Record<string, Record<string, unknown>> {
  const base = { ...validBase(), image: { repository: "ghcr.io/example/web", tag } };
  return runningIn(
    "staging",
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`app-${i}`, { "app.yaml": base }])),
  );
}

/** The files under apps/ of a commit, path to content. */
function appsAt(repo: string, commit: string): Map<string, string> {
  const files = git(repo, "ls-tree", "-r", "--name-only", commit, "--", "apps").trim().split("\n").filter(Boolean);
  return new Map(files.map((f) => [f, git(repo, "show", `${commit}:${f}`)]));
}

/** A checkout with one hydration committed. */
async function hydratedCheckout(
  options: (stateRepo: string, catalogDir: string) => HydrateOptions,
  catalogDir: string,
) {
  const repo = tempDir("checkout");
  git(repo, "init", "--quiet", "--initial-branch=main");
  await hydrate(options(repo, catalogDir));
  return repo;
}

describe("gitops hydration survives a kill (real git, real processes)", () => {
  after(removeTempDirs);

  let rootDir: string;
  const options = (stateRepo: string, catalogDir: string): HydrateOptions => ({
    env: "staging",
    push: false,
    rootDir,
    catalogDir,
    stateRepo,
    sourceCommit: "kill-test",
  });
  beforeEach(() => {
    rootDir = projectRoot(["app-*"]);
  });

  /**
   * Starts a hydration in its own process group and kills the group (node and its git processes)
   * with SIGKILL as soon as `marker` appears in the git dir; resolves whether the kill landed.
   */
  function hydrateAndKill(repo: string, catalogDir: string, marker: string): Promise<boolean> {
    const child = spawn(
      process.execPath,
      ["-r", REGISTER, path.join(__dirname, "support", "hydrate-child.ts"), rootDir, catalogDir, repo],
      { detached: true, stdio: "ignore" },
    );
    const watched = path.join(repo, ".git", marker);
    return new Promise((resolve) => {
      let killed = false;
      const timer = setInterval(() => {
        if (!killed && fs.existsSync(watched) && child.pid) {
          killed = true;
          process.kill(-child.pid, "SIGKILL");
        }
      }, 1);
      child.on("exit", () => {
        clearInterval(timer);
        resolve(killed);
      });
    });
  }

  for (const [when, marker] of [
    ["while it builds the commit", "gitops-platform-index"],
    ["between moving the branch and writing apps/", JOURNAL_FILE],
  ]) {
    it(`leaves HEAD at the old or the new commit when killed ${when}, and a rerun succeeds without cleanup`, async () => {
      const first = writeCatalog(catalogOf(60, "1.0.0"));
      const repo = await hydratedCheckout(options, first);
      const before = git(repo, "rev-parse", "HEAD").trim();
      const second = writeCatalog(catalogOf(60, "2.0.0"));
      const render = renderEnvironment("staging", { catalogDir: second });

      assert.equal(await hydrateAndKill(repo, second, marker), true, "the kill landed inside the hydration");
      const head = git(repo, "rev-parse", "HEAD").trim();
      if (head !== before) assert.deepEqual(appsAt(repo, head), render, "a moved branch holds the whole render");

      const rerun = await hydrate(options(repo, second));
      assert.deepEqual(appsAt(repo, "HEAD"), render);
      assert.equal(git(repo, "status", "--porcelain"), "", "index and apps/ match HEAD");
      assert.equal(fs.existsSync(path.join(repo, ".git", JOURNAL_FILE)), false);
      assert.equal(git(repo, "rev-list", "--count", "HEAD").trim(), "2", `one commit for the render (${rerun.commit})`);
    });
  }

  it("finishes an interrupted hydration left with a stale index.lock and half-written apps/", async () => {
    const first = writeCatalog(catalogOf(3, "1.0.0"));
    const repo = await hydratedCheckout(options, first);
    const second = writeCatalog(catalogOf(3, "2.0.0"));
    // What a kill leaves: the branch on the new commit (made in a clone), the journal, git's lock,
    // one file written, one stray file.
    const ahead = tempDir("ahead");
    git(ahead, "clone", "--quiet", repo, ".");
    await hydrate(options(ahead, second));
    git(repo, "fetch", "--quiet", ahead, "main");
    git(repo, "update-ref", "HEAD", "FETCH_HEAD");
    fs.writeFileSync(path.join(repo, ".git", JOURNAL_FILE), "interrupted\n");
    fs.writeFileSync(path.join(repo, ".git", "index.lock"), "");
    fs.copyFileSync(
      path.join(ahead, "apps/app-0/deployment-app-0.yaml"),
      path.join(repo, "apps/app-0/deployment-app-0.yaml"),
    );
    fs.writeFileSync(path.join(repo, "apps/app-1/stray.yaml"), "half: written\n");

    const result = await hydrate(options(repo, second));
    assert.equal(result.changed, false, "the branch already holds this render");
    assert.deepEqual(appsAt(repo, "HEAD"), renderEnvironment("staging", { catalogDir: second }));
    assert.equal(git(repo, "status", "--porcelain"), "");
    assert.equal(fs.existsSync(path.join(repo, "apps/app-1/stray.yaml")), false);
  });

  it("still refuses a checkout whose apps/ someone edited, when no hydration was interrupted", async () => {
    const catalog = writeCatalog(catalogOf(1, "1.0.0"));
    const repo = await hydratedCheckout(options, catalog);
    fs.writeFileSync(path.join(repo, "apps/app-0/deployment-app-0.yaml"), "edited: by hand\n");
    const message = await inputErrorOfAsync(() => hydrate(options(repo, catalog)));
    assert.match(
      withoutTempDir(message),
      /^state repo <dir>: has uncommitted changes under apps\/ \(M apps\/app-0\/deployment-app-0\.yaml\)/,
    );
  });

  it("never commits two Service ports with one number: refused before writing, naming the file and key", async () => {
    const repo = tempDir("checkout");
    git(repo, "init", "--quiet", "--initial-branch=main");
    const ports = [
      { name: "http", containerPort: 8080 },
      { name: "admin", containerPort: 9090, servicePort: 8080 },
    ];
    const catalogDir = writeCatalog(runningIn("staging", { "app-0": { "app.yaml": { ...validBase(), ports } } }));
    const message = await inputErrorOfAsync(() => hydrate(options(repo, catalogDir)));
    assert.equal(
      withoutTempDir(message),
      "<dir>/app-0/app.yaml: app-0.ports[1].servicePort: received 8080; expected a Service port no other TCP port of the app uses (servicePort, or containerPort without one)",
    );
    assert.equal(spawnSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: repo }).status, 128, "no commit");
    assert.equal(fs.existsSync(path.join(repo, "apps")), false);
  });

  describe("temporary clones of killed runs", () => {
    it("removes the clones of processes that are gone, and only those", () => {
      const tmp = tempDir("tmp");
      const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
        encoding: "utf8",
      }).stdout;
      const names = [
        `gitops-platform-state-${gone}-AbC123`,
        `gitops-platform-state-${process.pid}-XyZ789`,
        "gitops-platform-state-q1w2e3",
        "unrelated",
      ];
      for (const name of names) fs.mkdirSync(path.join(tmp, name));
      assert.deepEqual(removeAbandonedClones(tmp), [`gitops-platform-state-${gone}-AbC123`]);
      assert.deepEqual(fs.readdirSync(tmp).sort(), names.slice(1).sort());
    });

    it("a push run cleans up the clone a killed push run left", async () => {
      const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
        encoding: "utf8",
      }).stdout;
      const abandoned = path.join(os.tmpdir(), `gitops-platform-state-${gone}-KiLLed`);
      fs.mkdirSync(path.join(abandoned, "apps"), { recursive: true });
      await hydrate({ ...options(bareRemote(), writeCatalog(catalogOf(1, "1.0.0"))), push: true });
      assert.equal(fs.existsSync(abandoned), false);
    });
  });
});
