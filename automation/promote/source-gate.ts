import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { soakMilliseconds } from "../../gitops/config";
import { ARGOCD_NAMESPACE } from "../../platform/components";
import {
  GateResult,
  gatesPass,
  judgeSource,
  LiveGate,
  observeApplication,
  runningRevision,
  SourceObservation,
} from "./gates";
import { sameAppTree } from "./state-history";

/** What the source's Argo CD says of one app, judged: the three live gates. */
export interface SourceVerdict {
  readonly app: string;
  /** No gate failed (skipped ones count as passed). */
  readonly passed: boolean;
  readonly gates: readonly GateResult[];
  readonly observation: SourceObservation;
  /** The state-repo commit whose `apps/<app>/` the source runs (see runningRevision). */
  readonly revision?: string;
}

export interface JudgeAppArgs {
  readonly app: string;
  /** The Application, as `kubectl get applications.argoproj.io -o json` lists it; undefined when there is none. */
  readonly application: IApplication | undefined;
  /** A local git directory (a clone or a bare repository) with the source state repo's history. */
  readonly stateRepo: string;
  /** `promotion.soak` as written (`30m`); undefined when the target has none. */
  readonly soak: string | undefined;
  readonly skips?: ReadonlyMap<LiveGate, string>;
  readonly now: Date;
}

/** Judges one app's Application: the revision it runs, and the synced, healthy and soak gates. */
export async function judgeSourceApp(args: JudgeAppArgs): Promise<SourceVerdict> {
  const observation = observeApplication(args.app, ARGOCD_NAMESPACE, args.application);
  const revision = runningRevision(observation);
  const deployed = observation.operation?.revision;
  const deployedSameTree =
    revision && deployed && deployed !== revision
      ? await sameAppTree(args.stateRepo, deployed, revision, args.app)
      : undefined;
  const gates = judgeSource({
    observation,
    soak: args.soak === undefined ? undefined : { text: args.soak, ms: soakMilliseconds(args.soak) },
    now: args.now,
    ...(deployedSameTree === undefined ? {} : { deployedSameTree }),
    skips: args.skips ?? new Map(),
  });
  return { app: args.app, passed: gatesPass(gates), gates, observation, ...(revision ? { revision } : {}) };
}
