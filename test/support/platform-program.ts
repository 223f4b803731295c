import { FakeWorld } from "./fake-pulumi";
import { COMPONENTS, Component, Owner } from "../../platform/components";

type StackSpec = FakeWorld["stacks"][string];

/** Every release with the same owner, as the platform's releaseOwners output records it. */
export function ownedBy(owner: Owner): Record<Component, Owner> {
  return Object.fromEntries(COMPONENTS.map((c) => [c, owner])) as Record<Component, Owner>;
}

/** Staging's releases, all handed to Argo CD (its shipped end state), in table order. */
export const STAGING_OWNERS: readonly Component[] = COMPONENTS;

/**
 * The platform program as the fake CLI plays it: like the real one, it reads its own stack's
 * previous platformPhase output and declares the bootstrap when there is none, the hand-off after.
 * Its engine events are recordings (a replace for the bootstrap, deletes for the Releases that
 * leave in the hand-off); its outputs are what the real program exports for staging's config.
 */
export const PLATFORM_PROGRAM = {
  readsOwnOutput: "platformPhase",
  runs: {
    none: {
      program: "webserver-userdata.json",
      outputs: { platformPhase: "bootstrap", releaseOwners: ownedBy("pulumi") },
    },
    bootstrap: {
      program: "destroy-with-components.json",
      outputs: { platformPhase: "handoff", releaseOwners: ownedBy("argocd") },
    },
    handoff: {
      program: "destroy-with-components.json",
      outputs: { platformPhase: "handoff", releaseOwners: ownedBy("argocd") },
    },
  },
} satisfies StackSpec;
