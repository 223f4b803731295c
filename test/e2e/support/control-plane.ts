import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import { E2E_DIR } from "../tools/tools";
import { binary, freePort, pollUntil, processGroup, ServerProcess } from "./process";

/**
 * A local Kubernetes control plane in envtest's model: etcd and kube-apiserver, no kubelet, plus a
 * kube-controller-manager running only the garbage collector and the namespace controller. Objects
 * are stored, validated, defaulted, admitted and garbage-collected for real (Argo CD deletes with
 * foreground propagation, which only the garbage collector completes); nothing runs them: Pods
 * never start and Deployments get no ReplicaSets.
 *
 * `start()` takes free loopback ports, a throwaway data dir, a generated service-account key and a
 * static admin token, waits for `/readyz`, and writes a kubeconfig. `stop()` always cleans up.
 */

export const LOG_DIR = path.join(E2E_DIR, "logs");
const READY_TIMEOUT_MS = 60_000;

export interface ControlPlane {
  readonly server: string;
  readonly token: string;
  /** The apiserver's self-signed serving certificate, which is also its own CA. */
  readonly caFile: string;
  readonly kubeconfig: string;
  /** Where this control plane's process logs are kept (they survive stop()). */
  readonly logDir: string;
  readonly processes: readonly ServerProcess[];
  /** Milliseconds from start() to a ready apiserver. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

function httpGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { ...options, timeout: 5000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy(new Error(`${url}: no answer within 5 s`)));
    request.on("error", reject);
  });
}

export async function startEtcd(
  dataDir: string,
  logDir: string,
  ports?: { client: number; peer: number },
): Promise<{ process: ServerProcess; url: string }> {
  const { client: clientPort, peer: peerPort } = ports ?? { client: await freePort(), peer: await freePort() };
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = new ServerProcess({
    name: "etcd",
    command: binary("etcd"),
    args: [
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      // A test store: durability buys nothing and fsync dominates on a slow disk.
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    logDir,
  });
  await pollUntil({
    what: `etcd on ${url} becoming healthy`,
    timeoutMs: READY_TIMEOUT_MS,
    process,
    probe: async () => {
      const { status, body } = await httpGet(`${url}/health`);
      return { value: status === 200 && body.includes('"true"') ? true : undefined, last: `${status} ${body}` };
    },
  });
  return { process, url };
}

function writeKubeconfig(file: string, server: string, caFile: string, token: string): void {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "e2e", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name: "e2e-admin", user: { token } }],
    contexts: [{ name: "e2e", context: { cluster: "e2e", user: "e2e-admin" } }],
    "current-context": "e2e",
  };
  // JSON is YAML: kubectl and client-go read it as a kubeconfig.
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

/** Controllers the harness runs: the ones that finish what the apiserver starts, none that schedule Pods. */
export const CONTROLLERS = ["garbagecollector", "namespace"] as const;

async function startControllerManager(kubeconfig: string, logDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const process = new ServerProcess({
    name: "kube-controller-manager",
    command: binary("kube-controller-manager"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--controllers=${CONTROLLERS.join(",")}`,
      "--leader-elect=false",
      "--use-service-account-credentials=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      "--v=1",
    ],
    logDir,
  });
  await pollUntil({
    what: `kube-controller-manager on 127.0.0.1:${port} becoming healthy`,
    timeoutMs: READY_TIMEOUT_MS,
    process,
    // Its serving certificate is self-signed and /healthz needs no credentials (always-allow path).
    probe: async () => {
      const { status, body } = await httpGet(`https://127.0.0.1:${port}/healthz`, { rejectUnauthorized: false });
      return { value: status === 200 ? true : undefined, last: `${status} ${body.slice(0, 200)}` };
    },
  });
  return process;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const started = Date.now();
  const { workDir, logDir, processes, stop } = processGroup("gitops-e2e-", path.join(LOG_DIR, "control-plane"));
  try {
    const etcd = await startEtcd(path.join(workDir, "etcd"), logDir);
    processes.push(etcd.process);

    const certDir = path.join(workDir, "certs");
    fs.mkdirSync(certDir);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const saKey = path.join(certDir, "service-account.key");
    fs.writeFileSync(saKey, privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    const token = randomBytes(24).toString("hex");
    const tokenFile = path.join(certDir, "tokens.csv");
    fs.writeFileSync(tokenFile, `${token},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const apiserver = new ServerProcess({
      name: "kube-apiserver",
      command: binary("kube-apiserver"),
      args: [
        `--etcd-servers=${etcd.url}`,
        "--advertise-address=127.0.0.1",
        "--bind-address=127.0.0.1",
        `--secure-port=${port}`,
        // No --tls-cert-file: the apiserver writes a self-signed serving certificate (and its CA) here.
        `--cert-dir=${certDir}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--allow-privileged=true",
        "--authorization-mode=RBAC",
        `--token-auth-file=${tokenFile}`,
        `--service-account-key-file=${saKey}`,
        `--service-account-signing-key-file=${saKey}`,
        "--service-account-issuer=https://kubernetes.default.svc",
        // Without a controller-manager no token controller exists: the ServiceAccount admission
        // plugin would refuse every Pod-bearing object waiting for one (envtest disables it too).
        "--disable-admission-plugins=ServiceAccount",
        "--v=1",
      ],
      logDir,
    });
    processes.push(apiserver);

    const caFile = path.join(certDir, "apiserver.crt");
    await pollUntil({
      what: `kube-apiserver on ${server} becoming ready (/readyz)`,
      timeoutMs: READY_TIMEOUT_MS,
      process: apiserver,
      probe: async () => {
        if (!fs.existsSync(caFile)) return { last: `${caFile} not written yet` };
        const { status, body } = await httpGet(`${server}/readyz`, {
          ca: fs.readFileSync(caFile),
          headers: { Authorization: `Bearer ${token}` },
        });
        return { value: status === 200 ? true : undefined, last: `${status} ${body.slice(0, 300)}` };
      },
    });

    const kubeconfig = path.join(workDir, "kubeconfig");
    writeKubeconfig(kubeconfig, server, caFile, token);
    processes.push(await startControllerManager(kubeconfig, logDir));
    return { server, token, caFile, kubeconfig, logDir, processes, startupMs: Date.now() - started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
