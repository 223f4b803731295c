import * as assert from "node:assert/strict";
import { InputError } from "../config";
import { isQualifiedName, MAX_ANNOTATIONS_BYTES, serverRuleViolations } from "../gitops/render/server-rules";
import { validateManifests } from "../gitops/render/validate";

/**
 * The rules the API server adds to the Kubernetes schemas (gitops/render/server-rules.ts), as a pure
 * function: each rule at its limit and one past it, at the path it reports.
 */

type Violation = [string, unknown, string];

/** Each violation of `manifest` as [path, received, expected], the path dotted. */
function violationsOf(manifest: Record<string, unknown>): Violation[] {
  return serverRuleViolations(manifest).map((v) => [v.path.join("."), v.received, v.expected]);
}

const object = (kind: string, name: unknown, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind,
  metadata: { name, namespace: "web" },
  ...extra,
});

/** A Deployment named web whose pod spec is `pod`. */
const deployment = (pod: Record<string, unknown>, kind = "Deployment") =>
  object(kind, "web", { spec: { selector: { matchLabels: { app: "web" } }, template: { spec: pod } } });

const LABEL_VALUE =
  "a label value of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), or empty";
const KEY =
  "a key of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), " +
  "optionally after a DNS prefix and /, such as example.com/team";
const SERVICE_NAME = "a Service name: at most 63 lower-case letters, digits and -, starting with a letter";
const CONFIG_MAP_NAME = "a ConfigMap name: at most 253 letters, digits, -, _ and .";
const ROLE_NAME = "a name without /, % and not . or ..";
const NAME = "a name of at most 253 lower-case letters, digits, - and .";
const PORT_NAME = "a port name of at most 15 lower-case letters, digits and -, with a letter";
const CONTAINER_NAME = "a container name of at most 63 lower-case letters, digits and -";
const VOLUME_NAME = "a volume name of at most 63 lower-case letters, digits and -";

