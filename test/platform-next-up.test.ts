import * as assert from "node:assert/strict";
import { describeNextUp } from "../automation/driver/platform-phases";
import { Component, Owner } from "../platform/components";
import { EndState, parsePlatformRun, planNextUp, PlatformRun } from "../platform/phase";
import { ownedBy } from "./support/platform-program";

const withOwner = (owners: Record<Component, Owner>, component: Component, owner: Owner): EndState => ({
  ...owners,
  [component]: owner,
});

describe("what the platform's next up does, from its record and the config's end state", () => {
  const cases: [string, PlatformRun | undefined, EndState, string][] = [
    [
      "a new cluster whose releases all stay with Pulumi (production's shipped owners)",
      undefined,
      ownedBy("pulumi"),
      "not deployed yet; next up: bootstrap: 5 releases installed by Pulumi, no hand-off follows (every release stays with Pulumi)",
    ],
    [
      "production at steady state",
      { phase: "handoff", releaseOwners: ownedBy("pulumi") },
      ownedBy("pulumi"),
      "bootstrapped, every release with Pulumi; next up: no owner changes",
    ],
    [
      "production handing one release over",
      { phase: "handoff", releaseOwners: ownedBy("pulumi") },
      withOwner(ownedBy("pulumi"), "external-dns", "argocd"),
      "bootstrapped, every release with Pulumi; next up: hand-off: 1 release leaves the stack for Argo CD (external-dns)",
    ],
    [
      "staging handing one release back",
      { phase: "handoff", releaseOwners: ownedBy("argocd") },
      withOwner(ownedBy("argocd"), "logging", "pulumi"),
      "handed over (Argo CD owns 5 releases); next up: 1 release back to Pulumi (logging), whose helm install meets " +
        "the running release: import it first (pulumi import kubernetes:helm.sh/v3:Release ...)",
    ],
    [
      "a stack deployed before phases, which recorded its owners but no phase",
      parsePlatformRun({ releaseOwners: withOwner(ownedBy("argocd"), "argo-cd", "pulumi") }, "platform-staging"),
      ownedBy("argocd"),
      "handed over (Argo CD owns 4 releases); next up: hand-off: 1 release leaves the stack for Argo CD (argo-cd)",
    ],
  ];
  for (const [what, previous, endState, expected] of cases) {
    it(`describes ${what}`, () => {
      assert.equal(describeNextUp(planNextUp(previous, endState)), expected);
    });
  }

  it("bootstraps whatever the end state, and hands over only after a completed up", () => {
    assert.equal(parsePlatformRun({}, "platform-staging"), undefined, "a stack with no outputs has no record");
    assert.equal(planNextUp(undefined, ownedBy("argocd")).phase, "bootstrap");
    assert.equal(
      planNextUp({ phase: "bootstrap", releaseOwners: ownedBy("pulumi") }, ownedBy("argocd")).phase,
      "handoff",
    );
  });
});
