import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { ENVIRONMENTS } from "../../stack";
import { configWith, setOwners } from "./support/config-variants";
import { installCrds } from "./support/crds";
import { Emitted, hydratedObjects, synthObjects } from "./support/emitted";
import { controlPlane } from "./support/hooks";
import { describeRefusal, KubeObject } from "./support/kube-api";
import { formatRefusals, validateOnServer, ValidationTally } from "./support/validate";

/**
 * GIVEN a real kube-apiserver with the CRDs of every kind we emit (at the pinned upstream versions)
 * WHEN every object the project emits is applied to it (namespaces for real, the rest as a dry run)
 * THEN the server accepts each one, and it refuses the broken objects a schema library lets through.
 */

/** An app that uses every feature of the app spec (gitops/catalog/spec.ts). */
const EVERY_FEATURE_APP = {
  image: { repository: "ghcr.io/example/web", tag: "2.3.1", pullPolicy: "IfNotPresent" },
  replicas: 2,
  command: ["/app/web"],
  args: ["--listen=:8080"],
  ports: [
    { name: "http", containerPort: 8080, servicePort: 80 },
    { name: "metrics", containerPort: 9090 },
    { name: "dns", containerPort: 5353, protocol: "UDP" },
  ],
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: 1, memory: "256Mi" } },
  probes: {
    liveness: { http: { path: "/healthz", port: "http" }, initialDelaySeconds: 5, periodSeconds: 10 },
    readiness: { tcp: { port: 8080 }, timeoutSeconds: 2, failureThreshold: 3 },
    startup: { exec: { command: ["/app/check"] }, periodSeconds: 2, failureThreshold: 30 },
  },
  env: { LOG_LEVEL: "info", MODE: "production" },
  secretEnv: { DB_PASSWORD: { sealedSecret: "web-db", key: "password" } },
  config: { mountPath: "/etc/web", files: { "app.conf": "port = 8080\n", "feature-flags.json": "{}\n" } },
  sealedSecrets: { "web-db": { encryptedData: { password: "AgBy3i4OJSWK+PiTySYZZA==" }, type: "Opaque" } },
  securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  ingress: {
    className: "alb",
    host: "web.staging.example.com",
    path: "/",
    port: "http",
    tls: { secretName: "web-tls" },
    annotations: { "alb.ingress.kubernetes.io/scheme": "internal" },
  },
  autoscaling: {
    minReplicas: 2,
    maxReplicas: 6,
    targetCPUUtilizationPercentage: 70,
    targetMemoryUtilizationPercentage: 80,
  },
  podDisruptionBudget: { minAvailable: 1 },
  serviceAccount: { roleArn: "arn:aws:iam::123456789012:role/web", automountToken: false },
  cronJobs: {
    "nightly-report": {
      schedule: "0 3 * * *",
      timeZone: "Etc/UTC",
      command: ["/app/report"],
      args: ["--since=24h"],
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
      activeDeadlineSeconds: 600,
    },
  },
  serviceMonitor: { port: "metrics", path: "/metrics", interval: "30s" },
  networkPolicy: { allowFromNamespaces: ["monitoring"], allowSameNamespace: true },
  objects: [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "web-extra" },
      data: { "extra.txt": "hello\n" },
    },
  ],
};

function everyFeatureCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-e2e-catalog-"));
  fs.mkdirSync(path.join(dir, "web"));
  fs.writeFileSync(path.join(dir, "web", "app.yaml"), stringify(EVERY_FEATURE_APP));
  return dir;
}

interface Scenario {
  readonly name: string;
  readonly objects: () => Promise<Emitted[]>;
}

