import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import { Command } from "./run";
import { ChartApp, ChartSource } from "./schema";

/** What `helm template` is told about the cluster, per environment. */
export interface HelmCluster {
  /** `Capabilities.KubeVersion`: the environment's `kubernetesVersion`. */
  readonly kubeVersion: string;
  /** `Capabilities.APIVersions` beyond the built-in ones: the platform's CRDs. */
  readonly apiVersions: readonly string[];
}

/**
 * `helm template` as Argo CD's repo server runs it for a chart, with release name = app and
 * namespace = app. Not `--include-crds`: a chart's crds/ folder is cluster-wide, and CRDs are the
 * platform's to install (an app's AppProject admits only its own namespace), so the render leaves
 * them out and a CRD in templates/ is refused like any cluster-scoped kind. `--skip-tests`: `helm
 * test` hooks have no Argo CD equivalent. Values come on stdin (`-f -`) as JSON, which is YAML.
 */
export function helmTemplateCommand(helm: string, app: ChartApp, chartRef: string, cluster: HelmCluster): Command {
  return {
    what: `app ${app.name}: helm template`,
    file: helm,
    args: [
      "template",
      app.name,
      chartRef,
      "--namespace",
      app.name,
      "--kube-version",
      cluster.kubeVersion,
      ...cluster.apiVersions.flatMap((v) => ["--api-versions", v]),
      "--skip-tests",
      "--values",
      "-",
    ],
    input: JSON.stringify(app.values),
  };
}

/** Where a repository chart is: `oci://…/<name>`, or `<name>` in the repository's index.yaml. */
export function chartReference(chart: ChartSource): string {
  return chart.repository?.startsWith("oci://")
    ? `${chart.repository.replace(/\/+$/, "")}/${chart.name}`
    : `${chart.name}`;
}

/** `helm pull` of the exact version into `destination`. */
export function helmPullCommand(helm: string, app: ChartApp, destination: string, env: NodeJS.ProcessEnv): Command {
  const { chart } = app;
  const repo = chart.repository?.startsWith("oci://") ? [] : ["--repo", chart.repository ?? ""];
  return {
    what: `app ${app.name}: helm pull ${chart.name} ${chart.version} from ${chart.repository}`,
    file: helm,
    args: ["pull", chartReference(chart), ...repo, "--version", chart.version ?? "", "--destination", destination],
    env,
  };
}

/** sha256 of a file, as a digest (`sha256:…`). */
export function fileDigest(file: string): string {
  return `sha256:${createHash("sha256").update(fs.readFileSync(file)).digest("hex")}`;
}

/** The archive a `helm pull` left in `destination`: exactly one .tgz. */
export function pulledArchive(destination: string, app: ChartApp): string {
  const archives = fs.readdirSync(destination).filter((file) => file.endsWith(".tgz"));
  if (archives.length !== 1) {
    throw new InputError(`app ${app.name}: helm pull left ${archives.length} chart archives; expected one`);
  }
  return path.join(destination, archives[0]);
}

/**
 * Checks a pulled archive against the lock in the catalog. No lock, or another digest, is an
 * error that shows the pulled digest, to be recorded once it has been checked against the
 * publisher's; nothing renders from an unchecked archive.
 */
export function checkLock(app: ChartApp, archive: string): string {
  const digest = fileDigest(archive);
  const { chart } = app;
  const what = `${chart.name}-${chart.version}.tgz from ${chart.repository}`;
  if (chart.digest === undefined) {
    throw new InputError(
      `${app.lockFile}: ${app.name}.chart.digest: received nothing (the key is missing); expected the lock of ${what}: ` +
        `digest: ${digest} (check it against the repository's index.yaml or the publisher's, then record it)`,
    );
  }
  if (chart.digest !== digest) {
    throw new InputError(
      `${app.lockFile}: ${app.name}.chart.digest: received ${chart.digest}; expected ${digest}, the digest of ${what} ` +
        "as pulled now: the chart changed under the same version, or the lock is wrong",
    );
  }
  return digest;
}
