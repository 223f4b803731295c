import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PromoteCommandOptions, PromoteDeps, runPromoteCommand } from "../../automation/commands/promote";
import { ExitCode } from "../../automation/exit-codes";
import { releaseValuesOf } from "./support/config-variants";
import { synthObjects } from "./support/emitted";
import { applicationRef, GitopsLoop, isSyncedAt } from "./support/gitops-loop";
import { controlPlane } from "./support/hooks";
import { binary } from "./support/process";

/**
 * `promote` against a real Argo CD: the synced, healthy and soak gates read what the application
 * controller wrote to the staging Application, and the digest comes from the state repo at the
 * commit it runs. The soak is judged against a clock the test moves past the real `finishedAt`.
 */

const ENV = "staging";
const DEMO = "demo";
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const BRANCH = `promote/${DEMO}/production-${DIGEST.slice(7, 19)}`;
const OPTIONS: PromoteCommandOptions = { app: DEMO, from: ENV, to: "production", remote: "origin" };

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
}

describe(`promote with a real Argo CD (${ENV} -> production)`, function () {
  let loop: GitopsLoop;
  let head: string;

  before(async function () {
    const { plane, api } = controlPlane();
    loop = await GitopsLoop.start(ENV, plane, api, (platform) => releaseValuesOf(platform, "argo-cd"));
    await loop.bumpImage(DEMO, DIGEST);
    head = await loop.hydrate();
    const gitops = (await synthObjects(ENV, loop.config)).filter((e) => e.source.startsWith(`gitops-${ENV} `));
    for (const { object } of gitops) await loop.api.apply(object);
    await loop.waitForApplication(DEMO, `Synced and Healthy at ${head}`, (a) => isSyncedAt(a, head));
  });

  after(async function () {
    await loop?.stop();
  });

  /** promote in the loop's project clone, reading the harness's Argo CD, the clock `minutes` after the sync finished. */
  async function promoteAt(minutes: number): Promise<{ code: number; out: string }> {
    const app = await loop.application(DEMO);
    const finishedAt = Date.parse(app?.status?.operationState?.finishedAt ?? "");
    assert.ok(Number.isFinite(finishedAt), "Argo CD recorded when the sync finished");
    const out: string[] = [];
    const deps: PromoteDeps = {
      rootDir: loop.projectDir,
      checks: {
        rootDir: loop.projectDir,
        env: {},
        home: loop.workDir,
        which: (tool) => (tool === "kubectl" ? binary("kubectl") : undefined),
        run: () => Promise.reject(new Error("promote runs no program through the checks")),
      },
      env: {},
      write: (text) => out.push(text),
      log: () => undefined,
      now: () => new Date(finishedAt + minutes * 60_000),
    };
    const code = await runPromoteCommand({ ...OPTIONS, kubeconfig: loop.plane.kubeconfig }, deps);
    return { code, out: out.join("") };
  }

  it("holds a Synced and Healthy app back until it has soaked (exit 3, no branch)", async function () {
    const { code, out } = await promoteAt(5);
    assert.equal(code, ExitCode.Changes, out);
    assert.match(out, /synced +passed +Synced at [0-9a-f]{12}, last operation Succeeded/);
    assert.match(out, /healthy +passed +Healthy/);
    assert.match(out, /soak +FAILED +5m since the sync finished/);
    assert.equal(git(loop.projectDir, "branch", "--list", "promote/*"), "");
  });

  it("promotes the digest staging runs once soaked: production's file on its branch, the diff printed", async function () {
    const { code, out } = await promoteAt(31);
    assert.equal(code, ExitCode.Ok, out);
    assert.match(
      out,
      new RegExp(
        `image ghcr\\.io/stefanprodan/podinfo@${DIGEST} \\(apps/demo/deployment-demo\\.yaml at ${head.slice(0, 12)}\\)`,
      ),
    );
    const production = git(
      loop.projectDir,
      "show",
      `${BRANCH}:${path.join("gitops", "apps", DEMO, "production.yaml")}`,
    );
    assert.match(production, new RegExp(`^  tag: "${DIGEST}"$`, "m"));
    assert.match(out, new RegExp(`^\\+\\s+image: ghcr\\.io/stefanprodan/podinfo@${DIGEST}$`, "m"));
    git(loop.projectDir, "branch", "--quiet", "-D", BRANCH);
  });

  it("holds back an OutOfSync app, read from the live Application", async function () {
    await loop.api.patchMerge(applicationRef(DEMO), { spec: { syncPolicy: { automated: { selfHeal: false } } } });
    try {
      await loop.kubectl("scale", "deployment", DEMO, "-n", DEMO, "--replicas=3");
      await loop.waitForApplication(DEMO, "OutOfSync", (a) => a?.status?.sync?.status === "OutOfSync");
      const { code, out } = await promoteAt(31);
      assert.equal(code, ExitCode.Changes, out);
      assert.match(out, /synced +FAILED +OutOfSync at [0-9a-f]{12}; needed Synced/);
      assert.equal(git(loop.projectDir, "branch", "--list", "promote/*"), "");
    } finally {
      await loop.api.patchMerge(applicationRef(DEMO), { spec: { syncPolicy: { automated: { selfHeal: true } } } });
      await loop.waitForApplication(DEMO, "Synced again", (a) => isSyncedAt(a, head));
    }
  });
});
