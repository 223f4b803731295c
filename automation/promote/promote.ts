import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, InputError, shownValue } from "../../config";
import { declarationOf, EnvironmentDeclaration, Fleet, loadFleet, PROMOTES_FROM_KEY } from "../../environments";
import { loadCatalog } from "../../gitops/catalog/catalog";
import { readHydrationConfig } from "../../gitops/environment-config";
import { Environment } from "../../stack";
import { CATALOG_DIR } from "../bump-image";
import { ExitCode } from "../exit-codes";
import { Kubectl } from "../status/status";
import { BaseCheckout, commitOnBranch, withBaseCheckout } from "./branch";
import { GateResult, gatesPass, LIVE_GATES, LiveGate } from "./gates";
import { readSource, SourceEvidence } from "./source";
import { holdsAlready, promoteIntoTarget, TargetChange, TargetEdit } from "./target";

/**
 * `promote`: moves exactly what one environment runs (each app's image digest, read from its state
 * repo at the commit its Argo CD runs) into the env files of the environment that promotes from it,
 * gated on the source's health and soak and on the target's render, and commits that on a branch.
 * Everything is prepared in a temporary worktree of the checkout's HEAD; the branch is all it leaves.
 */

export interface PromoteRequest {
  /** The checkout of this repository; its HEAD is what the promotion starts from. */
  readonly rootDir: string;
  readonly from: Environment;
  readonly to: Environment;
  /** One app; every app that runs in both environments when undefined. */
  readonly app?: string;
  /** Live gates to skip, each with its reason. */
  readonly skips: ReadonlyMap<LiveGate, string>;
  /** The source's Argo CD; needed unless every live gate is skipped. */
  readonly argo?: { readonly kubectl: Kubectl; readonly from: string };
  readonly now: Date;
}

export type AppOutcome =
  /** Cannot be promoted at all (never hydrated, no image promote can carry): bad input. */
  | { readonly app: string; readonly status: "refused"; readonly reason: string }
  /** The source runs it by tag: left out of a batch (`--app` refuses it as bad input). */
  | { readonly app: string; readonly status: "tagged"; readonly reason: string }
  /** A live gate failed: not yet. */
  | { readonly app: string; readonly status: "held"; readonly evidence: SourceEvidence }
  /** The target already renders what the source runs. */
  | { readonly app: string; readonly status: "unchanged"; readonly evidence: SourceEvidence }
  /** In the promotion commit; `blocked` when the target's render gates stopped the commit. */
  | {
      readonly app: string;
      readonly status: "promoted" | "blocked";
      readonly evidence: SourceEvidence;
      readonly change: TargetChange;
    };

export interface PromotionReport {
  readonly from: Environment;
  readonly to: Environment;
  /** The commit (and branch) of the checkout the promotion starts from. */
  readonly base: { readonly commit: string; readonly branch?: string };
  /** The source's state repo, as its config names it. */
  readonly stateRepo: string;
  /** The target's `promotion.soak`. */
  readonly soak?: string;
  /** Where the source's Argo CD was read; undefined when every live gate is skipped. */
  readonly argo?: string;
  readonly skips: readonly { readonly gate: LiveGate; readonly reason: string }[];
  readonly apps: readonly AppOutcome[];
  /** The render and guardrails gates on the target after the edits; empty when nothing was edited. */
  readonly targetGates: readonly GateResult[];
  /** The branch the promotion was committed on, and the commit. */
  readonly branch?: string;
  readonly commit?: string;
}

/** Runs a promotion up to its commit; a pull request is the caller's next step. */
export async function promote(request: PromoteRequest): Promise<PromotionReport> {
  const unread = LIVE_GATES.filter((gate) => !request.skips.has(gate));
  if (!request.argo && unread.length > 0) {
    throw new Error(`promote: the gates ${unread.join(", ")} read Argo CD, and no way to read it was given`);
  }
  // The environments are checked in the checkout first, so a refusal names its files, not the worktree's.
  const declared = loadFleet(request.rootDir);
  assertPromotesFrom(declared, declarationOf(declared, request.from), declarationOf(declared, request.to));
  return withBaseCheckout(request.rootDir, (checkout) => promoteIn(checkout, request));
}

