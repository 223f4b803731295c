import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { InputError } from "../config";
import { appSpecSchema } from "../gitops/catalog/spec";
import { renderApp } from "../gitops/render/app";
import { appOfPath, assertInsideApps, fileNameOf } from "../gitops/render/file-names";
import { checksumOf, Manifest } from "../gitops/render/manifest";

/**
 * The renderer as a pure function: one app spec in, its Kubernetes objects out, before validation
 * and serialization (gitops-render.test.ts renders whole environments from catalogs on disk).
 */

/** The objects of app `web` rendered from `extra` over an image and one port. */
function render(extra: Record<string, unknown> = {}): Manifest[] {
  const spec = appSpecSchema.parse({
    image: { repository: "ghcr.io/example/web", tag: "1.0.0" },
    ports: [{ name: "http", containerPort: 8080 }],
    ...extra,
  });
  return renderApp({ name: "web", spec }).map((o) => o.manifest);
}

/** The one object of `kind` among `objects`. */
function only(objects: readonly Manifest[], kind: string): Manifest & { spec: Record<string, never> } {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `one ${kind} among ${objects.map((o) => o.kind).join(", ")}`);
  return found[0] as Manifest & { spec: Record<string, never> };
}

/** The pod template of the app's Deployment. */
function podOf(objects: readonly Manifest[]): { metadata: Record<string, never>; spec: Record<string, never> } {
  return only(objects, "Deployment").spec.template;
}

