import { z } from "zod";
import { InputError } from "../config";
import { COMPONENTS, Component, Owner, OWNERS } from "./components";
import type { PlatformConfig } from "./config";
import { PLATFORM_PHASES, PlatformPhase } from "./phase-names";
import type { ReleasePlan } from "./releases";

/**
 * The platform stack's phase on its cluster. `releases.<r>.owner` in config is where a release ends
 * up; the phase says whether Argo CD can take it yet:
 * - `bootstrap`: Argo CD does not run yet, so Pulumi installs every release with Helm (retained),
 *   whatever its end-state owner, and the root Application has no children;
 * - `handoff`: Argo CD was installed by an earlier up of this stack, so releases whose owner is
 *   `argocd` are children of the root Application and leave the stack (retained, still running).
 *
 * The phase input is the stack's own previous run, read back from its outputs: a stack that never
 * completed an up bootstraps, every later up hands off. The phase is a fact about one cluster, so it
 * lives in that cluster's stack state, not in the committed config (the same file must bootstrap a
 * new cluster and keep a handed-over one), and it cannot be passed per run: `pulumi up --config`
 * saves into the config file, and the Automation API has no per-run config.
 */
/** The stack output that records a run's phase. */
export const PHASE_OUTPUT = "platformPhase";
/** The stack output that records who owned each release in a run. */
export const OWNERS_OUTPUT = "releaseOwners";

/** What one up of the platform stack recorded in its outputs, and the next run reads back. */
export interface PlatformRun {
  readonly phase: PlatformPhase;
  /** Who managed each release in that run; absent when the run recorded none. */
  readonly releaseOwners?: Readonly<Record<Component, Owner>>;
}

const recordSchema = z.object({
  [PHASE_OUTPUT]: z.enum(PLATFORM_PHASES).optional(),
  [OWNERS_OUTPUT]: z.record(z.enum(COMPONENTS), z.enum(OWNERS)).optional(),
});

/**
 * Reads a run back from the stack's outputs; undefined when the stack has none (never deployed).
 * Outputs without a phase come from a program that predates phases: it declared each release as its
 * owner said, which is the hand-off phase.
 */
export function parsePlatformRun(outputs: Readonly<Record<string, unknown>>, stack: string): PlatformRun | undefined {
  const parsed = recordSchema.safeParse(outputs);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.map(String).join(".");
    throw new InputError(
      `${stack}: its previous run recorded ${key} ${JSON.stringify(valueAt(outputs, issue.path))}; expected ` +
        `${key === PHASE_OUTPUT ? `one of ${PLATFORM_PHASES.join(", ")}` : `an owner (${OWNERS.join(" or ")}) per release`}. ` +
        `The record is the stack's own output: see it with pulumi stack output -s ${stack} ${PHASE_OUTPUT}`,
    );
  }
  const record = parsed.data;
  if (record[PHASE_OUTPUT] === undefined && record[OWNERS_OUTPUT] === undefined) return undefined;
  return {
    phase: record[PHASE_OUTPUT] ?? "handoff",
    ...(record[OWNERS_OUTPUT] ? { releaseOwners: record[OWNERS_OUTPUT] } : {}),
  };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], value);
}

/** The phase of the next up: bootstrap until an up of this stack has completed, hand-off ever after. */
export function phaseAfter(previous: PlatformRun | undefined): PlatformPhase {
  return previous ? "handoff" : "bootstrap";
}

/** The releases as one run declares them: in bootstrap Pulumi installs every one; after it, each goes to its owner. */
export function plansInPhase(plans: readonly ReleasePlan[], phase: PlatformPhase): ReleasePlan[] {
  return plans.map((plan) => (phase === "bootstrap" ? { ...plan, owner: "pulumi" } : plan));
}

/** Each release's owner in config: where it ends up once the stack has handed over. */
export type EndState = Readonly<Record<Component, Owner>>;

export function endStateOf(config: PlatformConfig): EndState {
  return Object.fromEntries(COMPONENTS.map((c) => [c, config.releases[c].owner])) as Record<Component, Owner>;
}

/** What the next up of the platform stack does, from its previous run and the config's end state. */
export interface NextUp {
  /** Where the stack stands: never deployed (`new`), or the phase of its last completed up. */
  readonly from: "new" | PlatformPhase;
  /** The phase the next up runs in. */
  readonly phase: PlatformPhase;
  /** Releases it installs with Helm: every one in bootstrap. */
  readonly installs: readonly Component[];
  /** Releases whose owner went back to pulumi: Helm meets a release it did not install (import it first). */
  readonly handsBack: readonly Component[];
  /** Releases it hands to Argo CD: they leave the stack, retained and running. */
  readonly handsOver: readonly Component[];
  /** Releases a further up hands over once Argo CD runs (after a bootstrap). */
  readonly thenHandsOver: readonly Component[];
  /** Releases Argo CD owns now, before the next up. */
  readonly argocdOwnsNow: readonly Component[];
}

export function planNextUp(previous: PlatformRun | undefined, endState: EndState): NextUp {
  const argocdOwned = COMPONENTS.filter((c) => endState[c] === "argocd");
  if (!previous) {
    return {
      from: "new",
      phase: "bootstrap",
      installs: COMPONENTS,
      handsBack: [],
      handsOver: [],
      thenHandsOver: argocdOwned,
      argocdOwnsNow: [],
    };
  }
  // A run that recorded no owners predates phases: it declared the config's owners as they were then.
  const before = (c: Component): Owner =>
    previous.releaseOwners?.[c] ?? (previous.phase === "bootstrap" ? "pulumi" : endState[c]);
  return {
    from: previous.phase,
    phase: "handoff",
    installs: [],
    handsBack: COMPONENTS.filter((c) => endState[c] === "pulumi" && before(c) === "argocd"),
    handsOver: argocdOwned.filter((c) => before(c) === "pulumi"),
    thenHandsOver: [],
    argocdOwnsNow: COMPONENTS.filter((c) => before(c) === "argocd"),
  };
}
