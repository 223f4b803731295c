import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

/**
 * A generated catalog for the hydrate benchmark: `count` apps shaped like real ones (ports, probes,
 * resources, env, ServiceMonitor, NetworkPolicy; every fourth with a cron job, every third with
 * config files), each with staging and production overrides.
 */
export function generateCatalog(dir: string, count: number): string[] {
  const apps: string[] = [];
  for (let i = 0; i < count; i++) {
    const app = `app-${String(i).padStart(4, "0")}`;
    apps.push(app);
    fs.mkdirSync(path.join(dir, app), { recursive: true });
    const write = (file: string, value: unknown): void => fs.writeFileSync(path.join(dir, app, file), stringify(value));
    write("app.yaml", baseSpec(app, i));
    write("staging.yaml", {
      image: { tag: `1.${i % 7}.${i % 13}` },
      replicas: 1,
      env: { ENVIRONMENT: "staging" },
      ingress: { className: "nginx", host: `${app}.staging.example.com`, tls: { secretName: `${app}-tls` } },
      serviceAccount: { roleArn: `arn:aws:iam::111111111111:role/${app}` },
    });
    write("production.yaml", {
      image: { tag: `1.${i % 7}.${(i % 13) - 1 < 0 ? 0 : (i % 13) - 1}` },
      env: { ENVIRONMENT: "production" },
      resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "512Mi" } },
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
      podDisruptionBudget: { maxUnavailable: 1 },
      ingress: { className: "nginx", host: `${app}.example.com`, tls: { secretName: `${app}-tls` } },
      serviceAccount: { roleArn: `arn:aws:iam::222222222222:role/${app}` },
    });
  }
  return apps;
}

export function baseSpec(app: string, i: number): Record<string, unknown> {
  return {
    image: { repository: `ghcr.io/example-org/${app}` },
    args: ["--listen=:8080", "--metrics=:9090"],
    ports: [
      { name: "http", containerPort: 8080, servicePort: 80 },
      { name: "metrics", containerPort: 9090 },
    ],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    probes: {
      liveness: { http: { path: "/healthz", port: "http" }, periodSeconds: 10 },
      readiness: { http: { path: "/ready", port: "http" }, periodSeconds: 5 },
    },
    env: { LOG_LEVEL: "info", LOG_FORMAT: "json", APP_NAME: app },
    securityContext: { runAsUser: 10001 },
    serviceMonitor: { port: "metrics" },
    networkPolicy: { allowFromNamespaces: ["ingress-nginx", "monitoring"] },
    ...(i % 3 === 0
      ? { config: { mountPath: "/etc/app", files: { "app.toml": `name = "${app}"\nworkers = 4\n` } } }
      : {}),
    ...(i % 4 === 0 ? { cronJobs: { cleanup: { schedule: "0 3 * * *", command: ["/app", "cleanup"] } } } : {}),
  };
}

/**
 * The same app as a kustomize base and two overlays, the layout a kustomize user would keep: the base
 * holds the objects both environments share (as hydrated for staging), and each overlay sets the
 * image tag, the replica count and patches, and adds the objects only it has (ingress, HPA, PDB).
 */
export function writeKustomizeLayout(
  dir: string,
  app: string,
  rendered: Record<"staging" | "production", ReadonlyMap<string, string>>,
): void {
  const fileName = (file: string): string => path.posix.basename(file);
  const staging = rendered.staging;
  const production = rendered.production;
  const shared = [...staging.keys()].filter((f) => production.has(f) && !f.includes("/ingress-"));
  const base = path.join(dir, app, "base");
  fs.mkdirSync(base, { recursive: true });
  for (const file of shared) fs.writeFileSync(path.join(base, fileName(file)), staging.get(file) ?? "");
  fs.writeFileSync(path.join(base, "kustomization.yaml"), stringify({ resources: shared.map(fileName) }));

  for (const [env, files] of Object.entries(rendered)) {
    const overlay = path.join(dir, app, "overlays", env);
    fs.mkdirSync(overlay, { recursive: true });
    const own = [...files.keys()].filter((f) => !shared.includes(f));
    for (const file of own) fs.writeFileSync(path.join(overlay, fileName(file)), files.get(file) ?? "");
    const deployment = files.get(`apps/${app}/deployment-${app}.yaml`) ?? "";
    const tag = /image: \S+:(\S+)/.exec(deployment)?.[1] ?? "latest";
    fs.writeFileSync(
      path.join(overlay, "kustomization.yaml"),
      stringify({
        resources: ["../../base", ...own.map(fileName)],
        images: [{ name: `ghcr.io/example-org/${app}`, newTag: tag }],
        patches: [
          {
            target: { kind: "Deployment", name: app },
            patch: stringify(
              env === "production"
                ? [
                    { op: "replace", path: "/spec/template/spec/containers/0/env/1/value", value: env },
                    { op: "remove", path: "/spec/replicas" },
                    {
                      op: "replace",
                      path: "/spec/template/spec/containers/0/resources",
                      value: { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                    },
                  ]
                : [{ op: "replace", path: "/spec/template/spec/containers/0/env/1/value", value: env }],
            ),
          },
        ],
      }),
    );
  }
}
