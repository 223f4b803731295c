import * as assert from "node:assert/strict";
import { formatIssues, keyPath, shownValue } from "../config";
import { checkReferences } from "../gitops/catalog/references";
import { AppSpec, appSpecSchema, isDnsLabel } from "../gitops/catalog/spec";

/**
 * The app spec schema as a pure function, without a catalog on disk: what each key accepts at its
 * limits and what it refuses one past them, with the expectation the catalog's error prints
 * (gitops-catalog.test.ts covers the files, the merge and the layout of the errors).
 */

const ROLE = "arn:aws:iam::123456789012:role/web";
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

/** A spec that sets every section, valid as it stands: each case changes one value of it. */
function full(): Record<string, unknown> {
  return {
    image: { repository: "ghcr.io/example/web", tag: "1.4.2", pullPolicy: "IfNotPresent" },
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } },
    probes: {
      liveness: { http: { path: "/healthz", port: "http" } },
      readiness: { tcp: { port: "http" } },
      startup: { exec: { command: ["true"] } },
    },
    securityContext: {},
    cronJobs: { report: { schedule: "0 3 * * *", command: ["./report"] } },
    ingress: { className: "nginx", host: "web.example.com" },
    autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
    podDisruptionBudget: { minAvailable: 1 },
    serviceAccount: { roleArn: ROLE },
    serviceMonitor: { port: "http" },
    config: { mountPath: "/etc/web", files: { "app.conf": "port = 8080\n" } },
    sealedSecrets: { db: { encryptedData: { password: "AgBy3i4" } } },
    secretEnv: { DB_PASSWORD: { sealedSecret: "db", key: "password" } },
    env: { LOG_LEVEL: "info" },
    objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra" } }],
  };
}

type Path = readonly (string | number)[];

/** `full()` with `value` at `path`, the maps on the way made when missing. */
function fullWith(path: Path, value: unknown): Record<string, unknown> {
  const spec = full();
  let node = spec as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return spec;
}

/**
 * What the catalog refuses in the spec `raw` of app `web`, one line per problem as its errors say it
 * (`web.key: received X; expected Y`, a bad map key quoted as the key): the schema's issues, or
 * when the schema accepts it, the cross-key checks' (gitops/catalog/references.ts).
 */
function refusalsOf(raw: Record<string, unknown>): string[] {
  const result = appSpecSchema.safeParse(raw);
  const issues = result.success ? checkReferences("web", result.data) : result.error.issues;
  return issues.map((issue) => {
    if (issue.code === "invalid_key") {
      const key = JSON.stringify(issue.path[issue.path.length - 1]);
      return `${keyPath("web", issue.path)}: received the key ${key}; expected ${issue.message}`;
    }
    return formatIssues([issue], raw, { file: "app.yaml", key: "web" }, appSpecSchema).replace(/^app\.yaml: /, "");
  });
}

/** The spec `raw` as the schema reads it; fails the test when the schema refuses it. */
function parsed(raw: Record<string, unknown>): AppSpec {
  const result = appSpecSchema.safeParse(raw);
  assert.ok(result.success, `the schema refuses ${JSON.stringify(raw)}: ${result.error?.message}`);
  return result.data;
}