describe("gitops server rules", () => {
  describe("label and annotation keys", () => {
    const accepted = ["a", "a".repeat(63), "App_Name.v-1", "app.kubernetes.io/name", `${"a".repeat(253)}/x`, "x.io/A"];
    const refused = [
      "a".repeat(64),
      "",
      "-a",
      "a-",
      "a b",
      "/name",
      "x/",
      "a/b/c",
      `${"a".repeat(254)}/x`,
      "Example.com/x",
      "example.com./x",
    ];
    for (const key of accepted) it(`accepts ${JSON.stringify(key)}`, () => assert.equal(isQualifiedName(key), true));
    for (const key of refused) it(`refuses ${JSON.stringify(key)}`, () => assert.equal(isQualifiedName(key), false));
  });

  describe("names by kind", () => {
    const cases: [string, string, string[]][] = [
      ["Service", "a", []],
      ["Service", "web-2", []],
      ["Service", "a".repeat(63), []],
      ["Service", "a".repeat(64), [SERVICE_NAME]],
      ["Service", "2web", [SERVICE_NAME]],
      ["Service", "web-", [SERVICE_NAME]],
      ["Service", "web.v1", [SERVICE_NAME]],
      ["ConfigMap", "My_Config.v-1", []],
      ["ConfigMap", "a".repeat(253), []],
      ["ConfigMap", "a".repeat(254), [CONFIG_MAP_NAME]],
      ["ConfigMap", "/etc", [CONFIG_MAP_NAME]],
      ["ConfigMap", "etc/", [CONFIG_MAP_NAME]],
      ["ConfigMap", "a b", [CONFIG_MAP_NAME]],
      ["Role", "system:reader", []],
      ["Role", ".", [ROLE_NAME]],
      ["Role", "..", [ROLE_NAME]],
      ["Role", "a/b", [ROLE_NAME]],
      ["RoleBinding", "a%2F", [ROLE_NAME]],
      ["RoleBinding", "Read:All", []],
      ["Deployment", "a", []],
      ["Deployment", "a.b", []],
      ["Deployment", "ab.c-d", []],
      ["Deployment", "a".repeat(253), []],
      ["Deployment", "a".repeat(254), [NAME]],
      ["Deployment", "Web", [NAME]],
      ["Deployment", "-web", [NAME]],
      ["Deployment", "web-", [NAME]],
      ["Deployment", "web.-a", [NAME]],
      ["Deployment", "web.a-", [NAME]],
      ["CronJob", "a".repeat(52), []],
      ["CronJob", "a".repeat(53), ["a CronJob name of at most 52 characters"]],
      ["Job", "a".repeat(63), []],
      ["Job", "a".repeat(64), ["a Job name of at most 63 characters"]],
    ];
    for (const [kind, name, expected] of cases) {
      it(`${expected.length ? "refuses" : "accepts"} the ${kind} name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`, () => {
        assert.deepEqual(
          violationsOf(object(kind, name)),
          expected.map((e): Violation => ["metadata.name", name, e]),
        );
      });
    }

    it("leaves a name that is not text to the schema", () => {
      assert.deepEqual(violationsOf(object("Service", 5)), []);
    });
  });

  describe("labels and annotations", () => {
    it("checks label keys and values of the object, its selector and its pod template", () => {
      const manifest = object("Deployment", "web", {
        metadata: { name: "web", labels: { "bad key": "x", ok: "a".repeat(63), long: "a".repeat(64), n: -5, e: "" } },
        spec: {
          selector: { matchLabels: { app: "-web" } },
          template: { metadata: { labels: { app: "web-" }, annotations: { "a/b/c": "x" } }, spec: {} },
        },
      });
      assert.deepEqual(violationsOf(manifest), [
        ["metadata.labels.bad key", "bad key", `a label key: ${KEY}`],
        ["metadata.labels.long", "a".repeat(64), LABEL_VALUE],
        ["spec.selector.matchLabels.app", "-web", LABEL_VALUE],
        ["spec.template.metadata.labels.app", "web-", LABEL_VALUE],
        ["spec.template.metadata.annotations.a/b/c", "a/b/c", `an annotation key: ${KEY}`],
      ]);
    });

    it("accepts annotations of 256 KiB in all, keys included, and refuses one byte more, counting UTF-8 bytes", () => {
      const value = (bytes: number) => "x".repeat(bytes);
      const at = (annotations: Record<string, unknown>) =>
        violationsOf(object("ConfigMap", "c", { metadata: { name: "c", annotations } }));
      assert.deepEqual(at({ a: value(MAX_ANNOTATIONS_BYTES - 2), b: "" }), []);
      assert.deepEqual(
        at({ a: value(MAX_ANNOTATIONS_BYTES - 2), b: 12345 }),
        [],
        "a value that is not text counts nothing",
      );
      assert.deepEqual(at({ a: value(MAX_ANNOTATIONS_BYTES - 2), bc: "" }), [
        ["metadata.annotations", `${MAX_ANNOTATIONS_BYTES + 1} bytes of annotations`, "at most 262144 bytes in all"],
      ]);
      assert.deepEqual(at({ a: `é${value(MAX_ANNOTATIONS_BYTES - 2)}` }), [
        ["metadata.annotations", `${MAX_ANNOTATIONS_BYTES + 1} bytes of annotations`, "at most 262144 bytes in all"],
      ]);
    });

    it("reads metadata, labels and specs that are not maps as empty", () => {
      for (const odd of [null, ["a"], "x", 5]) {
        const manifest = { apiVersion: "v1", kind: "Service", metadata: odd, spec: { selector: odd, ports: odd } };
        assert.deepEqual(violationsOf(manifest), []);
        assert.deepEqual(
          violationsOf(object("Deployment", "web", { metadata: { name: "web", labels: odd, annotations: odd } })),
          [],
        );
      }
    });
  });

  describe("pod templates", () => {
    const badPod = { containers: [{ name: "Web" }] };

    it("checks the pod template of a Deployment, StatefulSet and Job, and a CronJob's job template", () => {
      for (const kind of ["Deployment", "StatefulSet", "Job"]) {
        assert.deepEqual(violationsOf(deployment(badPod, kind)), [
          ["spec.template.spec.containers.0.name", "Web", CONTAINER_NAME],
        ]);
      }
      const cronJob = object("CronJob", "web", { spec: { jobTemplate: { spec: { template: { spec: badPod } } } } });
      assert.deepEqual(violationsOf(cronJob), [
        ["spec.jobTemplate.spec.template.spec.containers.0.name", "Web", CONTAINER_NAME],
      ]);
    });

    it("has no pod template to check in other kinds", () => {
      assert.deepEqual(violationsOf(deployment(badPod, "ReplicaSet")), []);
      assert.deepEqual(violationsOf(object("CronJob", "web", { spec: { template: { spec: badPod } } })), []);
      const jobTemplate = { spec: { template: { spec: badPod } } };
      assert.deepEqual(violationsOf(object("ReplicaSet", "web", { spec: { jobTemplate } })), []);
    });

    it("refuses volumes, containers, ports, variables and mounts that repeat a key", () => {
      const pod = {
        volumes: [{ name: "data" }, { name: "data" }, { name: "tmp" }],
        initContainers: [{ name: "init" }],
        containers: [
          {
            name: "init",
            ports: [
              { name: "http", containerPort: 80 },
              { name: "http", containerPort: 80, protocol: "TCP" },
              { name: "dns", containerPort: 80, protocol: "UDP" },
              { name: "a" },
              { name: "b" },
            ],
            env: [{ name: "A" }, { name: "A" }, { name: "B" }],
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "tmp", mountPath: "/data" },
              { name: "cache", mountPath: "/cache" },
              { mountPath: "/x" },
            ],
          },
        ],
      };
      const at = "spec.template.spec";
      const c = `${at}.containers.0`;
      assert.deepEqual(violationsOf(deployment(pod)), [
        [`${at}.volumes.1.name`, "data", "a volume name no other volume of the pod uses"],
        [`${c}.name`, "init", "a container name no other container of the pod uses"],
        [`${c}.ports.1.name`, "http", "a port name no other port of the container uses"],
        [`${c}.ports.1.containerPort`, 80, "a containerPort and protocol no other port of the container uses"],
        [`${c}.env.1.name`, "A", "a variable name no other variable of the container sets"],
        [`${c}.volumeMounts.1.mountPath`, "/data", "a mountPath no other mount of the container uses"],
        [`${c}.volumeMounts.2.name`, "cache", "the name of one of the pod's volumes"],
      ]);
    });

    it("refuses volume, container and port names past their limits", () => {
      const pod = {
        volumes: [
          { name: "a".repeat(63) },
          { name: "a".repeat(64) },
          { name: "Data" },
          { name: "data-" },
          { name: -5 },
          { name: "a" },
        ],
        containers: [
          { name: "a".repeat(63) },
          { name: -1 },
          { name: "c" },
          { name: "b".repeat(64) },
          {
            name: "web-",
            ports: [7, "a".repeat(15), "a".repeat(16), "8080", "a--b", "ab--c", "-ab", "ab-", "Http", "h"].map(
              (name) => ({
                name,
              }),
            ),
          },
        ],
      };
      const at = "spec.template.spec";
      assert.deepEqual(violationsOf(deployment(pod)), [
        [`${at}.volumes.1.name`, "a".repeat(64), VOLUME_NAME],
        [`${at}.volumes.2.name`, "Data", VOLUME_NAME],
        [`${at}.volumes.3.name`, "data-", VOLUME_NAME],
        [`${at}.containers.3.name`, "b".repeat(64), CONTAINER_NAME],
        [`${at}.containers.4.name`, "web-", CONTAINER_NAME],
        ...["a".repeat(16), "8080", "a--b", "ab--c", "-ab", "ab-", "Http"].map((name, i): Violation => [
          `${at}.containers.4.ports.${i + 2}.name`,
          name,
          PORT_NAME,
        ]),
      ]);
    });
  });

  describe("Service ports", () => {
    const service = (ports: unknown[]) => object("Service", "web", { spec: { ports } });

    it("refuses a repeated name, a repeated port and protocol, and an unnamed port among several", () => {
      const ports = [
        { name: "http", port: 80 },
        { name: "http", port: 80, protocol: "TCP" },
        { name: "dns", port: 80, protocol: "UDP" },
        { port: 81 },
        { name: "", port: 82 },
        { name: "a" },
        { name: "b" },
      ];
      assert.deepEqual(violationsOf(service(ports)), [
        ["spec.ports.1.name", "http", "a port name no other port of the Service uses"],
        ["spec.ports.1.port", 80, "a port and protocol no other port of the Service uses"],
        ["spec.ports.3.name", undefined, "a name: a Service with several ports names each"],
        ["spec.ports.4.name", "", "a name: a Service with several ports names each"],
      ]);
    });

    it("accepts one port without a name", () => {
      assert.deepEqual(violationsOf(service([{ port: 80 }])), []);
    });

    it("checks ports only in a Service", () => {
      const ports = [{ port: 80 }, { port: 80 }];
      assert.deepEqual(violationsOf(object("ConfigMap", "web", { spec: { ports } })), []);
    });
  });

  describe("schema errors", () => {
    /** The error validateManifests gives for `manifest` of app web. */
    const errorOf = (manifest: Record<string, unknown>): string => {
      try {
        validateManifests({ name: "web" }, [{ manifest: manifest as never }]);
      } catch (err) {
        assert.ok(err instanceof InputError);
        return err.message;
      }
      assert.fail("no error");
    };

    it("names each place by its key path: map keys with / and ~ as written, list indexes of several digits as indexes", () => {
      const labels = { "2fa": 1, a2: 2, "a/b~c": 3 };
      const allows = "expected what the v1/ConfigMap schema allows: it must be string";
      assert.equal(
        errorOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "web", labels } }),
        "app web: 3 invalid values in its objects:\n" +
          `  - app web: ConfigMap/c metadata.labels.2fa: received 1; ${allows}\n` +
          `  - app web: ConfigMap/c metadata.labels.a2: received 2; ${allows}\n` +
          `  - app web: ConfigMap/c metadata.labels.a/b~c: received 3; ${allows}`,
      );
      const ports = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}`, port: i === 10 ? "x" : 80 + i }));
      assert.equal(
        errorOf({ apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "web" }, spec: { ports } }),
        'app web: Service/s spec.ports[10].port: received "x"; expected what the v1/Service schema allows: it must be integer',
      );
    });
  });

  it("reports each rule the API server would break at the object's key path, a spec object by the app's file", () => {
    const ports = [{ port: 80 }, { port: 81 }];
    const manifest = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc", namespace: "web" },
      spec: { ports },
    };
    const source = { baseFile: "gitops/apps/web/app.yaml", fileOf: () => "gitops/apps/web/staging.yaml" };
    const expected = "received nothing; expected a name: a Service with several ports names each";
    assert.throws(
      () => validateManifests({ name: "web", source }, [{ manifest }]),
      new InputError(
        "app web: 2 invalid values in its objects:\n" +
          `  - gitops/apps/web/app.yaml: app web: Service/svc spec.ports[0].name: ${expected}\n` +
          `  - gitops/apps/web/app.yaml: app web: Service/svc spec.ports[1].name: ${expected}`,
      ),
    );
  });

  it("reports a schema error about the whole object at the object", () => {
    const metadata = { name: "r", namespace: "web" };
    const manifest = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata };
    assert.throws(
      () => validateManifests({ name: "web" }, [{ manifest }]),
      new InputError(
        `app web: RoleBinding/r: received ${JSON.stringify(manifest)}; expected what the ` +
          "rbac.authorization.k8s.io/v1/RoleBinding schema allows: it must have required property roleRef",
      ),
    );
  });
});
