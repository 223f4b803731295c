import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Environment, stackIdentity } from "../../stack";
import { DriverContext } from "./stack-operation";
import { readStackOutputValues } from "./stack-outputs";

/**
 * How the driver reaches an environment's cluster: the kubectl client, authenticated with the
 * kubeconfig the infra stack exports (for EKS it runs `aws eks get-token`), never an ambient one.
 */

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type Kubectl = (args: readonly string[]) => Promise<KubectlResult>;

/** The kubectl client against the cluster the kubeconfig file at `kubeconfigPath` points at. */
export function kubectlAt(kubeconfigPath: string): Kubectl {
  return (args) =>
    new Promise<KubectlResult>((resolve) => {
      execFile(
        "kubectl",
        ["--kubeconfig", kubeconfigPath, ...args],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== "number" ? err.message : "") });
        },
      );
    });
}

/** Runs `use` with `kubeconfig` in a private temporary file, removed afterwards whatever happens. */
export async function withKubeconfigFile<T>(
  kubeconfig: string,
  use: (kubeconfigPath: string) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-kube-"));
  const file = path.join(dir, "config");
  fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
  try {
    return await use(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The cluster's kubeconfig, from the infra stack's outputs (a secret output); undefined without a cluster. */
export async function clusterKubeconfig(env: Environment, context: DriverContext): Promise<string | undefined> {
  const value = (await readStackOutputValues(stackIdentity("infra", env), context))?.kubeconfig;
  if (value === undefined || value === null || value === "") return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}