const LABELS = { "app.kubernetes.io/managed-by": "gitops-platform", "app.kubernetes.io/name": "web" };
const SELECTOR = { "app.kubernetes.io/name": "web" };
const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("gitops rendering of one app", () => {
  it("renders a service account and a Deployment always, and a Service only for an app with ports", () => {
    assert.deepEqual(
      render().map((o) => `${o.kind}/${o.metadata.name}`),
      ["ServiceAccount/web", "Deployment/web", "Service/web"],
    );
    assert.deepEqual(
      render({ ports: [] }).map((o) => `${o.kind}/${o.metadata.name}`),
      ["ServiceAccount/web", "Deployment/web"],
    );
  });

  it("renders every object of a full spec, the extra objects last and in the app's namespace", () => {
    const objects = render({
      config: { mountPath: "/etc/web", files: { "app.conf": "x" } },
      sealedSecrets: { db: { encryptedData: { password: "AgB" } }, cache: { encryptedData: { token: "AgC" } } },
      ingress: { className: "nginx", host: "web.example.com" },
      resources: { requests: { cpu: "100m" } },
      autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
      podDisruptionBudget: { maxUnavailable: 1 },
      cronJobs: {
        report: { schedule: "@daily", command: ["./report"] },
        clean: { schedule: "@hourly", command: ["x"] },
      },
      serviceMonitor: { port: "http" },
      networkPolicy: {},
      objects: [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "elsewhere", namespace: "other" } },
      ],
    });
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.namespace}`),
      [
        "ServiceAccount/web/web",
        "Deployment/web/web",
        "Service/web/web",
        "ConfigMap/web-config/web",
        "SealedSecret/db/web",
        "SealedSecret/cache/web",
        "Ingress/web/web",
        "HorizontalPodAutoscaler/web/web",
        "PodDisruptionBudget/web/web",
        "CronJob/web-report/web",
        "CronJob/web-clean/web",
        "ServiceMonitor/web/web",
        "NetworkPolicy/web/web",
        "ConfigMap/extra/web",
        "ConfigMap/elsewhere/other",
      ],
    );
    const extra = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra" } };
    const spec = appSpecSchema.parse({ image: { repository: "a" }, objects: [extra] });
    assert.deepEqual(
      renderApp({ name: "web", spec }).map((o) => o.specPath),
      [undefined, undefined, ["objects", 0]],
    );
  });

  describe("the ingress", () => {
    const backend = (objects: readonly Manifest[]) =>
      (only(objects, "Ingress").spec.rules as { http: { paths: { backend: unknown }[] } }[])[0].http.paths[0].backend;
    const ports = [
      { name: "http", containerPort: 8080 },
      { name: "admin", containerPort: 9000 },
    ];

    it("sends traffic to the app's first port by name unless it names one", () => {
      const ingress = { className: "nginx", host: "web.example.com" };
      assert.deepEqual(backend(render({ ports, ingress })), { service: { name: "web", port: { name: "http" } } });
      assert.deepEqual(backend(render({ ports, ingress: { ...ingress, port: "admin" } })), {
        service: { name: "web", port: { name: "admin" } },
      });
    });

    it("sends traffic to a port given by number as a number", () => {
      const ingress = { className: "nginx", host: "web.example.com", port: 9000 };
      assert.deepEqual(backend(render({ ports, ingress })), { service: { name: "web", port: { number: 9000 } } });
    });

    it("renders its annotations, path and TLS without a secret for a load balancer's certificate", () => {
      const ingress = only(
        render({
          ingress: { className: "alb", host: "web.example.com", path: "/api", tls: {}, annotations: { a: "b" } },
        }),
        "Ingress",
      );
      assert.deepEqual(ingress.metadata, { name: "web", namespace: "web", labels: LABELS, annotations: { a: "b" } });
      assert.deepEqual(ingress.spec, {
        ingressClassName: "alb",
        rules: [
          {
            host: "web.example.com",
            http: {
              paths: [
                { path: "/api", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } },
              ],
            },
          },
        ],
        tls: [{ hosts: ["web.example.com"] }],
      });
    });
  });

  it("renders a sealed secret with its type on the Secret it produces", () => {
    const sealed = only(
      render({ sealedSecrets: { tls: { encryptedData: { "tls.crt": "AgB" }, type: "kubernetes.io/tls" } } }),
      "SealedSecret",
    );
    assert.deepEqual(sealed.spec, {
      encryptedData: { "tls.crt": "AgB" },
      template: { metadata: { name: "tls", namespace: "web", labels: LABELS }, type: "kubernetes.io/tls" },
    });
  });

  it("scales on memory with a Resource metric named memory", () => {
    const hpa = only(
      render({
        resources: { requests: { memory: "1Gi" } },
        autoscaling: { minReplicas: 1, maxReplicas: 4, targetMemoryUtilizationPercentage: 75 },
      }),
      "HorizontalPodAutoscaler",
    );
    assert.deepEqual(hpa.spec.metrics, [
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 75 } } },
    ]);
  });

  describe("the network policy", () => {
    const policyOf = (networkPolicy: Record<string, unknown>, ports?: unknown[]) =>
      only(render({ networkPolicy, ...(ports ? { ports } : {}) }), "NetworkPolicy").spec;

    it("lets in the listed namespaces and the app's own, on the app's ports", () => {
      assert.deepEqual(policyOf({ allowFromNamespaces: ["ingress-nginx"] }), {
        podSelector: { matchLabels: SELECTOR },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
              { podSelector: {} },
            ],
            ports: [{ port: 8080, protocol: "TCP" }],
          },
        ],
      });
    });

    it("leaves out the app's own namespace when turned off, and lists no ports for an app without any", () => {
      assert.deepEqual(policyOf({ allowFromNamespaces: ["monitoring"], allowSameNamespace: false }, []).ingress, [
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] },
      ]);
    });

    it("lets nothing in when no namespace is allowed, its own included", () => {
      assert.deepEqual(policyOf({ allowSameNamespace: false }).ingress, []);
    });
  });

  describe("the pod", () => {
    it("mounts the config files read-only, with a writable /tmp under a read-only root", () => {
      const pod = podOf(render({ config: { mountPath: "/etc/web", files: { "app.conf": "x" } } }));
      assert.deepEqual(pod.spec["volumes"], [
        { name: "config", configMap: { name: "web-config" } },
        { name: "tmp", emptyDir: {} },
      ]);
      assert.deepEqual(pod.spec["containers"][0]["volumeMounts"], [
        { name: "config", mountPath: "/etc/web", readOnly: true },
        { name: "tmp", mountPath: "/tmp" },
      ]);
    });

    it("mounts nothing when the root filesystem is writable and there is no config", () => {
      const pod = podOf(render({ securityContext: { readOnlyRootFilesystem: false } }));
      assert.equal(pod.spec["volumes"], undefined);
      assert.equal(pod.spec["containers"][0]["volumeMounts"], undefined);
      assert.equal(pod.spec["containers"][0]["securityContext"]["readOnlyRootFilesystem"], false);
    });

    it("renders an exec probe and an HTTP one with their timings", () => {
      const probes = {
        liveness: { exec: { command: ["cat", "/tmp/ok"] }, periodSeconds: 5, failureThreshold: 2 },
        readiness: { http: { path: "/ready", port: "http" }, initialDelaySeconds: 1, timeoutSeconds: 3 },
      };
      const container = podOf(render({ probes })).spec["containers"][0];
      assert.deepEqual(container["livenessProbe"], {
        exec: { command: ["cat", "/tmp/ok"] },
        periodSeconds: 5,
        failureThreshold: 2,
      });
      assert.deepEqual(container["readinessProbe"], {
        httpGet: { path: "/ready", port: "http" },
        initialDelaySeconds: 1,
        timeoutSeconds: 3,
      });
      assert.equal(container["startupProbe"], undefined);
    });

    it("lists plain and secret variables together, sorted by name", () => {
      const env = podOf(
        render({
          env: { b: "2", Z: "1", a: "3" },
          sealedSecrets: { db: { encryptedData: { password: "AgB" } } },
          secretEnv: {
            A_PASSWORD: { sealedSecret: "db", key: "password" },
            c: { sealedSecret: "db", key: "password" },
          },
        }),
      ).spec["containers"][0]["env"];
      assert.deepEqual(
        (env as { name: string }[]).map((e) => e.name),
        ["A_PASSWORD", "Z", "a", "b", "c"],
      );
    });

    it("carries a checksum of the sealed secrets, which changes with them, and none without any", () => {
      const withSecret = (data: string) => render({ sealedSecrets: { db: { encryptedData: { password: data } } } });
      const annotations = podOf(withSecret("AgB")).metadata["annotations"];
      assert.deepEqual(annotations, {
        "checksum/sealed-secrets": checksumOf({ db: { encryptedData: { password: "AgB" } } }),
      });
      assert.notEqual(
        podOf(withSecret("AgC")).metadata["annotations"]["checksum/sealed-secrets"],
        annotations["checksum/sealed-secrets"],
      );
      assert.equal(podOf(render()).metadata["annotations"], undefined);
    });
  });

  describe("checksums", () => {
    it("hashes the JSON of a value with the keys of every map sorted, lists kept in order", () => {
      const value = { b: [{ d: 3, c: null }, "x", 1], a: { f: true, e: "é" } };
      assert.equal(checksumOf(value), sha256('{"a":{"e":"é","f":true},"b":[{"c":null,"d":3},"x",1]}'));
      assert.equal(checksumOf({ a: { e: "é", f: true }, b: [{ c: null, d: 3 }, "x", 1] }), checksumOf(value));
      assert.notEqual(checksumOf({ b: ["x", { c: null, d: 3 }, 1], a: value.a }), checksumOf(value));
    });

    it("hashes a scalar as its JSON", () => {
      assert.deepEqual(
        [checksumOf("x"), checksumOf(null), checksumOf(2)],
        [sha256('"x"'), sha256("null"), sha256("2")],
      );
    });
  });
});

describe("gitops state repo paths", () => {
  it("names an object's file apps/<app>/<kind in lower case>-<name>.yaml", () => {
    assert.equal(
      fileNameOf("web", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "web-report" } }),
      "apps/web/cronjob-web-report.yaml",
    );
  });

  it("finds the app of a path inside apps/<app>/, and none elsewhere", () => {
    assert.deepEqual(
      [
        "apps/web/deployment-web.yaml",
        "apps/web/sub/x.yaml",
        "apps/web",
        "apps//x.yaml",
        "other/web/x.yaml",
        "README.md",
      ].map(appOfPath),
      ["web", "web", undefined, undefined, undefined, undefined],
    );
  });

  it("refuses a path that is not in normal form, even inside apps/<app>/", () => {
    for (const file of ["apps/web/./x.yaml", "apps/web//x.yaml", "apps/web/x/../y.yaml", "apps/web/x\u0000.yaml"]) {
      assert.throws(() => assertInsideApps(file), InputError, file);
    }
    assert.doesNotThrow(() => assertInsideApps("apps/web/sub/x.yaml"));
  });
});
