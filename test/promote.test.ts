import * as assert from "node:assert/strict";
import { InputError } from "../config";
import { PromoteCommandOptions, runPromoteCommand } from "../automation/commands/promote";
import { ExitCode } from "../automation/exit-codes";
import { runCli } from "./support/cli";
import { git } from "./support/project-copy";
import { BRANCH, DEMO, minutesAfterSync, PromotionProject, SHORT, STAGED_DIGEST } from "./support/promotion";

describe("promote (a checkout, staging's state repo on disk, recorded Application objects)", () => {
  let project: PromotionProject;
  beforeEach(async () => {
    project = await PromotionProject.create();
  });
  afterEach(() => project.remove());

  /** Runs promote; returns the exit code and what it printed. */
  async function run(options: Partial<PromoteCommandOptions>, minutes = 31): Promise<{ code: number; out: string }> {
    const out: string[] = [];
    const code = await runPromoteCommand({ ...DEMO, ...options }, project.deps(minutesAfterSync(minutes), out));
    return { code, out: out.join("") };
  }

  /** What promote must leave alone whatever happens: the checkout's branch, files and index. */
  function checkoutState(): string {
    return [git(project.dir, "rev-parse", "HEAD"), git(project.dir, "status", "--porcelain"), project.branches()].join(
      "|",
    );
  }

  it("commits staging's digest of demo into production's file on promote/demo/production-<digest>, comments kept", async () => {
    const before = checkoutState();
    const production = project.envFile("production");

    const { code, out } = await run({});

    assert.equal(code, ExitCode.Ok);
    assert.equal(checkoutState().split("|").slice(0, 2).join("|"), before.split("|").slice(0, 2).join("|"));
    assert.deepEqual(project.branches(), ["main", BRANCH]);
    const promoted = git(project.dir, "show", `${BRANCH}:gitops/apps/demo/production.yaml`);
    assert.equal(promoted, production.replace('tag: "6.7.0"', `tag: "${STAGED_DIGEST}"`));
    assert.equal(git(project.dir, "rev-parse", `${BRANCH}^`).trim(), git(project.dir, "rev-parse", "main").trim());
    assert.deepEqual(git(project.dir, "diff", "--name-only", "main", BRANCH).split("\n").filter(Boolean), [
      "gitops/apps/demo/production.yaml",
    ]);
    const message = git(project.dir, "log", "-1", "--format=%B", BRANCH);
    assert.match(message, new RegExp(`^promote demo to production: ${SHORT}\n`));
    assert.match(message, /gates: synced passed, healthy passed, soak passed/);
    assert.match(message, new RegExp(`state repo ${project.stateHead("staging").slice(0, 12)}`));
    assert.match(message, /\nPromoted-From: staging\n+$/);

    assert.match(out, /^demo {2}promoted$/m);
    assert.match(out, new RegExp(`gitops/apps/demo/production.yaml: image.tag 6.7.0 -> ${STAGED_DIGEST}`));
    assert.match(out, /soak +passed +31m since the sync finished \(2026-11-24T09:12:41Z\)/);
    assert.match(out, new RegExp(`^branch ${BRANCH.replace(/\//g, "\\/")} \\(commit [0-9a-f]{12}\\)$`, "m"));
    assert.match(out, /^-\s+image: ghcr\.io\/stefanprodan\/podinfo:6\.7\.0$/m);
    assert.match(out, new RegExp(`^\\+\\s+image: ghcr\\.io/stefanprodan/podinfo@${STAGED_DIGEST}$`, "m"));
    assert.deepEqual(project.kubectlCalls, [
      { context: "staging", args: ["get", "applications.argoproj.io", "-n", "argocd", "-o", "json"] },
    ]);
  });

  it("holds back (exit 3) while staging has not soaked, naming the gate, what it saw and what it needs; writes nothing", async () => {
    const before = checkoutState();
    const { code, out } = await run({}, 12);
    assert.equal(code, ExitCode.Changes);
    assert.equal(checkoutState(), before);
    assert.match(out, /^demo {2}held$/m);
    assert.match(
      out,
      /soak +FAILED +12m since the sync finished \(2026-11-24T09:12:41Z\); needed at least 30m since the sync that deployed it finished/,
    );
    assert.match(out, /^nothing committed$/m);
  });

  it("holds back (exit 3) while staging's Application is Degraded or OutOfSync", async () => {
    const before = checkoutState();
    const status = project.demo.status as NonNullable<typeof project.demo.status>;
    status.health = { status: "Degraded", message: "Deployment demo has 0/1 ready replicas" };
    let result = await run({});
    assert.equal(result.code, ExitCode.Changes);
    assert.match(result.out, /healthy +FAILED +Degraded: Deployment demo has 0\/1 ready replicas; needed Healthy/);

    status.health = { status: "Healthy", lastTransitionTime: "2026-11-24T09:12:41Z" };
    status.sync = { ...status.sync, status: "OutOfSync" };
    result = await run({});
    assert.equal(result.code, ExitCode.Changes);
    assert.match(
      result.out,
      new RegExp(`synced +FAILED +OutOfSync at ${project.stateHead("staging").slice(0, 12)}; needed Synced`),
    );
    assert.equal(checkoutState(), before);
  });

  it("is a no-op (exit 0, no branch) when production already runs staging's digest", async () => {
    project.editCatalog("production", (text) => text.replace('tag: "6.7.0"', `tag: "${STAGED_DIGEST}"`));
    project.commitAll("production at staging's digest");
    const before = checkoutState();
    const { code, out } = await run({});
    assert.equal(code, ExitCode.Ok);
    assert.equal(checkoutState(), before);
    assert.match(out, /^demo {2}unchanged$/m);
    assert.match(out, /^nothing to promote: production already runs what staging runs$/m);

    const early = await run({}, 12);
    assert.equal(early.code, ExitCode.Ok, "not soaked yet, and nothing to promote either: not a 'not yet'");
    assert.match(early.out, /^demo {2}unchanged$/m);
    assert.equal(checkoutState(), before);
  });

  it("skips a gate only with a reason, and writes the reason in the commit", async () => {
    await assert.rejects(
      run({ skipGate: ["soak"] }, 12),
      new InputError(
        'promote --skip-gate soak: received no --reason; expected why it is skipped, such as --reason "INC-42 hotfix"',
      ),
    );
    await assert.rejects(
      run({ skipGate: ["guardrails"], reason: "x" }),
      new InputError(
        'promote --skip-gate: received "guardrails" (hydration refuses what it refuses); expected one of synced, healthy, soak',
      ),
    );
    assert.deepEqual(project.branches(), ["main"]);

    const { code, out } = await run({ skipGate: ["soak"], reason: "INC-42 hotfix" }, 12);
    assert.equal(code, ExitCode.Ok);
    assert.match(out, /soak +skipped +12m since the sync finished \(2026-11-24T09:12:41Z\) \(reason: INC-42 hotfix\)/);
    assert.match(git(project.dir, "log", "-1", "--format=%B", BRANCH), /\nSkipped gate soak: INC-42 hotfix\n/);
  });

  it("refuses a source that runs a tag: only a digest names the image that ran", async () => {
    const tagged = await PromotionProject.create({ stagingTag: "6.7.1" });
    try {
      const out: string[] = [];
      await assert.rejects(
        runPromoteCommand(DEMO, tagged.deps(minutesAfterSync(31), out)),
        (err: Error) =>
          err instanceof InputError &&
          err.message.includes(
            'the demo container runs "ghcr.io/stefanprodan/podinfo:6.7.1", a tag; expected a digest (repository@sha256:…)',
          ) &&
          err.message.includes("bump-image --app demo --env staging --tag sha256:<digest>"),
      );
      assert.deepEqual(tagged.branches(), ["main"]);
    } finally {
      tagged.remove();
    }
  });
});

