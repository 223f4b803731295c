import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";

/**
 * The gates a promotion passes, each on by default and each reported: three on the source
 * environment's live Application (read from its Argo CD), two on the target's render. The live ones
 * can be skipped with a written reason (`--skip-gate soak="hotfix for INC-42"`), which the pull
 * request shows; the render ones cannot, because hydration refuses what they refuse.
 */

export const LIVE_GATES = ["synced", "healthy", "soak"] as const;
export type LiveGate = (typeof LIVE_GATES)[number];
export const RENDER_GATES = ["render", "guardrails"] as const;
export type GateName = LiveGate | (typeof RENDER_GATES)[number];

export interface GateResult {
  readonly gate: GateName;
  readonly status: "passed" | "failed" | "skipped";
  /** What was seen, as one line: `Degraded: Deployment demo has 0/2 ready`, `12m since the sync finished`. */
  readonly seen: string;
  /** What passing needs. */
  readonly needed: string;
  /** Why a skipped gate was skipped, as given. */
  readonly reason?: string;
}

/** The source's Application as the gates read it, projected from the status Argo CD writes. */
export interface SourceObservation {
  /** `<namespace>/<name>`. */
  readonly application: string;
  readonly found: boolean;
  /** `status.sync.status`: Synced, OutOfSync, Unknown. */
  readonly sync?: string;
  /** `status.sync.revision`: the state-repo commit the last comparison was made against. */
  readonly revision?: string;
  /** `status.health.status`: Healthy, Progressing, Degraded, Suspended, Missing, Unknown. */
  readonly health?: string;
  readonly healthMessage?: string;
  /** `status.health.lastTransitionTime`: when the health status last changed. */
  readonly healthSince?: string;
  /** `status.operationState`: the last sync operation. */
  readonly operation?: {
    readonly phase: string;
    readonly message?: string;
    readonly finishedAt?: string;
    /** `syncResult.revision`: the commit that operation deployed. */
    readonly revision?: string;
  };
}

export function observeApplication(
  name: string,
  namespace: string,
  application: IApplication | undefined,
): SourceObservation {
  const at = `${namespace}/${name}`;
  if (!application) return { application: at, found: false };
  const s = application.status;
  const op = s?.operationState;
  return {
    application: at,
    found: true,
    ...(s?.sync?.status ? { sync: s.sync.status } : {}),
    ...(s?.sync?.revision ? { revision: s.sync.revision } : {}),
    ...(s?.health?.status ? { health: s.health.status } : {}),
    ...(s?.health?.message ? { healthMessage: s.health.message } : {}),
    ...(s?.health?.lastTransitionTime ? { healthSince: s.health.lastTransitionTime } : {}),
    ...(op
      ? {
          operation: {
            phase: op.phase,
            ...(op.message ? { message: op.message } : {}),
            ...(op.finishedAt ? { finishedAt: op.finishedAt } : {}),
            ...(op.syncResult?.revision ? { revision: op.syncResult.revision } : {}),
          },
        }
      : {}),
  };
}

/**
 * The state-repo commit whose `apps/<app>/` the source runs: the synced revision when Synced (the
 * comparison's revision is then what is live), else the one the last sync operation deployed.
 */
export function runningRevision(observation: SourceObservation): string | undefined {
  return observation.sync === "Synced" ? observation.revision : observation.operation?.revision;
}

export interface SourceJudgement {
  readonly observation: SourceObservation;
  /** `promotion.soak` of the target, as written (`30m`), and in milliseconds. */
  readonly soak: { readonly text: string; readonly ms: number } | undefined;
  readonly now: Date;
  /**
   * When the last operation deployed another commit than the synced one: whether `apps/<app>/` is
   * the same at both (a later commit that changed other apps leaves Argo CD Synced without a new
   * operation). Undefined when they are the same commit.
   */
  readonly deployedSameTree?: boolean;
  /** Gates to skip, each with its reason. */
  readonly skips: ReadonlyMap<LiveGate, string>;
}

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 12) : "(none)");

