import { Environment, Layer, stackIdentity } from "../../stack";
import { StackChanges } from "./engine-events";
import { ManifestPreview } from "./preview";
import { DriverContext, runStackOperation, StackOperationError } from "./stack-operation";

/**
 * `drift`: does the world still match what was deployed? Each stack gets a refresh preview with
 * expect-no-changes (nothing is written: neither state nor cloud), and the hydrated catalog is
 * compared with the state repo. Argo CD watches the cluster against the state repo; this watches
 * the two things it cannot see: the cloud against Pulumi's state, and the state repo against the
 * catalog.
 */

export interface StackDrift {
  readonly stack: string;
  readonly drifted: boolean;
  /** The stack does not exist: nothing deployed, so nothing to drift. */
  readonly missing?: boolean;
  readonly changes?: StackChanges;
  readonly error?: string;
}

export interface DriftReport {
  readonly env: Environment;
  readonly stacks: readonly StackDrift[];
  readonly manifests: ManifestPreview;
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
      stacks.push({ stack: target.name, drifted, changes, ...(missing ? { missing } : {}) });
      const status = missing ? "not deployed" : drifted ? `drifted (${changes.resources.length} resources)` : "in sync";
      context.log(`drift: ${target.name}: ${status}`);
    } catch (err) {
      if (!(err instanceof StackOperationError)) throw err;
      context.log(`drift: ${err.message}`);
      stacks.push({ stack: target.name, drifted: false, error: err.reason });
    }
  }
  let manifests: ManifestPreview;
  try {
    manifests = { changes: await context.gitops.manifestDiff(env) };
  } catch (err) {
    manifests = { error: err instanceof Error ? err.message : String(err) };
  }
  return { env, stacks, manifests };
}

export function driftFound(report: DriftReport): boolean {
  return report.stacks.some((s) => s.drifted) || ("changes" in report.manifests && report.manifests.changes.length > 0);
}

export function driftCheckFailed(report: DriftReport): boolean {
  return report.stacks.some((s) => s.error !== undefined) || "error" in report.manifests;
}
