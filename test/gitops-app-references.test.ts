import * as assert from "node:assert/strict";
import { checkReferences } from "../gitops/catalog/references";
import { AppSpec, appSpecSchema } from "../gitops/catalog/spec";
import { QUALIFIED_NAME_EXPECTATION } from "../gitops/render/server-rules";

/**
 * The checks that span keys of one app spec (gitops/catalog/references.ts), on specs the schema
 * accepted: each issue's key path and expectation, exactly as the catalog reports them.
 */

/** The spec of `extra` over an image and no ports, as the schema reads it. */
function spec(extra: Record<string, unknown>): AppSpec {
  return appSpecSchema.parse({ image: { repository: "ghcr.io/example/web" }, ...extra });
}

const issue = (path: PropertyKey[], message: string) => ({ code: "custom", path, message });

const port = (name: string, containerPort: number, extra: Record<string, unknown> = {}) => ({
  name,
  containerPort,
  ...extra,
});
const HTTP = [port("http", 8080), port("metrics", 9090)];
const probe = (handler: Record<string, unknown>) => ({ liveness: handler, readiness: handler });
const job = { schedule: "@daily", command: ["./run"] };
const ingress = (extra: Record<string, unknown> = {}) => ({ className: "nginx", host: "web.example.com", ...extra });

