import type { LiveDrift } from "../status/live-drift";
import { Environment, Layer, stackIdentity } from "../../stack";
import { PackFinding, StackChanges } from "./engine-events";
import { ManifestPreview } from "./preview";
import { DriverContext, mandatoryPackFindings, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `drift`: does the world still match what was deployed? Each stack gets a refresh preview with
 * expect-no-changes (nothing is written: neither state nor cloud), and the hydrated catalog is
 * compared with the state repo. Argo CD watches the cluster against the state repo; this watches
 * the two things it cannot see: the cloud against Pulumi's state, and the state repo against the
 * catalog. `pulumi refresh` takes no policy pack, so each deployed stack then gets a preview with
 * the project's pack: a guardrail added or raised since the last deploy shows here, not at the
 * next deploy.
 */

export interface StackDrift {
  readonly stack: string;
  readonly drifted: boolean;
  /** The stack does not exist: nothing deployed, so nothing to drift. */
  readonly missing?: boolean;
  readonly changes?: StackChanges;
  readonly error?: string;
  /** What the policy pack reported in a preview of the stack; absent when it did not run. */
  readonly policy?: readonly PackFinding[];
  /** Why the policy pack's preview failed, when not for a violation. */
  readonly policyError?: string;
}

export interface DriftReport {
  readonly env: Environment;
  readonly stacks: readonly StackDrift[];
  readonly manifests: ManifestPreview;
  /** The cluster against the state repo, as Argo CD reports it; absent when not asked. */
  readonly cluster?: LiveDrift;
}

export async function detectDrift(
  env: Environment,
  layers: readonly Layer[],
  context: DriverContext,
): Promise<DriftReport> {
  const stacks: StackDrift[] = [];
  for (const layer of layers) {
    const target = stackIdentity(layer, env);
    context.log(`drift: ${target.name}: refresh preview, expecting no changes`);
    try {
      const { changes, drifted, missing } = await runStackOperation(target, "drift", context);
      const status = missing ? "not deployed" : drifted ? `drifted (${changes.resources.length} resources)` : "in sync";
      context.log(`drift: ${target.name}: ${status}`);
      const policy = missing ? {} : await judgeWithPack(target, context);
      stacks.push({ stack: target.name, drifted, changes, ...(missing ? { missing } : {}), ...policy });
    } catch (err) {
      if (!(err instanceof StackOperationError)) throw err;
      context.log(`drift: ${err.message}`);
      stacks.push({ stack: target.name, drifted: false, error: err.reason });
    }
  }
  let manifests: ManifestPreview;
  try {
    manifests = await context.gitops.manifestDiff(env);
  } catch (err) {
    manifests = { error: err instanceof Error ? err.message : String(err) };
  }
  return { env, stacks, manifests };
}

async function judgeWithPack(
  target: ReturnType<typeof stackIdentity>,
  context: DriverContext,
): Promise<Pick<StackDrift, "policy" | "policyError">> {
  context.log(`drift: ${target.name}: preview with the policy pack`);
  try {
    return { policy: (await runStackOperation(target, "preview", context)).changes.policy };
  } catch (err) {
    if (!(err instanceof StackOperationError)) throw err;
    const policy = err.changes?.policy ?? [];
    return mandatoryPackFindings(err.changes).length > 0 ? { policy } : { policy, policyError: err.reason };
  }
}

export function driftFound(report: DriftReport): boolean {
  return (
    report.stacks.some((s) => s.drifted) ||
    ("changes" in report.manifests && report.manifests.changes.length > 0) ||
    (report.cluster !== undefined && "applications" in report.cluster && report.cluster.applications.length > 0)
  );
}

/** A check failed, or a deployed stack breaks a mandatory guardrail. */
export function driftCheckFailed(report: DriftReport): boolean {
  return (
    report.stacks.some(
      (s) =>
        s.error !== undefined ||
        s.policyError !== undefined ||
        (s.policy ?? []).some((f) => f.severity === "mandatory"),
    ) || "error" in report.manifests
  );
}
