import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import * as path from "node:path";
import { redactUrlCredentials } from "../../config";
import { loadCatalog } from "../../gitops/catalog/catalog";
import { HydrationConfig, readHydrationConfig } from "../../gitops/environment-config";
import { isRemoteUrl, tryGit } from "../../gitops/state-repo/git";
import { openWorkingCopy, WorkingCopy } from "../../gitops/state-repo/target";
import { Component, COMPONENTS, Owner } from "../../platform/components";
import { Environment } from "../../stack";
import { AppStatus, joinStatus, Kubectl, readApplications, StatusReport } from "./status";

/** Where Argo CD is asked: a kubectl over a kubeconfig, or why there is none. */
export type ArgoSource = { readonly kubectl: Kubectl; readonly from: string } | { readonly reason: string };

/**
 * The status of `env`: the apps the catalog enables there, each one's last hydration in the
 * configured state repo (cloned read-only when remote), and the live Applications.
 */
export async function gatherStatus(
  env: Environment,
  source: { readonly rootDir: string; readonly catalogDir?: string },
  argo: ArgoSource,
): Promise<StatusReport> {
  const { rootDir } = source;
  const config = readHydrationConfig(env, rootDir);
  const apps = loadCatalog(env, { catalogDir: source.catalogDir }).map((a) => a.name);
  const { url, targetRevision } = config.platform.stateRepo;
  const hydrated = new Map<string, AppStatus["hydrated"]>();
  let stateRepo: StatusReport["stateRepo"] = { url: redactUrlCredentials(url), branch: targetRevision };
  try {
    const copy = await openConfiguredStateRepo(env, rootDir, config);
    try {
      const head = await tryGit(copy.dir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
      if (head.code === 0) stateRepo = { ...stateRepo, head: head.stdout.trim() };
      for (const app of apps) {
        const log = await tryGit(copy.dir, [
          "log",
          "-1",
          "--format=%H%x09%cI%x09%(trailers:key=Source-Commit,valueonly,separator=%x2C)",
          "--",
          `apps/${app}`,
        ]);
        const [commit, date, source] = log.stdout.trim().split("\t");
        if (log.code === 0 && commit) hydrated.set(app, { commit, date, ...(source ? { sourceCommit: source } : {}) });
      }
    } finally {
      copy.close();
    }
  } catch (err) {
    stateRepo = { ...stateRepo, error: redactUrlCredentials(err instanceof Error ? err.message : String(err)) };
  }
  const applications = await applicationsFrom(argo);
  return joinStatus({
    env,
    stateRepo,
    apps,
    hydrated,
    owners: Object.fromEntries(COMPONENTS.map((c) => [c, config.platform.releases[c].owner])) as Record<
      Component,
      Owner
    >,
    applications,
  });
}

/** The state repo `env`'s config names, cloned into a temporary directory when remote; `close()` removes it. */
export function openConfiguredStateRepo(
  env: Environment,
  rootDir: string,
  config: HydrationConfig,
): Promise<WorkingCopy> {
  const { url, targetRevision } = config.platform.stateRepo;
  return openWorkingCopy(isRemoteUrl(url) ? url : path.resolve(rootDir, url), {
    rootDir,
    env,
    branch: targetRevision,
    branchKey: `gitops-platform:platform.stateRepo.targetRevision in ${config.file}`,
  });
}

async function applicationsFrom(
  argo: ArgoSource,
): Promise<{ items: readonly IApplication[]; from: string } | { reason: string }> {
  if ("reason" in argo) return { reason: argo.reason };
  const read = await readApplications(argo.kubectl);
  return "items" in read ? { items: read.items, from: argo.from } : read;
}