describe("promote's bad input, through the CLI (exit 2, nothing written)", () => {
  let project: PromotionProject;
  before(async () => {
    project = await PromotionProject.create();
  });
  after(() => project.remove());

  const skipAll = ["--skip-gate", "synced", "--skip-gate", "healthy", "--skip-gate", "soak", "--reason", "test"];

  for (const [what, args, message] of [
    [
      "a target that does not promote from the source",
      ["--app", "demo", "--from", "staging", "--to", "dev"],
      /promote --to: received "dev", which promotes from nothing \(gitops-platform:promotesFrom in .*Pulumi\.dev\.yaml\); expected an environment that promotes from staging: prod-eu, production/,
    ],
    [
      "an unknown app",
      ["--app", "shop", "--from", "staging", "--to", "production"],
      /promote --app: received "shop"; expected an app of the catalog \(gitops\/apps\/<app>\/app\.yaml\): demo/,
    ],
    [
      "an unknown environment",
      ["--app", "demo", "--from", "stage", "--to", "production"],
      /environment "stage": no Pulumi\.stage\.yaml in .*; expected one of the environments: dev, prod-eu, production, staging/,
    ],
    [
      "neither --app nor --all",
      ["--from", "staging", "--to", "production"],
      /promote: received neither --app nor --all; expected --app <app> or --all/,
    ],
  ] as const) {
    it(`refuses ${what}`, async () => {
      const result = await runCli(["promote", ...args, ...skipAll, "--repo", project.dir]);
      assert.equal(result.code, ExitCode.BadInput, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, "");
      assert.deepEqual(project.branches(), ["main"]);
    });
  }

  it("refuses a source never hydrated", async () => {
    const never = await PromotionProject.create({ hydrated: false });
    try {
      const skipped = { ...DEMO, skipGate: ["synced", "healthy", "soak"], reason: "test" };
      await assert.rejects(
        runPromoteCommand(skipped, never.deps(minutesAfterSync(31), [])),
        new InputError(
          `staging: app demo was never hydrated: the state repo ${never.stateRepo("staging")} has no commit; ` +
            "expected a hydration of staging (hydrate --env staging --push; up runs it)",
        ),
      );
      assert.deepEqual(never.branches(), ["main"]);
    } finally {
      never.remove();
    }
  });

  it("refuses a target file that does not parse, naming it", async () => {
    project.editCatalog("production", (text) => `${text}image: [\n`);
    project.commitAll("a broken production file");
    const out: string[] = [];
    await assert.rejects(
      runPromoteCommand(DEMO, project.deps(minutesAfterSync(31), out)),
      (err: Error) => err instanceof InputError && /gitops\/apps\/demo\/production\.yaml/.test(err.message),
    );
    assert.deepEqual(project.branches(), ["main"]);
    git(project.dir, "reset", "--quiet", "--hard", "HEAD^");
  });
});
