import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { execFile } from "node:child_process";
import { ARGOCD_NAMESPACE, COMPONENTS, Component, Owner } from "../../platform/components";
import { Environment } from "../../stack";

/**
 * `status`: per app, the commit the state repo last changed it in, and what Argo CD reports for its
 * Application (sync status, health, the revision it runs, its last operation); per platform
 * release, its owner and the same from its Application when Argo CD owns it. Everything comes from
 * the state repo's history and the live Application objects; what cannot be read is said, never
 * filled in.
 */

export interface Kubectl {
  (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

/** The kubectl client against a kubeconfig file (and context), as `kubectl get ... -o json` reads it. */
export function kubectlAt(kubeconfig: string | undefined, context: string | undefined): Kubectl {
  const base = [...(kubeconfig ? ["--kubeconfig", kubeconfig] : []), ...(context ? ["--context", context] : [])];
  return (args) =>
    new Promise((resolve) => {
      execFile(
        "kubectl",
        [...base, ...args],
        { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== "number" ? err.message : "") });
        },
      );
    });
}

/** What Argo CD reports for one Application, read from its status. */
export interface ArgoStatus {
  readonly sync: string;
  readonly health: string;
  /** The state repo revision the Application is synced to (`status.sync.revision`). */
  readonly revision?: string;
  /** The last operation: `status.operationState.phase`, with its message when it did not succeed. */
  readonly phase?: string;
  readonly message?: string;
  readonly reconciledAt?: string;
}

export interface AppStatus {
  readonly app: string;
  /** The last state-repo commit that touched `apps/<app>/`, or undefined when it was never hydrated. */
  readonly hydrated?: { readonly commit: string; readonly date: string; readonly sourceCommit?: string };
  /** Undefined when Argo CD could not be asked (see `StatusReport.argo`). */
  readonly argo?: ArgoStatus | "no Application";
}

export interface ReleaseStatus {
  readonly release: Component;
  readonly owner: Owner;
  readonly argo?: ArgoStatus | "no Application";
}

export interface StatusReport {
  readonly env: Environment;
  readonly stateRepo: {
    readonly url: string;
    readonly branch: string;
    readonly head?: string;
    readonly error?: string;
  };
  /** Where the Applications were read, or why they could not be. */
  readonly argo: { readonly read: true; readonly from: string } | { readonly read: false; readonly reason: string };
  readonly apps: readonly AppStatus[];
  readonly releases: readonly ReleaseStatus[];
}

export function argoStatus(app: IApplication): ArgoStatus {
  const s = app.status;
  const op = s?.operationState;
  return {
    sync: s?.sync?.status ?? "Unknown",
    health: s?.health?.status ?? "Unknown",
    ...(s?.sync?.revision ? { revision: s.sync.revision } : {}),
    ...(op ? { phase: op.phase } : {}),
    ...(op && op.phase !== "Succeeded" && op.message ? { message: op.message } : {}),
    ...(s?.reconciledAt ? { reconciledAt: s.reconciledAt } : {}),
  };
}

/** Reads the Applications in Argo CD's namespace; the reason when they cannot be read. */
export async function readApplications(
  kubectl: Kubectl,
): Promise<{ items: readonly IApplication[] } | { reason: string }> {
  const listed = await kubectl(["get", "applications.argoproj.io", "-n", ARGOCD_NAMESPACE, "-o", "json"]);
  if (listed.code !== 0) {
    return {
      reason: `kubectl get applications.argoproj.io -n ${ARGOCD_NAMESPACE} failed: ${listed.stderr.trim().split("\n")[0]}`,
    };
  }
  return { items: (JSON.parse(listed.stdout) as { items?: IApplication[] }).items ?? [] };
}

/** Joins the state repo's view and Argo CD's: pure, so the table and --json come from the same data. */
export function joinStatus(args: {
  env: Environment;
  stateRepo: StatusReport["stateRepo"];
  apps: readonly string[];
  hydrated: ReadonlyMap<string, AppStatus["hydrated"]>;
  owners: Readonly<Record<Component, Owner>>;
  applications: { items: readonly IApplication[]; from: string } | { reason: string };
}): StatusReport {
  const byName = new Map(
    "items" in args.applications ? args.applications.items.map((a) => [a.metadata?.name ?? "", a] as const) : [],
  );
  const argoOf = (name: string): ArgoStatus | "no Application" | undefined => {
    if (!("items" in args.applications)) return undefined;
    const app = byName.get(name);
    return app ? argoStatus(app) : "no Application";
  };
  return {
    env: args.env,
    stateRepo: args.stateRepo,
    argo:
      "items" in args.applications
        ? { read: true, from: args.applications.from }
        : { read: false, reason: args.applications.reason },
    apps: args.apps.map((app) => {
      const hydrated = args.hydrated.get(app);
      const argo = argoOf(app);
      return { app, ...(hydrated ? { hydrated } : {}), ...(argo ? { argo } : {}) };
    }),
    releases: COMPONENTS.map((release) => {
      const argo = argoOf(release);
      return { release, owner: args.owners[release], ...(argo ? { argo } : {}) };
    }),
  };
}
