import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { InputError } from "../../config";
import { readHydrationConfig } from "../../gitops/environment-config";
import { Environment } from "../../stack";
import { openConfiguredStateRepo } from "../status/gather";
import { Kubectl, readApplications } from "../status/status";
import { GateResult, LiveGate, unreadGates } from "./gates";
import { PromotedValue, resolvePromotion, RunsByTagError } from "./resolve";
import { judgeSourceApp, SourceVerdict } from "./source-gate";
import { appFilesAt, hasCommit, headOf, sourceCommitAt } from "./state-history";

/** What the source runs of one app, and the evidence for it. */
export interface SourceEvidence {
  readonly app: string;
  readonly gates: readonly GateResult[];
  /** What Argo CD reported; undefined when it was not read (every live gate skipped). */
  readonly verdict?: SourceVerdict;
  /** The state-repo commit the values were read at. */
  readonly revision: string;
  /** The catalog commit that hydration came from (its Source-Commit trailer). */
  readonly sourceCommit?: string;
  readonly values: readonly PromotedValue[];
}

/** One app of the source: its evidence, or why it cannot be promoted at all (bad input). */
export type SourceOutcome =
  | { readonly app: string; readonly evidence: SourceEvidence }
  | { readonly app: string; readonly refused: string }
  /** The source runs it by tag (RunsByTagError). */
  | { readonly app: string; readonly tagged: string };

export interface ReadSourceArgs {
  /** The project checkout whose config names the source's state repo. */
  readonly rootDir: string;
  readonly from: Environment;
  readonly apps: readonly string[];
  /** The source's Argo CD; undefined only when every live gate is skipped. */
  readonly argo?: { readonly kubectl: Kubectl; readonly from: string };
  readonly soak: string | undefined;
  readonly skips: ReadonlyMap<LiveGate, string>;
  readonly now: Date;
}

export interface SourceReading {
  /** The source's state repo as its config names it (credentials hidden). */
  readonly stateRepo: string;
  readonly outcomes: readonly SourceOutcome[];
}

/**
 * Reads what the source runs of each app: the live Applications (once, for every app), then each
 * app's hydrated files at the commit Argo CD runs (the state repo's head when Argo CD is not read),
 * from a clone of the source's state repo, removed afterwards. A cluster that cannot be read throws.
 */
export async function readSource(args: ReadSourceArgs): Promise<SourceReading> {
  const config = readHydrationConfig(args.from, args.rootDir);
  let applications: readonly IApplication[] | undefined;
  if (args.argo) {
    const read = await readApplications(args.argo.kubectl);
    if ("reason" in read) throw new Error(`${args.from}'s Argo CD (${args.argo.from}): ${read.reason}`);
    applications = read.items;
  }
  const copy = await openConfiguredStateRepo(args.from, args.rootDir, config);
  try {
    const head = await headOf(copy.dir);
    const outcomes: SourceOutcome[] = [];
    for (const app of args.apps) {
      try {
        outcomes.push({ app, evidence: await readApp(app, args, applications, copy.dir, copy.stateRepo, head) });
      } catch (err) {
        if (err instanceof RunsByTagError) outcomes.push({ app, tagged: err.message });
        else if (err instanceof InputError) outcomes.push({ app, refused: err.message });
        else throw err;
      }
    }
    return { stateRepo: copy.stateRepo, outcomes };
  } finally {
    copy.close();
  }
}

async function readApp(
  app: string,
  args: ReadSourceArgs,
  applications: readonly IApplication[] | undefined,
  dir: string,
  stateRepo: string,
  head: string | undefined,
): Promise<SourceEvidence> {
  const verdict = applications
    ? await judgeSourceApp({
        app,
        application: applications.find((a) => a.metadata?.name === app),
        stateRepo: dir,
        soak: args.soak,
        skips: args.skips,
        now: args.now,
      })
    : undefined;
  const revision = verdict?.revision ?? head;
  const never = `${args.from}: app ${app} was never hydrated: the state repo ${stateRepo}`;
  const expected = `expected a hydration of ${args.from} (hydrate --env ${args.from} --push; up runs it)`;
  if (revision === undefined) throw new InputError(`${never} has no commit; ${expected}`);
  if (!(await hasCommit(dir, revision))) {
    throw new InputError(
      `${args.from}: Argo CD runs app ${app} at ${revision}, which the state repo ${stateRepo} does not have; ` +
        "expected a commit of its branch (does the Application sync another repository?)",
    );
  }
  const files = await appFilesAt(dir, revision, app);
  if (files.size === 0) throw new InputError(`${never} has no apps/${app}/ at ${revision.slice(0, 12)}; ${expected}`);
  const where = `${args.from}'s state repo ${stateRepo} at ${revision.slice(0, 12)}`;
  const values = resolvePromotion(app, files, { env: args.from, where });
  const sourceCommit = await sourceCommitAt(dir, revision);
  return {
    app,
    gates: verdict?.gates ?? unreadGates(args.skips),
    ...(verdict ? { verdict } : {}),
    revision,
    ...(sourceCommit ? { sourceCommit } : {}),
    values,
  };
}