const scenarios: Scenario[] = [
  ...ENVIRONMENTS.map((env) => ({
    name: `${env}: every stack and every hydrated file, as shipped`,
    objects: async () => [...(await synthObjects(env)), ...hydratedObjects(env)],
  })),
  ...ENVIRONMENTS.map((env) => ({
    name: `${env} in the bootstrap phase (every release installed by Pulumi, the root Application empty)`,
    objects: () => synthObjects(env, undefined, "bootstrap"),
  })),
  {
    name: "staging in applicationset mode",
    objects: () =>
      synthObjects(
        "staging",
        configWith("staging", (s) => (s.gitops.mode = "applicationset")),
      ),
  },
  ...(["pulumi", "argocd"] as const).map((owner) => ({
    name: `production with every release owned by ${owner}`,
    objects: () => synthObjects("production", configWith("production", setOwners(owner))),
  })),
  {
    name: "an app that uses every feature of the app spec",
    objects: async () => {
      const catalog = everyFeatureCatalog();
      try {
        const config = configWith("staging", (s) => (s.platform.appNamespaces = ["demo", "web"]));
        const platform = (await synthObjects("staging", config)).filter((e) => e.object.kind === "Namespace");
        const hydrated = hydratedObjects("staging", catalog);
        assert.ok(hydrated.length >= 12, `the app renders its objects (${hydrated.length})`);
        return [...platform, ...hydrated];
      } finally {
        fs.rmSync(catalog, { recursive: true, force: true });
      }
    },
  },
];

describe("a real kube-apiserver accepts every object the project emits", function () {
  const tally = new ValidationTally();

  before(async function () {
    const crds = await installCrds(controlPlane().api);
    assert.ok(crds.length >= 10, `CRDs installed: ${crds.length}`);
  });

  after(function () {
    process.stderr.write(`${tally.render()}\n`);
  });

  for (const scenario of scenarios) {
    it(`accepts ${scenario.name}`, async function () {
      const emitted = await scenario.objects();
      const result = await validateOnServer(controlPlane().api, emitted);
      tally.add(result);
      assert.equal(result.refusals.length, 0, `the apiserver refused:\n${formatRefusals(result.refusals)}`);
      assert.equal(
        [...result.acceptedPerKind.values()].reduce((a, b) => a + b, 0),
        emitted.length,
      );
    });
  }
});

describe("the real kube-apiserver refuses what a schema library lets through", function () {
  interface Deployment extends KubeObject {
    spec: {
      replicas: unknown;
      selector: unknown;
      template: { metadata: unknown; spec: { containers: Record<string, unknown>[] } };
    };
  }
  const deployment = (): Deployment => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "broken", namespace: "demo", labels: { app: "broken" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "broken" } },
      template: {
        metadata: { labels: { app: "broken" } },
        spec: { containers: [{ name: "web", image: "ghcr.io/example/web:1.0.0" }] },
      },
    },
  });

  async function refusalOf(object: KubeObject): Promise<string> {
    try {
      await controlPlane().api.apply(object, { dryRun: true });
    } catch (error) {
      return describeRefusal(error);
    }
    return assert.fail(`the apiserver accepted ${object.kind}/${object.metadata.name}`);
  }

  before(async function () {
    await controlPlane().api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  });

  it("accepts the well-formed baseline, so each refusal below is the broken field's", async function () {
    const applied = await controlPlane().api.apply(deployment(), { dryRun: true });
    assert.equal(applied.metadata.name, "broken");
  });

  it("refuses a duplicate container port", async function () {
    const object = deployment();
    object.spec.template.spec.containers[0].ports = [
      { name: "http", containerPort: 8080 },
      { name: "http2", containerPort: 8080 },
    ];
    // Server-side apply refuses it while building the typed patch: ports are a map keyed by port and protocol.
    assert.match(await refusalOf(object), /\.ports: duplicate entries for key \[containerPort=8080,protocol="TCP"\]/);
  });

  it("refuses an invalid label value", async function () {
    const object = { ...deployment(), metadata: { name: "broken", namespace: "demo", labels: { app: "not valid!" } } };
    assert.match(await refusalOf(object), /metadata\.labels: Invalid value: "not valid!"/);
  });

  it("refuses a value of the wrong type", async function () {
    const object = deployment();
    object.spec.replicas = "two";
    assert.match(await refusalOf(object), /replicas/);
  });

  it("refuses an Application whose CRD schema the object breaks", async function () {
    const application: KubeObject = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "broken", namespace: "demo" },
      spec: { project: "apps", destination: { server: "https://kubernetes.default.svc" }, source: "not an object" },
    };
    assert.match(await refusalOf(application), /spec\.source/);
  });
});
