import * as assert from "node:assert/strict";
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import {
  formatDuration,
  gateFailureLine,
  judgeSource,
  observeApplication,
  runningRevision,
  SourceObservation,
} from "../automation/promote/gates";
import { stagingApplications } from "./fixtures/argocd/applications";

const A = "a".repeat(40);
const B = "b".repeat(40);
const FINISHED = "2026-11-24T09:12:41Z";
const at = (minutes: number) => new Date(Date.parse(FINISHED) + minutes * 60_000);
const SOAK = { text: "30m", ms: 30 * 60_000 };

/** The recorded demo Application (Synced and Healthy at A, its sync finished at FINISHED), observed. */
function observed(change: (status: NonNullable<IApplication["status"]>) => void = () => undefined): SourceObservation {
  const demo = stagingApplications("https://github.com/example-org/gitops-state-staging.git", A).items[0];
  change(demo.status as NonNullable<IApplication["status"]>);
  return observeApplication("demo", "argocd", demo);
}

function verdicts(observation: SourceObservation, minutes: number, more: { deployedSameTree?: boolean } = {}) {
  return judgeSource({ observation, soak: SOAK, now: at(minutes), skips: new Map(), ...more }).map((g) =>
    g.status === "failed" ? `${g.gate} failed: ${g.seen}` : `${g.gate} ${g.status}`,
  );
}

describe("promote's gates on the source Application (pure)", () => {
  it("reads the fields Argo CD writes: sync status and revision, health and its transition, the last operation", () => {
    assert.deepEqual(observed(), {
      application: "argocd/demo",
      found: true,
      sync: "Synced",
      revision: A,
      health: "Healthy",
      healthSince: FINISHED,
      operation: {
        phase: "Succeeded",
        message: "successfully synced (all tasks run)",
        finishedAt: FINISHED,
        revision: A,
      },
    });
    assert.equal(runningRevision(observed()), A);
  });

  const table: [string, (s: NonNullable<IApplication["status"]>) => void, number, string[]][] = [
    [
      "soaked: Synced, Healthy, 30m after the sync",
      () => undefined,
      30,
      ["synced passed", "healthy passed", "soak passed"],
    ],
    [
      "not soaked yet",
      () => undefined,
      29,
      ["synced passed", "healthy passed", `soak failed: 29m since the sync finished (${FINISHED})`],
    ],
    [
      "OutOfSync",
      (s) => (s.sync = { ...s.sync, status: "OutOfSync" }),
      90,
      ["synced failed: OutOfSync at aaaaaaaaaaaa", "healthy passed", "soak passed"],
    ],
    [
      "Degraded",
      (s) => (s.health = { status: "Degraded", message: "0/1 ready" }),
      90,
      [
        "synced passed",
        "healthy failed: Degraded: 0/1 ready",
        "soak failed: not measured: the app is Degraded, not Healthy",
      ],
    ],
    [
      "Healthy again after the sync: soak counts from the recovery",
      (s) => (s.health = { status: "Healthy", lastTransitionTime: at(20).toISOString() }),
      45,
      ["synced passed", "healthy passed", `soak failed: 25m since it turned Healthy (${at(20).toISOString()})`],
    ],
    [
      "a sync operation still running",
      (s) => {
        const op = s.operationState as NonNullable<typeof s.operationState>;
        s.operationState = { ...op, phase: "Running", finishedAt: undefined };
      },
      90,
      [
        "synced failed: Synced, but the last sync operation is Running: successfully synced (all tasks run)",
        "healthy passed",
        "soak failed: the last sync operation is Running and has not finished",
      ],
    ],
    [
      "no operation recorded",
      (s) => delete s.operationState,
      90,
      ["synced passed", "healthy passed", "soak failed: no sync operation recorded (status.operationState is unset)"],
    ],
  ];
  for (const [what, change, minutes, expected] of table) {
    it(`judges ${what}`, () => assert.deepEqual(verdicts(observed(change), minutes), expected));
  }

  it("holds back an app whose last operation deployed other manifests of it than the synced revision holds", () => {
    const observation = observed((s) => {
      const op = s.operationState as NonNullable<typeof s.operationState>;
      s.operationState = { ...op, syncResult: { ...op.syncResult, revision: B } };
    });
    assert.equal(runningRevision(observation), A);
    assert.equal(
      verdicts(observation, 90, { deployedSameTree: false })[0],
      "synced failed: Synced at aaaaaaaaaaaa, but the last sync operation deployed bbbbbbbbbbbb, whose manifests of the app differ",
    );
    assert.equal(verdicts(observation, 90, { deployedSameTree: true })[0], "synced passed");
  });

  it("fails every gate, naming the Application, when there is none", () => {
    const none = observeApplication("demo", "argocd", undefined);
    assert.deepEqual(verdicts(none, 90), [
      "synced failed: no Application argocd/demo",
      "healthy failed: no Application argocd/demo",
      "soak failed: no Application argocd/demo",
    ]);
  });

  it("keeps a skipped gate's verdict and its reason", () => {
    const [, , soak] = judgeSource({
      observation: observed(),
      soak: SOAK,
      now: at(5),
      skips: new Map([["soak", "INC-42"]]),
    });
    assert.deepEqual(soak, {
      gate: "soak",
      status: "skipped",
      seen: `5m since the sync finished (${FINISHED})`,
      needed: "at least 30m since the sync that deployed it finished",
      reason: "INC-42",
    });
  });

  it("words a failure as which gate, the value seen and what was needed", () => {
    const [, healthy] = judgeSource({
      observation: observed((s) => (s.health = { status: "Progressing" })),
      soak: SOAK,
      now: at(90),
      skips: new Map(),
    });
    assert.equal(
      gateFailureLine("staging demo", healthy),
      "staging demo: gate healthy: received Progressing; expected Healthy",
    );
  });

  for (const [ms, shown] of [
    [0, "0s"],
    [-5_000, "0s"],
    [45_000, "45s"],
    [30 * 60_000, "30m"],
    [(2 * 60 + 5) * 60_000 + 7_000, "2h 5m"],
    [(3 * 24 + 4) * 3_600_000, "3d 4h"],
    [24 * 3_600_000 + 30_000, "1d"],
  ] as const) {
    it(`shows ${ms} ms as ${shown}`, () => assert.equal(formatDuration(ms), shown));
  }
});
