import * as assert from "node:assert/strict";
import { CiPlan, planCi } from "../automation/ci";
import { InputError } from "../config";
import { runCli } from "./support/cli";

describe("ci: what a GitHub Actions run does", () => {
  const cases: [
    string,
    Record<string, string>,
    { action: CiPlan["action"]; reason: RegExp; env?: string; envs?: string[] },
  ][] = [
    [
      "a pull request previews both environments in one comment",
      { GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" },
      { action: "preview", envs: ["staging", "production"], reason: /one preview comment/ },
    ],
    [
      "a push to main deploys staging",
      { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" },
      { action: "up", env: "staging", reason: /a push to main deploys staging/ },
    ],
    [
      "a v* tag deploys production",
      { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v1.4.0" },
      { action: "up", env: "production", reason: /the tag v1\.4\.0 deploys production/ },
    ],
    [
      "a manual run on main deploys staging",
      { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_REF: "refs/heads/main" },
      { action: "up", env: "staging", reason: /deploys staging/ },
    ],
    [
      "a manual run on a v* tag deploys production",
      { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_REF: "refs/tags/v2.0.0-rc.1" },
      { action: "up", env: "production", reason: /v2\.0\.0-rc\.1/ },
    ],
    [
      "a schedule checks drift in both environments",
      { GITHUB_EVENT_NAME: "schedule", GITHUB_REF: "refs/heads/main" },
      { action: "drift", envs: ["staging", "production"], reason: /drift/ },
    ],
    [
      "a push to another branch does nothing",
      { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/feature/x" },
      { action: "nothing", reason: /refs\/heads\/feature\/x is neither main nor a v\* tag/ },
    ],
    [
      "a tag that is not v* does nothing",
      { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/nightly" },
      { action: "nothing", reason: /the tag nightly is not a release tag/ },
    ],
    [
      "pull_request_target does nothing: it would run a fork's code with secrets",
      { GITHUB_EVENT_NAME: "pull_request_target", GITHUB_REF: "refs/heads/main" },
      { action: "nothing", reason: /pull_request_target is not supported/ },
    ],
    [
      "any other event does nothing",
      { GITHUB_EVENT_NAME: "release", GITHUB_REF: "refs/tags/v1.0.0" },
      { action: "nothing", reason: /the release event has nothing to deploy/ },
    ],
  ];
  for (const [what, env, expected] of cases) {
    it(what, () => {
      const { reason, ...plan } = planCi(env);
      const { reason: expectedReason, ...expectedPlan } = expected;
      assert.deepEqual(plan, expectedPlan);
      assert.match(reason, expectedReason);
    });
  }

  it("refuses to guess outside GitHub Actions", () => {
    assert.throws(
      () => planCi({}),
      (err: Error) => err instanceof InputError && /GITHUB_EVENT_NAME: received nothing/.test(err.message),
    );
  });

  it("prints its plan with --plan-only, and exits 2 outside GitHub Actions", async () => {
    const tag = await runCli(["ci", "--plan-only"], { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v3.1.0" });
    assert.equal(tag.code, 0, tag.stderr);
    assert.deepEqual(JSON.parse(tag.stdout), {
      action: "up",
      env: "production",
      reason: "the tag v3.1.0 deploys production",
    });
    assert.match(tag.stderr, /^ci: up: the tag v3\.1\.0 deploys production$/m);

    const outside = await runCli(["ci"], { GITHUB_EVENT_NAME: undefined });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /error: ci: GITHUB_EVENT_NAME: received nothing; expected a GitHub Actions run/);
  });
});