async function promoteIn(checkout: BaseCheckout, request: PromoteRequest): Promise<PromotionReport> {
  const dir = checkout.dir;
  const fleet = loadFleet(dir);
  const from = declarationOf(fleet, request.from);
  const to = declarationOf(fleet, request.to);
  assertPromotesFrom(fleet, from, to);
  const soak = soakOf(dir, from, to, request.skips);
  const apps = selectApps(dir, fleet, from.name, to.name, request.app);
  const source = await readSource({
    rootDir: dir,
    from: from.name,
    apps,
    ...(request.argo ? { argo: request.argo } : {}),
    soak,
    skips: request.skips,
    now: request.now,
  });
  if (request.app !== undefined) {
    const [only] = source.outcomes;
    if ("refused" in only) throw new InputError(only.refused);
    if ("tagged" in only) throw new InputError(only.tagged);
  }
  const refused = source.outcomes.some((o) => "refused" in o);
  const ready = source.outcomes.flatMap((o) => ("evidence" in o && gatesPass(o.evidence.gates) ? [o.evidence] : []));
  const target =
    ready.length > 0
      ? await promoteIntoTarget({
          rootDir: dir,
          cacheDir: path.join(request.rootDir, ".render-cache"),
          fleet,
          to: to.name,
          carried: ready,
        })
      : { changes: [], gates: [] as GateResult[] };
  const blocked = !gatesPass(target.gates);
  const outcomes: AppOutcome[] = source.outcomes.map((o) => {
    if ("refused" in o) return { app: o.app, status: "refused", reason: o.refused };
    if ("tagged" in o) return { app: o.app, status: "tagged", reason: o.tagged };
    const change = target.changes.find((c) => c.app === o.app);
    if (!change) {
      const unchanged = holdsAlready(dir, o.app, to.name, o.evidence.values);
      return { app: o.app, status: unchanged ? "unchanged" : "held", evidence: o.evidence };
    }
    if (!change.manifests) return { app: o.app, status: "unchanged", evidence: o.evidence };
    return { app: o.app, status: blocked ? "blocked" : "promoted", evidence: o.evidence, change };
  });
  const report: PromotionReport = {
    from: from.name,
    to: to.name,
    base: { commit: checkout.base, ...(checkout.branch ? { branch: checkout.branch } : {}) },
    stateRepo: source.stateRepo,
    ...(soak ? { soak } : {}),
    ...(request.argo ? { argo: request.argo.from } : {}),
    skips: [...request.skips].map(([gate, reason]) => ({ gate, reason })),
    apps: outcomes,
    targetGates: target.gates,
  };
  const promoted = promotedOf(report);
  // Bad input anywhere stops the whole batch: a fixed app then promotes with the others, in one branch.
  if (blocked || refused || promoted.length === 0) return report;
  const branch = branchName(to.name, request.app === undefined, promoted);
  const commit = await commitOnBranch(
    checkout,
    branch,
    [...new Set(promoted.flatMap((p) => p.change.edits.map((e) => e.file)))],
    commitMessage(report, promoted),
  );
  return { ...report, branch, commit };
}

type Promoted = Extract<AppOutcome, { change: TargetChange }> & { readonly status: "promoted" };

export function promotedOf(report: PromotionReport): Promoted[] {
  return report.apps.filter((a): a is Promoted => a.status === "promoted");
}

/**
 * 2 when anything is bad input (an app that cannot be promoted, a target that does not render or
 * breaks a mandatory guardrail), else 3 when a gate held an app back (not yet), else 0: promoted, or
 * nothing to promote.
 */
export function promotionExitCode(report: PromotionReport): ExitCode {
  if (report.apps.some((a) => a.status === "refused") || !gatesPass(report.targetGates)) return ExitCode.BadInput;
  if (report.apps.some((a) => a.status === "held")) return ExitCode.Changes;
  return ExitCode.Ok;
}

function assertPromotesFrom(fleet: Fleet, from: EnvironmentDeclaration, to: EnvironmentDeclaration): void {
  if (to.promotesFrom.includes(from.name)) return;
  const downstream = fleet.environments.filter((e) => e.promotesFrom.includes(from.name)).map((e) => e.name);
  const declared = to.promotesFrom.length > 0 ? `promotes from ${to.promotesFrom.join(", ")}` : "promotes from nothing";
  throw new InputError(
    `promote --to: received "${to.name}", which ${declared} (${PROMOTES_FROM_KEY} in ${to.file}); expected an ` +
      `environment that promotes from ${from.name}: ${downstream.length > 0 ? downstream.join(", ") : "none does"}`,
  );
}

