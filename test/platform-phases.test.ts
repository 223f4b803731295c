import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { runEntryPoint } from "../automation/synth/synth";
import { COMPONENTS } from "../platform/components";
import { GUARDRAILS_KEY, parseGuardrailsConfig } from "../policy/config";
import { evaluatePolicy } from "../policy/engine";
import { ENVIRONMENTS, stackIdentity } from "../stack";
import { synth, testEngine } from "./support/engine";
import { PLATFORM_PROGRAM } from "./support/platform-program";
import {
  APP_PROJECT_TYPE,
  APPLICATION_TYPE,
  childApplications,
  find,
  platformConfig,
  RELEASE_TYPE,
  synthPlatform,
} from "./support/platform";

const ARGOCD_RELEASE = `${RELEASE_TYPE}::bootstrap-argo-cd`;

function releaseNames(resources: readonly ResourceRecord[]): string[] {
  return resources.filter((r) => r.type === RELEASE_TYPE).map((r) => r.name);
}

const refs = (resources: readonly ResourceRecord[]): string[] => resources.map((r) => `${r.type}::${r.name}`);

/** Staging's shipped end state, except that Pulumi keeps Argo CD itself and external-dns. */
const mixedOwners = platformConfig("staging", (s) => {
  s.releases["argo-cd"].owner = "pulumi";
  s.releases["external-dns"].owner = "pulumi";
});

