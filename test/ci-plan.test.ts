import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CI_RULES, CiPlan, ciRuleFor, planCi, promotionEdges, renderCiHelp, renderCiTable } from "../automation/ci";
import { REPO_ROOT } from "../automation/synth/synth";
import { InputError } from "../config";
import { Fleet, loadFleet } from "../environments";
import { runCli } from "./support/cli";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A fleet as data, without files: what planCi decides from. */
function fleetOf(environments: [string, "production" | "staging" | "development", string[]][]): Fleet {
  return {
    rootDir: "/nowhere",
    environments: environments.map(([name, tier, promotesFrom]) => ({
      name,
      file: `Pulumi.${name}.yaml`,
      tier,
      promotesFrom,
    })),
  };
}

describe("ci: what a GitHub Actions run does", () => {
  const shipped = loadFleet(REPO_ROOT);

  describe("every row of the decision table, with the shipped fleet (dev -> staging -> production, prod-eu)", () => {
    // The plan each row's example gets, in the order of CI_RULES; undefined: ci refuses with exit 2.
    const expected: (DistributiveOmit<CiPlan, "reason"> | undefined)[] = [
      undefined,
      { action: "preview", envs: ["dev", "prod-eu", "production", "staging"] },
      { action: "nothing" },
      { action: "up", waves: [["dev"], ["staging"]] },
      { action: "up", waves: [["prod-eu", "production"]] },
      { action: "nothing" },
      { action: "nothing" },
      { action: "drift", envs: ["dev", "prod-eu", "production", "staging"] },
      { action: "drift", envs: ["dev", "prod-eu", "production", "staging"] },
      {
        action: "promote",
        edges: [
          { from: "dev", to: "staging" },
          { from: "staging", to: "prod-eu" },
          { from: "staging", to: "production" },
        ],
      },
      { action: "nothing" },
    ];

    it("has one expectation per row", () => assert.equal(expected.length, CI_RULES.length));

    it("gives each row an example GitHub could send: a full ref, or nothing at all outside Actions", () => {
      for (const { example } of CI_RULES) {
        if (example.GITHUB_EVENT_NAME === undefined) assert.deepEqual(example, {});
        else assert.match(example.GITHUB_REF ?? "", /^refs\/(heads|tags|pull)\/[^/]/, JSON.stringify(example));
      }
    });

    CI_RULES.forEach((rule, n) => {
      it(`${rule.event} ${rule.ref}: ${rule.does}`, () => {
        assert.equal(ciRuleFor(rule.example, shipped).rule, rule, "the row's example is decided by the row itself");
        const plan = expected[n];
        if (plan === undefined) {
          assert.equal(rule.exit, "2");
          assert.throws(() => planCi(rule.example, shipped), InputError);
          return;
        }
        const { reason, ...decided } = planCi(rule.example, shipped);
        assert.deepEqual(decided, plan);
        assert.ok(reason.length > 0);
        const documented = rule.does.startsWith("nothing") ? "nothing" : /^`(\w+)[ `]/.exec(rule.does)?.[1];
        assert.equal(documented, plan.action, "the table says what the row does");
        assert.equal(rule.exit.startsWith("0"), true);
      });
    });
  });

  it("gives each row's reason", () => {
    const reasons = CI_RULES.slice(1).map((rule) => planCi(rule.example, shipped).reason);
    assert.deepEqual(reasons, [
      "a pull request gets one preview comment",
      "pull_request_target is not supported: it would run a fork's code with secrets",
      "a push to main deploys the staging and development tiers",
      "the tag v1.4.0 deploys the production tier",
      "the tag nightly is not a release tag (v*)",
      "refs/heads/feature/x is neither main nor a v* tag",
      "a scheduled run checks drift",
      "a manual run checks drift; deploys come only from a push to main or a v* tag",
      "a dispatch proposes what each environment runs for the next, gated on its health",
      "the release event has nothing to deploy",
    ]);
  });

  it("deploys the production tier for a push of exactly refs/tags/v<name>, nothing before it, nothing after", () => {
    // Which refs deploy production is a security decision: each anchor of the release-tag pattern matters.
    const decided = (ref: string) => {
      const plan = planCi({ GITHUB_EVENT_NAME: "push", GITHUB_REF: ref }, shipped);
      return plan.action === "up" ? { action: plan.action, waves: plan.waves } : { action: plan.action };
    };
    const production = { action: "up", waves: [["prod-eu", "production"]] };
    assert.deepEqual(decided("refs/tags/v2"), production);
    assert.deepEqual(decided("refs/tags/v1.4.0-rc.1"), production);
    assert.deepEqual(decided("refs/heads/fix/refs/tags/v1.4.0"), { action: "nothing" }, "a branch named like a tag");
    assert.deepEqual(decided("refs/tags/v1.4.0/hotfix"), { action: "nothing" }, "a tag with a path after the name");
    assert.deepEqual(decided("refs/tags/v"), { action: "nothing" }, "v alone names no release");
    assert.deepEqual(decided("refs/tags/release-v1"), { action: "nothing" });
  });

  it("says a push without GITHUB_REF is neither main nor a release tag", () => {
    assert.deepEqual(planCi({ GITHUB_EVENT_NAME: "push" }, shipped), {
      action: "nothing",
      reason: "no ref is neither main nor a v* tag",
    });
  });

  it("lists every row in ci --help, aligned, without Markdown", () => {
    assert.equal(
      renderCiHelp(),
      [
        "  (unset) any              refuses: outside GitHub Actions, run preview, up or drift directly (exit 2)",
        "  pull_request any         preview of every environment, as one comment (exit 0 (changes too), 1 a stack failed or a mandatory guardrail is violated)",
        "  pull_request_target any  nothing: it would run a fork's code with the repository's secrets (exit 0)",
        "  push refs/heads/main     up of every staging- and development-tier environment, in promotion waves (exit 0, 1 a deploy failed (no further environment starts))",
        "  push a tag v*            up of every production-tier environment, in promotion waves (exit 0, 1 a deploy failed (no further environment starts))",
        "  push any other tag       nothing: not a release tag (exit 0)",
        "  push any other branch    nothing: only main deploys (exit 0)",
        "  schedule any             drift of every environment (exit 0 in sync, 3 drift, 1 a check failed)",
        "  workflow_dispatch any    drift of every environment: a manual run never deploys (exit 0 in sync, 3 drift, 1 a check failed)",
        "  repository_dispatch any  promote --all --open-pr along every promotesFrom edge: one pull request each (exit 0 promoted or nothing to promote, 3 a gate holds an app back, 2 bad input)",
        "  any other any            nothing (exit 0)",
      ].join("\n"),
    );
  });

  it("treats an empty GITHUB_EVENT_NAME as unset", () => {
    assert.throws(() => planCi({ GITHUB_EVENT_NAME: "" }, shipped), {
      name: "InputError",
      message:
        "ci: GITHUB_EVENT_NAME: received nothing; expected a GitHub Actions run (pull_request, push, schedule or " +
        "workflow_dispatch). Outside GitHub Actions, run preview, up or drift directly.",
    });
  });

  it("deploys by tier, not by name, in promotion waves", () => {
    const fleet = fleetOf([
      ["qa", "development", []],
      ["uat", "staging", ["qa"]],
      ["live-us", "production", ["uat"]],
      ["live-eu", "production", ["live-us"]],
      ["live-ap", "production", ["uat"]],
    ]);
    const push = planCi({ GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" }, fleet);
    assert.deepEqual(push.action === "up" && push.waves, [["qa"], ["uat"]]);
    const tag = planCi({ GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v2.0.0" }, fleet);
    assert.deepEqual(tag.action === "up" && tag.waves, [["live-ap", "live-us"], ["live-eu"]]);
  });

  it("promotes along every promotesFrom edge, upstream first, on a dispatch", () => {
    const fleet = fleetOf([
      ["live-eu", "production", ["live-us", "uat"]],
      ["live-us", "production", ["uat"]],
      ["uat", "staging", ["qa"]],
      ["qa", "development", []],
    ]);
    assert.deepEqual(promotionEdges(fleet), [
      { from: "qa", to: "uat" },
      { from: "uat", to: "live-us" },
      { from: "live-us", to: "live-eu" },
      { from: "uat", to: "live-eu" },
    ]);
    assert.deepEqual(planCi({ GITHUB_EVENT_NAME: "repository_dispatch" }, fleetOf([["dev", "development", []]])), {
      action: "nothing",
      reason: "a dispatch promotes, and no environment promotes from another",
    });
  });

  it("does nothing for a tag when no environment has the production tier", () => {
    const fleet = fleetOf([["dev", "development", []]]);
    assert.deepEqual(planCi({ GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v1.0.0" }, fleet), {
      action: "nothing",
      reason: "the tag v1.0.0 deploys the production tier, and no environment has that tier",
    });
  });

  it("is the table docs/ci.md shows (UPDATE_GOLDEN=1 rewrites it there)", () => {
    const file = path.join(REPO_ROOT, "docs", "ci.md");
    const doc = fs.readFileSync(file, "utf8");
    const block =
      /(<!-- ci-table:begin[^>]*-->\n<!-- prettier-ignore-start -->\n)([\s\S]*?)(\n<!-- prettier-ignore-end -->)/;
    const match = block.exec(doc);
    assert.ok(match, "docs/ci.md holds the generated table between its markers");
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.writeFileSync(
        file,
        doc.replace(block, (_, begin: string, __, end: string) => `${begin}${renderCiTable()}${end}`),
      );
      return;
    }
    assert.equal(match[2], renderCiTable(), "docs/ci.md differs from renderCiTable() (UPDATE_GOLDEN=1 rewrites it)");
  });

  it("prints its plan with --plan-only, and exits 2 outside GitHub Actions", async () => {
    const tag = await runCli(["ci", "--plan-only"], { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v3.1.0" });
    assert.equal(tag.code, 0, tag.stderr);
    assert.deepEqual(JSON.parse(tag.stdout), {
      action: "up",
      waves: [["prod-eu", "production"]],
      reason: "the tag v3.1.0 deploys the production tier",
    });
    assert.match(tag.stderr, /^ci: up: the tag v3\.1\.0 deploys the production tier$/m);

    const outside = await runCli(["ci"], { GITHUB_EVENT_NAME: undefined });
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /error: ci: GITHUB_EVENT_NAME: received nothing; expected a GitHub Actions run/);
  });

  it("refuses --parallel that is not a positive integer", async () => {
    const result = await runCli(["ci", "--plan-only", "--parallel", "0"], { GITHUB_EVENT_NAME: "schedule" });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /option '--parallel <n>' argument '0' is invalid\. received "0"; expected an integer >= 1\./,
    );
  });
});
