import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { ArgoSource } from "./gather";
import { readApplications } from "./status";

/**
 * The GitOps half of drift: what Argo CD itself reports diverging. Argo CD compares the cluster
 * with the state repo continuously; this reads its verdict from the live Application objects
 * (never recomputes it), so `drift` covers the cloud against Pulumi's state, the state repo against
 * the catalog, and the cluster against the state repo in one report.
 */

export interface DivergedApplication {
  readonly name: string;
  readonly sync: string;
  readonly health: string;
  /** The state repo revision Argo CD compared with. */
  readonly revision?: string;
  /** `kind namespace/name` of each resource Argo CD reports not Synced (`status.resources[].status`). */
  readonly outOfSync: readonly string[];
}

export type LiveDrift =
  { readonly from: string; readonly applications: readonly DivergedApplication[] } | { readonly reason: string };

/** Every Application not Synced and Healthy, with the resources it reports out of sync. Pure. */
export function divergedApplications(items: readonly IApplication[]): DivergedApplication[] {
  return items
    .map((app): DivergedApplication => {
      const status = app.status;
      return {
        name: app.metadata?.name ?? "?",
        sync: status?.sync?.status ?? "Unknown",
        health: status?.health?.status ?? "Unknown",
        ...(status?.sync?.revision ? { revision: status.sync.revision } : {}),
        outOfSync: (status?.resources ?? [])
          .filter((r) => r.status !== undefined && r.status !== "Synced")
          .map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`),
      };
    })
    .filter((app) => app.sync !== "Synced" || app.health !== "Healthy")
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function readLiveDrift(argo: ArgoSource): Promise<LiveDrift> {
  if ("reason" in argo) return { reason: argo.reason };
  const read = await readApplications(argo.kubectl);
  return "items" in read ? { from: argo.from, applications: divergedApplications(read.items) } : read;
}
