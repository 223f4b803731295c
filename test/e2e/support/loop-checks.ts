import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { ARGOCD_NAMESPACE } from "./argocd";
import { notificationsCmData, Values } from "./argocd-settings";
import { Application, GitopsLoop } from "./gitops-loop";
import { KubeObject } from "./kube-api";
import { binary } from "./process";

/**
 * Every field the hydrated object sets holds in the live object. The server adds defaults
 * (a container's terminationMessagePath, a Service's clusterIP) and Argo CD its tracking
 * annotation; those are extra, never different.
 */
export function assertLiveHolds(live: unknown, desired: unknown, at: string): void {
  if (Array.isArray(desired)) {
    assert.ok(Array.isArray(live), `${at}: live is not a list`);
    assert.equal(live.length, desired.length, `${at}: list length`);
    desired.forEach((item, i) => assertLiveHolds(live[i], item, `${at}[${i}]`));
  } else if (desired !== null && typeof desired === "object") {
    assert.ok(live !== null && typeof live === "object", `${at}: live is not a map`);
    for (const [key, value] of Object.entries(desired)) {
      assertLiveHolds((live as Record<string, unknown>)[key], value, `${at}.${key}`);
    }
  } else {
    assert.equal(live, desired, at);
  }
}

/** Everything Argo CD says about why an Application did not sync: conditions, operation and per-resource messages. */
export function refusalsOf(app: Application | undefined): string {
  const status = app?.status;
  return [
    ...(status?.conditions ?? []).map((c) => c.message),
    status?.operationState?.message ?? "",
    ...(status?.operationState?.syncResult?.resources ?? []).map((r) => r.message ?? ""),
  ].join("\n");
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Figures the loop prints when it ends: measured, never asserted. */
export class Figures {
  private readonly rows: [string, number][] = [];

  add(what: string, ms: number): void {
    this.rows.push([what, ms]);
  }

  render(): string {
    const width = Math.max(...this.rows.map(([what]) => what.length), 0);
    return [
      "GitOps loop figures:",
      ...this.rows.map(([w, ms]) => `  ${w.padEnd(width)}  ${(ms / 1000).toFixed(1)} s`),
    ].join("\n");
  }
}

/**
 * argocd-notifications-cm as the chart writes it from our values, applied to the cluster, and a
 * runner of `argocd admin notifications trigger run`: it evaluates a trigger's conditions against
 * the live Application, as the notifications controller would, and prints one result per condition.
 */
export async function notificationsTrigger(
  loop: GitopsLoop,
  argocdValues: Values,
): Promise<(trigger: string, app: string) => Promise<boolean[]>> {
  const configMap: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "argocd-notifications-cm", namespace: ARGOCD_NAMESPACE },
    data: notificationsCmData(argocdValues),
  };
  await loop.api.apply(configMap);
  return (trigger, app) =>
    new Promise((resolve, reject) => {
      const args = ["admin", "notifications", "trigger", "run", trigger, app, "--kubeconfig", loop.argocd.kubeconfig];
      execFile(binary("argocd"), args, (error, stdout, stderr) => {
        // The command reports a failure on stderr and still exits 0.
        if (error || stderr.trim())
          return reject(new Error(`argocd ${args.join(" ")}: ${stderr.trim() || error?.message}`));
        const rows = stdout.trim().split("\n").slice(1);
        resolve(rows.map((row) => row.trim().split(/\s+/).pop() === "true"));
      });
    });
}
