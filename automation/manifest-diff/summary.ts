import type { Tier } from "../../environments";
import { countObjects } from "../../gitops/render-diff";
import { FileChange } from "../../gitops/state-repo/diff";
import { Environment } from "../../stack";
import { compareCodeUnits } from "../../order";

/** The words a manifest diff is summed up in, the same in `hydrate --diff` and in the PR comment. */

/** `Deployment` → `Deployments`, `Ingress` → `Ingresses`, `NetworkPolicy` → `NetworkPolicies`. */
export function kindPlural(kind: string, count: number): string {
  if (count === 1) return `${count} ${kind}`;
  if (/(s|x|z|ch|sh)$/.test(kind)) return `${count} ${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${count} ${kind.slice(0, -1)}ies`;
  return `${count} ${kind}s`;
}

/** The changed objects by kind: `3 Deployments modified, 1 Ingress added`. */
export function objectsText(files: readonly FileChange[]): string {
  return countObjects(files)
    .map((c) => `${kindPlural(c.kind, c.count)} ${c.status}`)
    .join(", ");
}

/** `1 file added, 3 modified, 0 deleted`. */
export function filesText(files: readonly FileChange[]): string {
  const count = (status: FileChange["status"]) => files.filter((f) => f.status === status).length;
  const added = count("added");
  return `${added} file${added === 1 ? "" : "s"} added, ${count("modified")} modified, ${count("deleted")} deleted`;
}

/** The apps of `files`, sorted. */
export function appsOf(files: readonly FileChange[]): string[] {
  return [...new Set(files.map((f) => f.app))].sort();
}

/** `a`, `b`, `c` and 12 more: at most `max` names, so that a summary stays one line. */
export function namesText(names: readonly string[], quote: (name: string) => string, max = 8): string {
  const shown = names.slice(0, max).map(quote);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

export interface BlastRadiusInput {
  readonly env: Environment;
  readonly tier?: Tier;
  readonly changes: readonly FileChange[];
}

export interface BlastRadiusRow {
  readonly env: Environment;
  readonly tier?: Tier;
  readonly apps: readonly string[];
  readonly objects: string;
}

/**
 * Which environments and apps a change touches, and what kinds of objects: one row per environment
 * whose manifests change, production-tier environments first, so that a change reaching production
 * from a staging-looking pull request (a shared app.yaml) shows at the top.
 */
export function blastRadius(environments: readonly BlastRadiusInput[]): BlastRadiusRow[] {
  const rank = (tier: Tier | undefined) => (tier === "production" ? 0 : 1);
  return environments
    .filter((e) => e.changes.length > 0)
    .map((e) => ({ env: e.env, tier: e.tier, apps: appsOf(e.changes), objects: objectsText(e.changes) }))
    .sort((a, b) => rank(a.tier) - rank(b.tier) || compareCodeUnits(a.env, b.env));
}