describe("platform phases: bootstrap on a new cluster, then the hand-off", () => {
  for (const env of ENVIRONMENTS) {
    it(`installs every release with Helm in the bootstrap, whatever its end-state owner, and the root Application without children (${env})`, async () => {
      const resources = await synthPlatform(env, platformConfig(env), "bootstrap");
      assert.deepEqual(
        releaseNames(resources),
        COMPONENTS.map((c) => `bootstrap-${c}`),
      );
      for (const release of resources.filter((r) => r.type === RELEASE_TYPE)) {
        assert.equal(release.options.retainOnDelete, true, release.name);
      }
      assert.deepEqual(childApplications(resources), {});
      // Argo CD's CRDs come with its Release: everything of argoproj.io waits for it.
      for (const name of ["argocd-root", "argocd-project-ops", "argocd-project-apps"]) {
        const type = name === "argocd-root" ? APPLICATION_TYPE : APP_PROJECT_TYPE;
        assert.ok(find(resources, type, name).options.dependsOn.includes(ARGOCD_RELEASE), name);
      }
    });
  }

  it("hands staging's releases (all owned by argocd) to the root Application after the bootstrap, and keeps none as a Release", async () => {
    const resources = await synthPlatform("staging", platformConfig("staging"), "handoff");
    assert.deepEqual(releaseNames(resources), []);
    assert.deepEqual(Object.keys(childApplications(resources)).sort(), [...COMPONENTS].sort());
  });

  it("keeps production's releases (all owned by pulumi) as Releases after the bootstrap: both phases declare the same", async () => {
    const bootstrap = await synthPlatform("production", platformConfig("production"), "bootstrap");
    const handoff = await synthPlatform("production", platformConfig("production"), "handoff");
    assert.deepEqual(handoff, bootstrap);
  });

  it("with mixed owners, hands over exactly the argocd-owned releases: their Releases leave and the root gains them", async () => {
    const bootstrap = await synthPlatform("staging", mixedOwners, "bootstrap");
    const handoff = await synthPlatform("staging", mixedOwners, "handoff");
    assert.deepEqual(releaseNames(handoff), ["bootstrap-argo-cd", "bootstrap-external-dns"]);
    assert.deepEqual(Object.keys(childApplications(handoff)).sort(), [
      "kube-prometheus-stack",
      "logging",
      "sealed-secrets",
    ]);
    assert.deepEqual(
      refs(bootstrap).filter((r) => !refs(handoff).includes(r)),
      [
        `${RELEASE_TYPE}::bootstrap-kube-prometheus-stack`,
        `${RELEASE_TYPE}::bootstrap-sealed-secrets`,
        `${RELEASE_TYPE}::bootstrap-logging`,
      ],
    );
    assert.deepEqual(
      refs(handoff).filter((r) => !refs(bootstrap).includes(r)),
      [],
    );
    // Everything else is declared alike in both phases, except that nothing waits for a Release that left.
    const left = refs(bootstrap).filter((r) => !refs(handoff).includes(r));
    for (const resource of handoff.filter((r) => r.type !== RELEASE_TYPE && r.name !== "argocd-root")) {
      const before = find(bootstrap, resource.type, resource.name);
      const dependsOn = before.options.dependsOn.filter((d) => !left.includes(d));
      assert.deepEqual(resource, { ...before, options: { ...before.options, dependsOn } });
    }
  });

  it("records the phase and who owns each release in its outputs: the bootstrap's phase is known once its Releases are installed", async () => {
    const bootstrap = await synth({ env: "staging", layers: ["platform"], platformPhase: "bootstrap" });
    assert.equal(bootstrap.stacks[0].outputs.platformPhase, "[unknown]");
    assert.deepEqual(
      bootstrap.stacks[0].outputs.releaseOwners,
      Object.fromEntries(COMPONENTS.map((c) => [c, "pulumi"])),
    );
    const handoff = await synth({ env: "staging", layers: ["platform"], platformPhase: "handoff" });
    assert.equal(handoff.stacks[0].outputs.platformPhase, "handoff");
    assert.deepEqual(handoff.stacks[0].outputs.releaseOwners, Object.fromEntries(COMPONENTS.map((c) => [c, "argocd"])));
  });

  it("records, for staging, the outputs the fake pulumi's platform program plays (test/support/platform-program.ts)", async () => {
    const played = { bootstrap: PLATFORM_PROGRAM.runs.none.outputs, handoff: PLATFORM_PROGRAM.runs.bootstrap.outputs };
    for (const phase of ["bootstrap", "handoff"] as const) {
      const { outputs } = (await synth({ env: "staging", layers: ["platform"], platformPhase: phase })).stacks[0];
      assert.deepEqual(outputs.releaseOwners, played[phase].releaseOwners, phase);
    }
    assert.deepEqual(PLATFORM_PROGRAM.runs.handoff.outputs, PLATFORM_PROGRAM.runs.bootstrap.outputs);
  });

  it("hands over after a previous run that recorded releaseOwners but no phase (a stack deployed before phases existed)", async () => {
    const stack = stackIdentity("platform", "staging");
    const previousOutputs = { releaseOwners: Object.fromEntries(COMPONENTS.map((c) => [c, "argocd"])) };
    const run = await testEngine().run(stack, platformConfig("staging"), () => runEntryPoint(), { previousOutputs });
    assert.deepEqual(releaseNames(run.resources), []);
    assert.equal(run.outputs.platformPhase, "handoff");
  });

  it("refuses a previous run whose phase it does not know, before declaring anything", async () => {
    const stack = stackIdentity("platform", "staging");
    const previousOutputs = { platformPhase: "handed-over" };
    await assert.rejects(
      testEngine().run(stack, platformConfig("staging"), () => runEntryPoint(), { previousOutputs }),
      (err: Error) => {
        assert.ok(pulumi.RunError.isInstance(err), err.message);
        assert.equal(
          err.message,
          'platform-staging: its previous run recorded platformPhase "handed-over"; expected one of bootstrap, handoff. ' +
            "The record is the stack's own output: see it with pulumi stack output -s platform-staging platformPhase",
        );
        return true;
      },
    );
    assert.deepEqual(testEngine().declared(), []);
  });

  for (const env of ENVIRONMENTS) {
    it(`passes the hand-off guardrails in the bootstrap too: one owner per release, every Release retained (${env})`, async () => {
      const config = platformConfig(env);
      const result = await synth({ env, layers: ["platform"], config, platformPhase: "bootstrap" });
      const guardrails = parseGuardrailsConfig(config.values[GUARDRAILS_KEY], config.file);
      const report = evaluatePolicy({ env, stacks: result.stacks, guardrails });
      const handoffRules = new Set([
        "argocd-handoff-single-owner",
        "argocd-handoff-release-retained",
        "argocd-handoff-definitions-agree",
      ]);
      assert.deepEqual(
        [...report.violations, ...report.undetermined].filter((f) => handoffRules.has(f.rule)),
        [],
      );
      assert.ok(handoffRules.size > 0 && [...handoffRules].every((rule) => report.evaluated.includes(rule)));
    });
  }
});
