import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { BIN_DIR } from "../tools/tools";
import { ControlPlane, LOG_DIR } from "./control-plane";
import { KubeApi, KubeObject } from "./kube-api";
import { binary, freePort, pollUntil, processGroup, ServerProcess } from "./process";

/**
 * A real Argo CD against the harness's apiserver, run the way Argo CD's own developer setup runs
 * it (its Procfile): one `argocd` binary per component, chosen by ARGOCD_BINARY_NAME, with
 * ARGOCD_FAKE_IN_CLUSTER=true so that "in-cluster" is the kubeconfig's server, Redis from Debian,
 * the repo-server in plaintext, GPG off. The state repo is a bare repository on disk (file://).
 */

export const ARGOCD_NAMESPACE = "argocd";

export interface ArgoCdArgs {
  /** Data of argocd-cm, as the chart writes it from our values (plus the harness's health settings). */
  readonly argocdCm: Readonly<Record<string, string>>;
  readonly rbacCm?: Readonly<Record<string, string>>;
  /** Start the applicationset-controller too. */
  readonly applicationSet?: boolean;
  /** Seconds between the controller's periodic refreshes (polling the state repo, no webhook). */
  readonly resyncSeconds: number;
}

export interface ArgoCd {
  readonly processes: readonly ServerProcess[];
  readonly logDir: string;
  /** kubeconfig whose context namespace is argocd, as the components read it. */
  readonly kubeconfig: string;
  stop(): Promise<void>;
}

/** The namespace and settings objects Argo CD reads at start-up; the chart creates them in a cluster. */
function settingsObjects(args: ArgoCdArgs): KubeObject[] {
  const labels = { "app.kubernetes.io/part-of": "argocd" };
  const configMap = (name: string, data: Readonly<Record<string, string>>): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ARGOCD_NAMESPACE, labels: { ...labels, "app.kubernetes.io/name": name } },
    data,
  });
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ARGOCD_NAMESPACE } },
    configMap("argocd-cm", args.argocdCm),
    configMap("argocd-rbac-cm", args.rbacCm ?? {}),
    configMap("argocd-cmd-params-cm", {}),
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "argocd-secret", namespace: ARGOCD_NAMESPACE, labels },
      type: "Opaque",
      stringData: { "server.secretkey": randomBytes(32).toString("base64") },
    },
  ];
}

