import { AppChanges, describeChanges } from "../../gitops/state-repo/diff";
import { planChanges } from "../../gitops/state-repo/working-copy";

/**
 * The rendered-manifest diff a promotion shows, per app: the target environment rendered before and
 * after the edit, compared file by file (unified diffs with git-style headers). The one place that
 * computes it, so the render-vs-render diff of the pull-request comment can take its place.
 */
export function manifestDiff(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): readonly AppChanges[] {
  return describeChanges(before, after, planChanges(before, after));
}