describe("gitops app spec references", () => {
  it("finds nothing wrong in a spec without ports, probes or scaling", () => {
    assert.deepEqual(checkReferences("web", spec({})), []);
  });

  describe("ports", () => {
    it("refuses a second port of the same name", () => {
      assert.deepEqual(checkReferences("web", spec({ ports: [port("http", 80), port("http", 81)] })), [
        issue(["ports", 1, "name"], "a port name no other port uses"),
      ]);
    });

    it("refuses a second port of the same number and protocol, once, at its containerPort", () => {
      assert.deepEqual(checkReferences("web", spec({ ports: [port("http", 8080), port("alt", 8080)] })), [
        issue(["ports", 1, "containerPort"], "a containerPort no other TCP port of the app uses"),
      ]);
    });

    it("accepts one port number for TCP and for UDP", () => {
      const ports = [port("dns-tcp", 53), port("dns", 53, { protocol: "UDP" })];
      assert.deepEqual(checkReferences("web", spec({ ports })), []);
    });

    it("refuses a servicePort another port already exposes, at its servicePort", () => {
      const ports = [port("http", 8080, { servicePort: 80 }), port("alt", 8081, { servicePort: 80 })];
      assert.deepEqual(checkReferences("web", spec({ ports })), [
        issue(
          ["ports", 1, "servicePort"],
          "a Service port no other TCP port of the app uses (servicePort, or containerPort without one)",
        ),
      ]);
    });

    it("refuses a containerPort that another port's servicePort exposes, at its containerPort", () => {
      const ports = [port("http", 8080, { servicePort: 80 }), port("alt", 80, { protocol: "UDP" }), port("b", 80)];
      assert.deepEqual(checkReferences("web", spec({ ports })), [
        issue(
          ["ports", 2, "containerPort"],
          "a Service port no other TCP port of the app uses (servicePort, or containerPort without one)",
        ),
      ]);
    });

    it("refuses a port that repeats both numbers at each of them", () => {
      const ports = [port("http", 8080, { servicePort: 80 }), port("alt", 8080, { servicePort: 80 })];
      assert.deepEqual(checkReferences("web", spec({ ports })), [
        issue(["ports", 1, "containerPort"], "a containerPort no other TCP port of the app uses"),
        issue(
          ["ports", 1, "servicePort"],
          "a Service port no other TCP port of the app uses (servicePort, or containerPort without one)",
        ),
      ]);
    });
  });

  describe("names that refer to the app's ports", () => {
    it("accepts probes, an ingress and a monitor on ports the app declares, by name or number", () => {
      const extra = {
        ports: HTTP,
        probes: { ...probe({ http: { path: "/", port: "http" } }), startup: { tcp: { port: 8080 } } },
        ingress: ingress({ port: "http" }),
        serviceMonitor: { port: "metrics" },
      };
      assert.deepEqual(checkReferences("web", spec(extra)), []);
    });

    it("refuses each probe, the ingress and the monitor on a port the app does not declare, listing its ports", () => {
      const extra = {
        ports: HTTP,
        probes: {
          liveness: { http: { path: "/", port: "web" } },
          readiness: { tcp: { port: "web" } },
          startup: { tcp: { port: "web" } },
        },
        ingress: ingress({ port: "web" }),
        serviceMonitor: { port: "prom" },
      };
      const expected = "the name of one of the app's ports (http, metrics)";
      assert.deepEqual(checkReferences("web", spec(extra)), [
        issue(["probes", "liveness", "http", "port"], expected),
        issue(["probes", "readiness", "tcp", "port"], expected),
        issue(["probes", "startup", "tcp", "port"], expected),
        issue(["ingress", "port"], expected),
        issue(["serviceMonitor", "port"], expected),
      ]);
    });

    it("refuses an ingress, and a probe by name, when the app declares no ports", () => {
      const extra = { probes: probe({ tcp: { port: "http" } }), ingress: ingress() };
      assert.deepEqual(checkReferences("web", spec(extra)), [
        issue(["probes", "liveness", "tcp", "port"], "the name of one of the app's ports (the app declares no ports)"),
        issue(["probes", "readiness", "tcp", "port"], "the name of one of the app's ports (the app declares no ports)"),
        issue(["ports"], "at least one port for the ingress to send traffic to"),
      ]);
    });

    it("refuses an ingress annotation key that is not a qualified name, quoting the key", () => {
      const annotations = { "nginx.ingress.kubernetes.io/rewrite-target": "/", "bad key": "x", "a/b/c": "y" };
      const expected = `an annotation key: ${QUALIFIED_NAME_EXPECTATION}`;
      assert.deepEqual(checkReferences("web", spec({ ports: HTTP, ingress: ingress({ annotations }) })), [
        { code: "custom", path: ["ingress", "annotations", "bad key"], message: expected, params: { key: true } },
        { code: "custom", path: ["ingress", "annotations", "a/b/c"], message: expected, params: { key: true } },
      ]);
    });
  });

  describe("secret variables", () => {
    const sealedSecrets = { db: { encryptedData: { password: "AgB" } }, cache: { encryptedData: { token: "AgC" } } };

    it("accepts a variable from a sealed secret the app declares", () => {
      const secretEnv = { DB_PASSWORD: { sealedSecret: "db", key: "password" } };
      assert.deepEqual(checkReferences("web", spec({ sealedSecrets, secretEnv })), []);
    });

    it("refuses a variable from a sealed secret the app does not declare, listing those it does", () => {
      const secretEnv = { TOKEN: { sealedSecret: "tokens", key: "token" } };
      assert.deepEqual(checkReferences("web", spec({ sealedSecrets, secretEnv })), [
        issue(["secretEnv", "TOKEN", "sealedSecret"], "the name of one of the app's sealedSecrets (db, cache)"),
      ]);
    });

    it("refuses a variable from a sealed secret when the app declares none", () => {
      const secretEnv = { TOKEN: { sealedSecret: "tokens", key: "token" } };
      assert.deepEqual(checkReferences("web", spec({ secretEnv })), [
        issue(
          ["secretEnv", "TOKEN", "sealedSecret"],
          "the name of one of the app's sealedSecrets (the app declares none)",
        ),
      ]);
    });

    it("refuses a secret variable also set in env", () => {
      const secretEnv = { DB_PASSWORD: { sealedSecret: "db", key: "password" } };
      assert.deepEqual(checkReferences("web", spec({ sealedSecrets, secretEnv, env: { DB_PASSWORD: "x" } })), [
        issue(["secretEnv", "DB_PASSWORD"], "a variable name not also set in env (DB_PASSWORD)"),
      ]);
    });
  });

  describe("autoscaling", () => {
    const requests = { requests: { cpu: "100m", memory: "64Mi" } };

    it("accepts minReplicas equal to maxReplicas, with the requests its targets are percentages of", () => {
      const autoscaling = {
        minReplicas: 3,
        maxReplicas: 3,
        targetCPUUtilizationPercentage: 70,
        targetMemoryUtilizationPercentage: 80,
      };
      assert.deepEqual(checkReferences("web", spec({ resources: requests, autoscaling })), []);
    });

    it("refuses maxReplicas one below minReplicas", () => {
      const autoscaling = { minReplicas: 3, maxReplicas: 2, targetCPUUtilizationPercentage: 70 };
      assert.deepEqual(checkReferences("web", spec({ resources: requests, autoscaling })), [
        issue(["autoscaling", "maxReplicas"], "at least minReplicas (3)"),
      ]);
    });

    for (const resources of [undefined, {}, { limits: { cpu: "1", memory: "1Gi" } }]) {
      it(`refuses targets without the requests they are percentages of (resources: ${JSON.stringify(resources)})`, () => {
        const autoscaling = {
          minReplicas: 1,
          maxReplicas: 2,
          targetCPUUtilizationPercentage: 70,
          targetMemoryUtilizationPercentage: 80,
        };
        assert.deepEqual(checkReferences("web", spec({ resources, autoscaling })), [
          issue(["resources", "requests", "cpu"], "a CPU request (autoscaling on CPU is a percentage of it)"),
          issue(["resources", "requests", "memory"], "a memory request (autoscaling on memory is a percentage of it)"),
        ]);
      });
    }

    it("asks only for the request of the target it has", () => {
      const onMemory = { minReplicas: 1, maxReplicas: 2, targetMemoryUtilizationPercentage: 80 };
      const onCpu = { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 80 };
      const memory = { requests: { memory: "1Gi" } };
      const cpu = { requests: { cpu: "1" } };
      assert.deepEqual(checkReferences("web", spec({ resources: memory, autoscaling: onMemory })), []);
      assert.deepEqual(checkReferences("web", spec({ resources: cpu, autoscaling: onCpu })), []);
      assert.deepEqual(checkReferences("web", spec({ resources: cpu, autoscaling: onMemory })), [
        issue(["resources", "requests", "memory"], "a memory request (autoscaling on memory is a percentage of it)"),
      ]);
      assert.deepEqual(checkReferences("web", spec({ resources: memory, autoscaling: onCpu })), [
        issue(["resources", "requests", "cpu"], "a CPU request (autoscaling on CPU is a percentage of it)"),
      ]);
    });
  });

  describe("cron job names", () => {
    it("accepts a job whose <app>-<job> name is 52 characters", () => {
      assert.deepEqual(checkReferences("web", spec({ cronJobs: { ["j".repeat(48)]: job } })), []);
    });

    it("refuses a job whose <app>-<job> name is 53 characters, the app's name counted", () => {
      const cronJobs = { ["j".repeat(49)]: job, ["k".repeat(48)]: job };
      assert.deepEqual(checkReferences("web", spec({ cronJobs })), [
        issue(["cronJobs", "j".repeat(49)], 'a job name that keeps "web-<job>" within 52 characters'),
      ]);
      assert.deepEqual(checkReferences("webs", spec({ cronJobs: { ["k".repeat(48)]: job } })), [
        issue(["cronJobs", "k".repeat(48)], 'a job name that keeps "webs-<job>" within 52 characters'),
      ]);
    });
  });
});
