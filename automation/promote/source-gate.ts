import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { soakMilliseconds } from "../../gitops/config";
import { ARGOCD_NAMESPACE } from "../../platform/components";
import { Kubectl, kubectlAt, readApplications } from "../status/status";
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
  readonly namespace: string;
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
  const observation = observeApplication(args.app, args.namespace, args.application);
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

export interface SourceGateArgs {
  /** A kubeconfig file that reaches the source cluster. */
  readonly kubeconfig: string;
  readonly context?: string;
  readonly app: string;
  /** Where the Applications live; Argo CD's namespace by default. */
  readonly namespace?: string;
  readonly stateRepo: string;
  readonly soak: string;
  readonly now?: Date;
  /** Replaces the kubectl client (tests replay recorded objects). */
  readonly kubectl?: Kubectl;
}

/**
 * The promotion gate on the source, from its live Application: Synced (its last operation having
 * deployed what the synced revision holds), Healthy, and soaked for `soak`. Reads Argo CD through
 * the kubeconfig; a cluster that cannot be read throws, with kubectl's own words.
 */
export async function checkSourceGate(args: SourceGateArgs): Promise<SourceVerdict> {
  const namespace = args.namespace ?? ARGOCD_NAMESPACE;
  const read = await readApplications(args.kubectl ?? kubectlAt(args.kubeconfig, args.context), namespace);
  if ("reason" in read) throw new Error(read.reason);
  return judgeSourceApp({
    app: args.app,
    namespace,
    application: read.items.find((a) => a.metadata?.name === args.app),
    stateRepo: args.stateRepo,
    soak: args.soak,
    now: args.now ?? new Date(),
  });
}