function namespacedKubeconfig(plane: ControlPlane, dir: string): string {
  const config = JSON.parse(fs.readFileSync(plane.kubeconfig, "utf8")) as {
    contexts: { context: Record<string, string> }[];
  };
  for (const context of config.contexts) context.context.namespace = ARGOCD_NAMESPACE;
  const file = path.join(dir, "kubeconfig");
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

async function healthy(process: ServerProcess, port: number, what: string, urlPath = "/healthz"): Promise<void> {
  await pollUntil({
    what,
    timeoutMs: 60_000,
    process,
    probe: async () => {
      const response = await fetch(`http://127.0.0.1:${port}${urlPath}`).catch((e: Error) => e);
      if (response instanceof Error) return { last: response.message };
      return { value: response.ok || undefined, last: `${response.status} ${await response.text()}` };
    },
  });
}

export async function startArgoCd(plane: ControlPlane, api: KubeApi, args: ArgoCdArgs): Promise<ArgoCd> {
  const { workDir, logDir, processes, stop } = processGroup("gitops-e2e-argocd-", path.join(LOG_DIR, "argocd"));
  try {
    for (const object of settingsObjects(args)) await api.apply(object);
    const kubeconfig = namespacedKubeconfig(plane, workDir);
    for (const dir of ["tls", "ssh", "gpg", "home"]) fs.mkdirSync(path.join(workDir, dir));
    const env: NodeJS.ProcessEnv = {
      // The repo-server runs git, helm and kustomize from PATH: ours first.
      PATH: `${BIN_DIR}:${process.env.PATH ?? ""}`,
      HOME: path.join(workDir, "home"),
      KUBECONFIG: kubeconfig,
      ARGOCD_FAKE_IN_CLUSTER: "true",
      ARGOCD_GPG_ENABLED: "false",
      ARGOCD_TLS_DATA_PATH: path.join(workDir, "tls"),
      ARGOCD_SSH_DATA_PATH: path.join(workDir, "ssh"),
      ARGOCD_GNUPGHOME: path.join(workDir, "gpg"),
      // The controller derives its shard from the pod name; one replica, shard 0.
      HOSTNAME: "argocd-application-controller-0",
    };
    const argocd = binary("argocd");

    const redisPort = await freePort();
    const redis = new ServerProcess({
      name: "redis",
      command: "redis-server",
      args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      logDir,
    });
    processes.push(redis);
    const redisAddress = `127.0.0.1:${redisPort}`;

    const [repoPort, repoMetrics] = [await freePort(), await freePort()];
    const repoServer = new ServerProcess({
      name: "repo-server",
      command: argocd,
      args: [
        "--port",
        String(repoPort),
        "--metrics-port",
        String(repoMetrics),
        "--redis",
        redisAddress,
        "--disable-tls",
        // The resolved revision of a branch is cached (3 m by default) until a webhook clears it;
        // this harness has no webhook and polls, so the cache must not outlive one poll.
        "--revision-cache-expiration",
        "1s",
        // Its default names the chart's mounted mTLS secret, and is refused with --disable-tls.
        "--client-ca-path=",
        "--loglevel",
        "info",
      ],
      env: { ...env, ARGOCD_BINARY_NAME: "argocd-repo-server" },
      logDir,
      cwd: workDir,
    });
    processes.push(repoServer);
    await healthy(repoServer, repoMetrics, "argocd-repo-server becoming healthy");
    const repoAddress = `127.0.0.1:${repoPort}`;

    const controllerMetrics = await freePort();
    const controller = new ServerProcess({
      name: "application-controller",
      command: argocd,
      args: [
        "--redis",
        redisAddress,
        "--repo-server",
        repoAddress,
        "--repo-server-plaintext",
        "--metrics-port",
        String(controllerMetrics),
        "--app-resync",
        String(args.resyncSeconds),
        "--app-resync-jitter",
        "0",
        "--self-heal-timeout-seconds",
        "2",
        "--loglevel",
        "info",
      ],
      env: { ...env, ARGOCD_BINARY_NAME: "argocd-application-controller" },
      logDir,
      cwd: workDir,
    });
    processes.push(controller);
    await healthy(controller, controllerMetrics, "argocd-application-controller becoming healthy");

    if (args.applicationSet) {
      const [metrics, probe, webhook] = [await freePort(), await freePort(), await freePort()];
      const appset = new ServerProcess({
        name: "applicationset-controller",
        command: argocd,
        args: [
          "--metrics-addr",
          `127.0.0.1:${metrics}`,
          "--probe-addr",
          `127.0.0.1:${probe}`,
          "--webhook-addr",
          `127.0.0.1:${webhook}`,
          "--argocd-repo-server",
          repoAddress,
          "--repo-server-plaintext",
          "--loglevel",
          "info",
        ],
        env: {
          ...env,
          ARGOCD_BINARY_NAME: "argocd-applicationset-controller",
          // The git generator re-reads the state repo every 3 minutes unless a webhook says; poll instead.
          ARGOCD_APPLICATIONSET_CONTROLLER_REQUEUE_AFTER: `${args.resyncSeconds}s`,
        },
        logDir,
        cwd: workDir,
      });
      processes.push(appset);
      // Its probe server registers no checks (404 on /healthz): its metrics endpoint says it is up.
      await healthy(appset, metrics, "argocd-applicationset-controller serving", "/metrics");
    }
    return { processes, logDir, kubeconfig, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