/** The three live gates, in order; pure, so every decision is a table test. */
export function judgeSource(judgement: SourceJudgement): GateResult[] {
  const { observation: o } = judgement;
  const verdicts: [LiveGate, boolean, string, string][] = [
    ["synced", ...syncedVerdict(o, judgement.deployedSameTree)],
    ["healthy", ...healthyVerdict(o)],
    ["soak", ...soakVerdict(o, judgement.soak, judgement.now)],
  ];
  return verdicts.map(([gate, passed, seen, needed]) => {
    const reason = judgement.skips.get(gate);
    if (reason !== undefined) return { gate, status: "skipped", seen, needed, reason };
    return { gate, status: passed ? "passed" : "failed", seen, needed };
  });
}

type Verdict = [passed: boolean, seen: string, needed: string];

function syncedVerdict(o: SourceObservation, deployedSameTree: boolean | undefined): Verdict {
  const needed = "Synced, its last sync operation Succeeded";
  if (!o.found) return [false, `no Application ${o.application}`, needed];
  const sync = o.sync ?? "Unknown";
  if (sync !== "Synced") return [false, `${sync} at ${short(o.revision)}`, needed];
  const op = o.operation;
  if (op && op.phase !== "Succeeded") {
    return [false, `Synced, but the last sync operation is ${op.phase}${op.message ? `: ${op.message}` : ""}`, needed];
  }
  if (deployedSameTree === false) {
    return [
      false,
      `Synced at ${short(o.revision)}, but the last sync operation deployed ${short(op?.revision)}, whose manifests of the app differ`,
      `${needed}, having deployed what ${short(o.revision)} holds`,
    ];
  }
  return [true, `Synced at ${short(o.revision)}${op ? ", last operation Succeeded" : ""}`, needed];
}

function healthyVerdict(o: SourceObservation): Verdict {
  if (!o.found) return [false, `no Application ${o.application}`, "Healthy"];
  const health = o.health ?? "Unknown";
  return [health === "Healthy", o.healthMessage ? `${health}: ${o.healthMessage}` : health, "Healthy"];
}

/**
 * Soaked since the later of the last operation's end (`finishedAt`) and the start of the current
 * Healthy stretch (`health.lastTransitionTime`): an app that turned Degraded and recovered after its
 * sync has only been healthy since it recovered.
 */
function soakVerdict(o: SourceObservation, soak: SourceJudgement["soak"], now: Date): Verdict {
  const needed = soak ? `at least ${soak.text} since the sync that deployed it finished` : "promotion.soak configured";
  if (!o.found) return [false, `no Application ${o.application}`, needed];
  const finishedAt = o.operation?.finishedAt;
  if (!finishedAt) {
    const why = o.operation
      ? `the last sync operation is ${o.operation.phase} and has not finished`
      : "no sync operation recorded (status.operationState is unset)";
    return [false, why, needed];
  }
  if (o.health !== "Healthy") return [false, `not measured: the app is ${o.health ?? "Unknown"}, not Healthy`, needed];
  const healthySince = o.healthSince && Date.parse(o.healthSince) > Date.parse(finishedAt) ? o.healthSince : undefined;
  const since = healthySince ?? finishedAt;
  const elapsed = now.getTime() - Date.parse(since);
  const seen = `${formatDuration(elapsed)} since ${healthySince ? "it turned Healthy" : "the sync finished"} (${since})`;
  return [soak !== undefined && elapsed >= soak.ms, seen, needed];
}

/** `2h 5m`, `45s`, `3d 4h`: the two largest units, rounded down; `0s` for no time (or a clock behind). */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ];
  let left = Math.max(0, ms);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p) => !/^0\w$/.test(p));
  return shown.length > 0 ? shown.join(" ") : "0s";
}

/** Whether the gates let the app through: none failed. */
export function gatesPass(gates: readonly GateResult[]): boolean {
  return gates.every((g) => g.status !== "failed");
}

/** The one line a failed gate is reported as: which gate, the value seen and what was needed. */
export function gateFailureLine(where: string, gate: GateResult): string {
  return `${where}: gate ${gate.gate}: received ${gate.seen}; expected ${gate.needed}`;
}

/** The live gates when Argo CD was not read because every one of them is skipped. */
export function unreadGates(skips: ReadonlyMap<LiveGate, string>): GateResult[] {
  return LIVE_GATES.map((gate) => ({
    gate,
    status: "skipped",
    seen: "not read (every live gate is skipped)",
    needed: gate === "soak" ? "promotion.soak since the sync finished" : gate === "synced" ? "Synced" : "Healthy",
    reason: skips.get(gate) ?? "",
  }));
}