/** How a case names its value: short enough for a test title. */
const titled = (value: unknown): string => {
  const text = value === undefined ? "nothing" : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}... (${text.length} characters)` : text;
};

const NAME = "a name of lower-case letters, digits and -";
const SUBDOMAIN = "a name of lower-case letters, digits, - and .";
const REPOSITORY = "an image repository without a tag, such as ghcr.io/org/app (the tag goes in image.tag)";
const TAG = 'an image tag such as "1.4.2" (quote numeric tags in YAML) or a digest (sha256: and 64 hex digits)';
const QUANTITY = "a Kubernetes quantity such as 100m, 0.5 or 256Mi";
const CRON = 'a cron schedule of five fields such as "0 3 * * *", or @daily';
const HOST = "a DNS name such as demo.example.com";
const ARN = "an IAM role ARN such as arn:aws:iam::123456789012:role/demo";
const DURATION = "a Prometheus duration such as 30s or 1m";
const ABSOLUTE = "an absolute path such as /healthz";
const PODS = "a whole number of pods or a percentage such as 50%";
const LABEL_KEY = "keys that are names of lower-case letters, digits and -, at most 63 characters";
const FILE_KEY = "keys that are file names: letters, digits, ., _ and -";
const VARIABLE_KEY = "keys that are variable names: letters, digits and _, not starting with a digit";
const HPA_TARGET = "targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage (or both)";

const CPU = ["resources", "requests", "cpu"];
const LIVENESS = ["probes", "liveness"];
const JOB = ["cronJobs", "report"];
const PDB_MIN = ["podDisruptionBudget", "minAvailable"];
const OBJECT = ["objects", 0];

/** Values at their limits, each accepted where `full()` holds it. */
const ACCEPTED: [Path, unknown][] = [
  [["ingress", "className"], "a"],
  [["ingress", "className"], "a".repeat(63)],
  [["ingress", "className"], "alb-2"],
  [["image", "repository"], "a"],
  [["image", "repository"], "localhost:5000/o/a"],
  [["image", "repository"], "registry.example.com:443/team_a/web.app"],
  [["image", "tag"], "v".repeat(128)],
  [["image", "tag"], "_1.4.2-rc_1"],
  [["image", "tag"], DIGEST],
  [["image", "pullPolicy"], "Always"],
  [["ports", 1], { name: "dns", containerPort: 5353, servicePort: 53, protocol: "UDP" }],
  [["ports", 0, "containerPort"], 1],
  [["ports", 0, "containerPort"], 65535],
  [["ports", 0, "servicePort"], 65535],
  [CPU, 2],
  [CPU, 0.001],
  [CPU, "2"],
  [CPU, "+100m"],
  [CPU, "0.25"],
  [CPU, "10.5"],
  [CPU, ".25"],
  [CPU, "12."],
  [CPU, "1e3"],
  [CPU, "1e+10"],
  [CPU, "1E-3"],
  [CPU, "1.5Gi"],
  [CPU, "256Mi"],
  [CPU, "4k"],
  [
    ["probes", "startup", "exec", "command"],
    ["cat", "/tmp/healthy"],
  ],
  [LIVENESS, { tcp: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 1 }],
  [
    LIVENESS,
    { tcp: { port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  ],
  [["securityContext"], { runAsUser: 0, runAsGroup: 1000, fsGroup: 2000 }],
  [[...JOB, "schedule"], "*/5 9-17 * * 1-5"],
  [[...JOB, "schedule"], "0  3\t* * *"],
  ...["yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly"].map((m): [Path, unknown] => [
    [...JOB, "schedule"],
    `@${m}`,
  ]),
  [[...JOB, "timeZone"], "Europe/Paris"],
  [[...JOB, "concurrencyPolicy"], "Allow"],
  [[...JOB, "concurrencyPolicy"], "Replace"],
  [[...JOB, "backoffLimit"], 6],
  [[...JOB, "activeDeadlineSeconds"], 600],
  [[...JOB, "successfulJobsHistoryLimit"], 10],
  [[...JOB, "failedJobsHistoryLimit"], 5],
  [[...JOB, "image"], { repository: "ghcr.io/example/report", tag: "2" }],
  [["ingress", "host"], "*.a.example.com"],
  [["ingress", "host"], "a.b.co"],
  [["ingress", "port"], 8080],
  [["ingress", "tls"], { secretName: "web-tls" }],
  [["replicas"], 0],
  [["replicas"], 1000],
  [["autoscaling", "targetCPUUtilizationPercentage"], 1],
  [["autoscaling", "targetCPUUtilizationPercentage"], 100],
  [["autoscaling"], { minReplicas: 1, maxReplicas: 3, targetMemoryUtilizationPercentage: 1 }],
  [["autoscaling"], { minReplicas: 1, maxReplicas: 3, targetMemoryUtilizationPercentage: 100 }],
  [PDB_MIN, 0],
  [PDB_MIN, "5%"],
  [PDB_MIN, "100%"],
  [["podDisruptionBudget"], { maxUnavailable: "25%" }],
  [["serviceAccount", "roleArn"], "arn:aws-us-gov:iam::123456789012:role/path/web"],
  [["serviceAccount", "roleArn"], "arn:aws-cn:iam::123456789012:role/web+ops=1,2.x@y-z"],
  [["serviceMonitor", "interval"], "15s"],
  [["serviceMonitor", "interval"], "500ms"],
  [["serviceMonitor", "interval"], "1h"],
  [["serviceMonitor", "path"], "/prometheus"],
  [["config", "files"], { "_b-c.yaml": "y", A: "z" }],
  [["sealedSecrets", "db"], { encryptedData: { password: "AgBy3i4" }, type: "kubernetes.io/basic-auth" }],
  [["sealedSecrets", "a"], { encryptedData: { k: "AgB" } }],
  [["cronJobs", "a"], { schedule: "@daily", command: ["./a"] }],
  [["env"], { _A1: "x", lower_b: "y" }],
  ...["a", "abcd", "a-b", "a.b", "a.bcde", "a.b.c", "ab.c-d.e1", "a".repeat(253)].map((name): [Path, unknown] => [
    [...OBJECT, "metadata", "name"],
    name,
  ]),
];

/** Values one past their limits, with what the error expects. */
const REFUSED: [Path, unknown, string][] = [
  [["ingress", "className"], "nginx-", NAME],
  [["ingress", "className"], "-nginx", NAME],
  [["ingress", "className"], "my_class", NAME],
  [["ingress", "className"], "a".repeat(64), "at most 63 character(s)"],
  [["ports", 0, "name"], "a".repeat(16), "at most 15 character(s)"],
  [["ports", 0, "containerPort"], 0, "at least 1"],
  [["ports", 0, "servicePort"], 65536, "at most 65535"],
  [["ports", 0, "protocol"], "SCTP", 'one of "TCP", "UDP"'],
  [["image", "repository"], "ghcr.io/x/y:1.0", REPOSITORY],
  [["image", "repository"], "ghcr.io/Org/app", REPOSITORY],
  [["image", "repository"], "ghcr.io/org/", REPOSITORY],
  [["image", "repository"], "-ghcr.io/org", REPOSITORY],
  [["image", "repository"], `ghcr.io/org/app@${DIGEST}`, REPOSITORY],
  [["image", "repository"], "registry:http/app", REPOSITORY],
  [["image", "tag"], "-1.0", TAG],
  [["image", "tag"], ".1", TAG],
  [["image", "tag"], "1.0+build", TAG],
  [["image", "tag"], "v".repeat(129), TAG],
  [["image", "tag"], 1.2, TAG],
  [["image", "tag"], `${DIGEST}0`, TAG],
  [["image", "pullPolicy"], "Never", 'one of "IfNotPresent", "Always"'],
  [CPU, "lots", QUANTITY],
  [CPU, "100mb", QUANTITY],
  [CPU, "1 Gi", QUANTITY],
  [CPU, "-1", QUANTITY],
  [CPU, "x1", QUANTITY],
  [CPU, "1e+", QUANTITY],
  [CPU, "1ee3", QUANTITY],
  [CPU, "..5", QUANTITY],
  [CPU, "", QUANTITY],
  [CPU, 0, QUANTITY],
  [CPU, -1, QUANTITY],
  [CPU, true, QUANTITY],
  [LIVENESS, { periodSeconds: 5 }, "exactly one of http, tcp or exec"],
  [["probes", "startup", "exec", "command"], [], "at least 1 item(s)"],
  [[...LIVENESS, "initialDelaySeconds"], -1, "at least 0"],
  [[...LIVENESS, "periodSeconds"], 0, "at least 1"],
  [[...LIVENESS, "timeoutSeconds"], 0, "at least 1"],
  [[...LIVENESS, "failureThreshold"], 0, "at least 1"],
  [[...LIVENESS, "http", "path"], "api/healthz", ABSOLUTE],
  [[...LIVENESS, "http", "path"], "/healthz\u0000.txt", ABSOLUTE],
  [["securityContext", "runAsUser"], -1, "at least 0"],
  [["securityContext", "runAsGroup"], -1, "at least 0"],
  [["securityContext", "fsGroup"], -1, "at least 0"],
  [[...JOB, "schedule"], "0 0 3 * * *", CRON],
  [[...JOB, "schedule"], "0 3 * *", CRON],
  [[...JOB, "schedule"], "at @daily", CRON],
  [[...JOB, "schedule"], "@daily at 3", CRON],
  [[...JOB, "timeZone"], "", "at least 1 character(s)"],
  [[...JOB, "command"], [], "at least 1 item(s)"],
  [[...JOB, "concurrencyPolicy"], "Never", 'one of "Allow", "Forbid", "Replace"'],
  [[...JOB, "backoffLimit"], -1, "at least 0"],
  [[...JOB, "activeDeadlineSeconds"], 0, "at least 1"],
  [[...JOB, "successfulJobsHistoryLimit"], -1, "at least 0"],
  [[...JOB, "failedJobsHistoryLimit"], -1, "at least 0"],
  [["ingress", "host"], "my web.example.com", HOST],
  [["ingress", "host"], "web.example.com/api", HOST],
  [["ingress", "host"], "web.example.com.", HOST],
  [["ingress", "host"], "web", HOST],
  [["ingress", "host"], "-web.example.com", HOST],
  [["ingress", "path"], "api", ABSOLUTE],
  [["ingress", "tls", "secretName"], "Web_TLS", NAME],
  [["replicas"], -1, "at least 0"],
  [["replicas"], 1001, "at most 1000"],
  [["autoscaling", "minReplicas"], 0, "at least 1"],
  [["autoscaling", "maxReplicas"], 0, "at least 1"],
  [["autoscaling", "targetCPUUtilizationPercentage"], 0, "at least 1"],
  [["autoscaling", "targetCPUUtilizationPercentage"], 101, "at most 100"],
  [["autoscaling", "targetMemoryUtilizationPercentage"], 0, "at least 1"],
  [["autoscaling", "targetMemoryUtilizationPercentage"], 101, "at most 100"],
  [["autoscaling"], { minReplicas: 1, maxReplicas: 2 }, HPA_TARGET],
  [["podDisruptionBudget"], {}, "exactly one of minAvailable or maxUnavailable"],
  [["podDisruptionBudget"], { minAvailable: 1, maxUnavailable: 1 }, "exactly one of minAvailable or maxUnavailable"],
  [PDB_MIN, 1.5, PODS],
  [PDB_MIN, -1, PODS],
  [PDB_MIN, "1000%", PODS],
  [PDB_MIN, "50", PODS],
  [PDB_MIN, "x50%", PODS],
  [PDB_MIN, "50%x", PODS],
  [PDB_MIN, "ab%", PODS],
  [PDB_MIN, true, PODS],
  [PDB_MIN, ["50%"], PODS],
  [["serviceAccount", "roleArn"], `x${ROLE}`, ARN],
  [["serviceAccount", "roleArn"], `${ROLE} admin`, ARN],
  [["serviceAccount", "roleArn"], "arn:aws1:iam::123456789012:role/web", ARN],
  [["serviceAccount", "roleArn"], "arn:aws:iam::12345678901:role/web", ARN],
  [["serviceAccount", "roleArn"], "arn:aws:iam::123456789012:user/web", ARN],
  [["serviceAccount", "roleArn"], `arn:aws:iam::123456789012:role/${"r".repeat(513)}`, ARN],
  [["serviceMonitor", "interval"], "every 30s", DURATION],
  [["serviceMonitor", "interval"], "30sec", DURATION],
  [["serviceMonitor", "interval"], "s", DURATION],
  [["serviceMonitor", "path"], "metrics", ABSOLUTE],
  [["config", "mountPath"], "etc/web", ABSOLUTE],
  [["config", "files"], undefined, "a record"],
  [["sealedSecrets", "db", "encryptedData"], undefined, "a record"],
  [["sealedSecrets", "db", "encryptedData", "password"], "", "at least 1 character(s)"],
  [["sealedSecrets", "db", "type"], "", "at least 1 character(s)"],
  [[...OBJECT, "metadata", "name"], "-a", SUBDOMAIN],
  [[...OBJECT, "metadata", "name"], "a-", SUBDOMAIN],
  [[...OBJECT, "metadata", "name"], "a..b", SUBDOMAIN],
  [[...OBJECT, "metadata", "name"], "a.-b", SUBDOMAIN],
  [[...OBJECT, "metadata", "name"], "a.b_c", SUBDOMAIN],
  [[...OBJECT, "metadata", "name"], "a".repeat(254), "at most 253 character(s)"],
  [[...OBJECT, "metadata", "name"], undefined, "a string"],
  [[...OBJECT, "metadata"], undefined, "a map of keys"],
  [[...OBJECT, "apiVersion"], "", "at least 1 character(s)"],
  [[...OBJECT, "apiVersion"], undefined, "a string"],
  [[...OBJECT, "kind"], "", "at least 1 character(s)"],
];

/** Map keys that are not names, each with a valid value, and what the error expects of a key. */
const SECRET = { encryptedData: { password: "AgB" } };
const REFUSED_KEYS: [Path, string, unknown, string][] = [
  [["sealedSecrets"], "Db", SECRET, LABEL_KEY],
  [["sealedSecrets"], "db-", SECRET, LABEL_KEY],
  [["cronJobs"], "my_job", { schedule: "@daily", command: ["./a"] }, LABEL_KEY],
  [["config", "files"], "../passwd", "x", FILE_KEY],
  [["config", "files"], "a b", "x", FILE_KEY],
  [["sealedSecrets", "db", "encryptedData"], "a/b", "AgB", FILE_KEY],
  [["env"], "MY-VAR", "x", VARIABLE_KEY],
  [["secretEnv"], "1PASSWORD", { sealedSecret: "db", key: "password" }, VARIABLE_KEY],
];

describe("gitops app spec", () => {
  it("accepts the spec every case starts from", () => assert.deepEqual(refusalsOf(full()), []));

  for (const [path, value] of ACCEPTED) {
    it(`accepts ${keyPath("web", path)}: ${titled(value)}`, () =>
      assert.deepEqual(refusalsOf(fullWith(path, value)), []));
  }

  for (const [path, value, expected] of REFUSED) {
    it(`refuses ${keyPath("web", path)}: ${titled(value)}, expecting ${expected}`, () => {
      const received = value === undefined ? "nothing (the key is missing)" : shownValue(value);
      assert.deepEqual(refusalsOf(fullWith(path, value)), [
        `${keyPath("web", path)}: received ${received}; expected ${expected}`,
      ]);
    });
  }

  for (const [path, key, value, expected] of REFUSED_KEYS) {
    it(`refuses the key ${titled(key)} in ${keyPath("web", path)}, expecting ${expected}`, () => {
      assert.deepEqual(refusalsOf(fullWith([...path, key], value)), [
        `${keyPath("web", [...path, key])}: received the key ${JSON.stringify(key)}; expected ${expected}`,
      ]);
    });
  }

  it("fills in every default of a spec that gives only its image", () => {
    assert.deepEqual(parsed({ image: { repository: "a" } }), {
      image: { repository: "a" },
      enabled: true,
      replicas: 1,
      ports: [],
      env: {},
      secretEnv: {},
      sealedSecrets: {},
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      serviceAccount: { automountToken: false },
      cronJobs: {},
      objects: [],
    });
  });

  it("fills in the defaults of each optional section", () => {
    const spec = parsed({ ...full(), networkPolicy: {} });
    assert.deepEqual(spec.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepEqual(spec.ingress, { className: "nginx", host: "web.example.com", path: "/", annotations: {} });
    assert.deepEqual(spec.cronJobs.report, {
      schedule: "0 3 * * *",
      command: ["./report"],
      concurrencyPolicy: "Forbid",
      suspend: false,
      backoffLimit: 2,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    assert.deepEqual(spec.serviceMonitor, { port: "http", path: "/metrics", interval: "30s" });
    assert.deepEqual(spec.networkPolicy, { allowFromNamespaces: [], allowSameNamespace: true });
    assert.deepEqual(spec.serviceAccount, { roleArn: ROLE, automountToken: false });
  });

  it("keeps quantities as text, numbers included, as Kubernetes reads them", () => {
    const spec = parsed(fullWith(["resources"], { requests: { cpu: 0.5, memory: "256Mi" }, limits: { cpu: 2 } }));
    assert.deepEqual(spec.resources, { requests: { cpu: "0.5", memory: "256Mi" }, limits: { cpu: "2" } });
  });

  it("accepts a DNS label of 1 to 63 characters as an app name", () => {
    assert.deepEqual(
      ["a", "web", "web-2", "a".repeat(63)].map((name) => isDnsLabel(name)),
      [true, true, true, true],
    );
  });

  it("refuses an app name of 64 characters, or one that is not a DNS label", () => {
    assert.deepEqual(
      ["a".repeat(64), "", "-web", "web-", "My_App", "web.app", "wéb"].map((name) => isDnsLabel(name)),
      [false, false, false, false, false, false, false],
    );
  });
});