/** The target's `promotion.soak`; bad input when it is missing and the soak gate is on. */
function soakOf(
  rootDir: string,
  from: EnvironmentDeclaration,
  to: EnvironmentDeclaration,
  skips: ReadonlyMap<LiveGate, string>,
): string | undefined {
  const config = readHydrationConfig(to.name, rootDir);
  const soak = config.gitops.promotion?.soak;
  if (soak !== undefined || skips.has("soak")) return soak;
  throw new InputError(
    `${config.file}: ${CONFIG_NAMESPACE}:gitops.promotion.soak: received nothing (the key is missing); expected how ` +
      `long ${from.name} must run a change Synced and Healthy before it moves to ${to.name}, such as 30m (0s: no wait)`,
  );
}

/** The app asked for, checked to run in both environments; or every app that runs in both. */
function selectApps(
  rootDir: string,
  fleet: Fleet,
  from: Environment,
  to: Environment,
  app: string | undefined,
): string[] {
  const catalogDir = path.join(rootDir, CATALOG_DIR);
  const options = { catalogDir, environments: fleet.environments.map((e) => e.name) };
  const inTarget = new Set(loadCatalog(to, options).map((a) => a.name));
  const inSource = loadCatalog(from, options).map((a) => a.name);
  if (app === undefined) return inSource.filter((name) => inTarget.has(name));
  const known = fs
    .readdirSync(catalogDir)
    .filter((name) => fs.existsSync(path.join(catalogDir, name, "app.yaml")))
    .sort();
  if (!known.includes(app)) {
    throw new InputError(
      `promote --app: received ${shownValue(app)}; expected an app of the catalog (${CATALOG_DIR}/<app>/app.yaml): ` +
        (known.length > 0 ? known.join(", ") : "the catalog is empty"),
    );
  }
  for (const [env, runs] of [
    [from, inSource.includes(app)],
    [to, inTarget.has(app)],
  ] as const) {
    if (runs) continue;
    throw new InputError(
      `promote --app: received "${app}", which does not run in ${env} (no ${CATALOG_DIR}/${app}/${env}.yaml, or ` +
        `enabled: false there); expected an app that runs in ${from} and ${to} (promote never adds an app to an environment)`,
    );
  }
  return [app];
}

/** `promote/<app>/<to>-<short digest>`, or `promote/all/<to>-<hash of what moves>` for a batch. */
export function branchName(to: Environment, batch: boolean, promoted: readonly Promoted[]): string {
  const values = (p: Promoted) => p.evidence.values.map((v) => v.value);
  if (!batch) return `promote/${promoted[0].app}/${to}-${shortValue(values(promoted[0])[0])}`;
  const lines = promoted.map((p) => `${p.app}=${values(p).join(",")}`).sort();
  return `promote/all/${to}-${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 12)}`;
}

/** A digest's first 12 hex digits; another value (a version) as a ref-safe name. */
export function shortValue(value: string): string {
  if (value.startsWith("sha256:")) return value.slice("sha256:".length, "sha256:".length + 12);
  return value.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** `gitops/apps/demo/production.yaml: image.tag 6.7.0 -> sha256:…`, as the commit and the terminal show an edit. */
export function editLine(edit: TargetEdit): string {
  return `${edit.file}: ${edit.field} ${edit.previous ?? "(unset)"} -> ${edit.value}`;
}

function commitMessage(report: PromotionReport, promoted: readonly Promoted[]): string {
  const subject =
    promoted.length === 1
      ? `promote ${promoted[0].app} to ${report.to}: ${shortValue(promoted[0].evidence.values[0].value)}`
      : `promote ${promoted.length} apps from ${report.from} to ${report.to}`;
  const body = promoted.flatMap(({ evidence, change }) => [
    ...change.edits.map(editLine),
    `  what ${report.from} runs: ${evidence.values.map((v) => v.shown).join(", ")}, ` +
      `state repo ${evidence.revision.slice(0, 12)}${evidence.sourceCommit ? ` (Source-Commit ${evidence.sourceCommit.slice(0, 12)})` : ""}`,
    `  gates: ${evidence.gates.map((g) => `${g.gate} ${g.status}`).join(", ")}`,
  ]);
  const skipped = report.skips.map((s) => `Skipped gate ${s.gate}: ${s.reason}`);
  return [
    subject,
    "",
    ...body,
    ...(skipped.length > 0 ? ["", ...skipped] : []),
    "",
    `Promoted-From: ${report.from}`,
  ].join("\n");
}
