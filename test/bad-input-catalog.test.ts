import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { renderEnvironment } from "../gitops/render/environment";
import { MAX_YAML_BYTES } from "../input-files";
import {
  inputErrorOf,
  removeTempDirs,
  runningIn,
  tempDir,
  validBase,
  withoutTempDir,
  writeCatalog,
} from "./support/gitops";

type Files = Record<string, unknown>;

/** The error rendering staging gives for an app `web` of `files`, with temp dirs shown as <dir>. */
function errorOf(files: Files, app = "web"): string {
  return withoutTempDir(
    inputErrorOf(() =>
      renderEnvironment("staging", { catalogDir: writeCatalog(runningIn("staging", { [app]: files })) }),
    ),
  );
}

/** A base spec with `objects` as its extra objects. */
function withObjects(...objects: Record<string, unknown>[]): Files {
  return { "app.yaml": { ...validBase(), objects } };
}

/** A Deployment of the app's extra objects whose pod spec is `pod`. */
function deployment(pod: Record<string, unknown>, name = "worker"): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: pod },
    },
  };
}

const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: "ghcr.io/x/y:1", ...extra });

/** An alias bomb: ten levels, each a list of nine aliases of the level below. */
function aliasBomb(indent = ""): string {
  const lines = [`${indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 10; i++) {
    const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
    lines.push(`${indent}${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return `${lines.join("\n")}\n`;
}

const BASE = "<dir>/web/app.yaml";
const STAGING = "<dir>/web/staging.yaml";
const W = `${BASE}: web.objects[0]`;

describe("bad input: app catalog files", () => {
  after(removeTempDirs);

  describe("files that are not a map of settings say what they are", () => {
    const cases: [string, Files, string][] = [
      [
        "an app.yaml that is a list",
        { "app.yaml": "- a\n- b\n" },
        `${BASE}: received a YAML list at the top level; expected a map of settings of app web`,
      ],
      [
        "an app.yaml that is a scalar",
        { "app.yaml": "web\n" },
        `${BASE}: received the scalar "web" at the top level; expected a map of settings of app web`,
      ],
      [
        "an env file that is a list",
        { "app.yaml": validBase(), "staging.yaml": "[1]\n" },
        `${STAGING}: received a YAML list at the top level; expected a map of settings of app web`,
      ],
      [
        "invalid YAML",
        { "app.yaml": "image: [a\n" },
        `${BASE}: received invalid YAML (unexpected end of the stream within a flow collection at line 2, column 1); expected the settings of app web`,
      ],
      [
        "an empty app.yaml",
        { "app.yaml": "" },
        `${BASE}: web.image: received nothing (the key is missing); expected a map of keys`,
      ],
      [
        "a 1 MB scalar, quoting 200 characters of it",
        { "app.yaml": `"${"x".repeat(1_000_000)}"\n` },
        `${BASE}: received the scalar "${"x".repeat(199)}… (1000002 characters) at the top level; expected a map of settings of app web`,
      ],
      [
        "a 1 MB tag, quoting 200 characters of it",
        { "app.yaml": validBase(), "staging.yaml": { image: { tag: "t".repeat(1_000_000) } } },
        `${STAGING}: web.image.tag: received "${"t".repeat(199)}… (1000002 characters); expected an image tag such as "1.4.2" (quote numeric tags in YAML) or a digest (sha256: and 64 hex digits)`,
      ],
      [
        "a 1 MB unknown key, cut in the key path",
        { "app.yaml": { ...validBase(), ["k".repeat(1_000_000)]: 1 } },
        `${BASE}: web.${"k".repeat(200)}… (1000000 characters): unknown key; expected one of the known keys: args, autoscaling, command, config, cronJobs, enabled, env, image, ingress, networkPolicy, objects, podDisruptionBudget, ports, probes, replicas, resources, sealedSecrets, secretEnv, securityContext, serviceAccount, serviceMonitor`,
      ],
      [
        "a 1 MB variable name of bad characters, cut",
        { "app.yaml": { ...validBase(), env: { ["-".repeat(1_000_000)]: "x" } } },
        `${BASE}: web.env.${"-".repeat(200)}… (1000000 characters): received the key "${"-".repeat(199)}… (1000002 characters); expected keys that are variable names: letters, digits and _, not starting with a digit`,
      ],
    ];
    for (const [what, files, expected] of cases) it(`fails on ${what}`, () => assert.equal(errorOf(files), expected));
  });

  describe("pathological YAML is refused by the hardened reader, naming the file and key", () => {
    it("fails fast on an alias bomb in app.yaml", () => {
      const started = Date.now();
      assert.match(
        errorOf({ "app.yaml": aliasBomb() }),
        /^<dir>\/web\/app\.yaml: received YAML whose aliases expand to more than \d+ nodes and characters/,
      );
      assert.ok(Date.now() - started < 5_000);
    });

    it("fails fast on an alias bomb in an env file", () =>
      assert.match(
        errorOf({ "app.yaml": validBase(), "staging.yaml": `env:\n${aliasBomb("  ")}` }),
        /^<dir>\/web\/staging\.yaml: received YAML whose aliases expand/,
      ));

    it("accepts the aliases people write: a shared map used a few times", () => {
      const { resources, ...rest } = validBase();
      const text =
        `${stringify(rest)}resources: &res ${JSON.stringify(resources)}\n` +
        "cronJobs:\n  nightly: {schedule: '@daily', command: [run], resources: *res}\n" +
        "  weekly: {schedule: '@weekly', command: [run], resources: *res}\n";
      const files = renderEnvironment("staging", {
        catalogDir: writeCatalog(runningIn("staging", { web: { "app.yaml": text } })),
      });
      assert.match(files.get("apps/web/cronjob-web-weekly.yaml") ?? "", /^ {18}cpu: 100m$/m);
    });

    it("fails on nesting deeper than the limit", () =>
      assert.match(
        errorOf({ "app.yaml": `env: ${"[".repeat(80)}${"]".repeat(80)}\n` }),
        /^<dir>\/web\/app\.yaml: received invalid YAML \(nesting exceeded maxDepth \(64\) at line 1, column \d+\); expected the settings of app web$/,
      ));

    const protoCases: [string, Files, string][] = [
      [
        "at the top of app.yaml",
        { "app.yaml": `${stringify(validBase())}__proto__: {replicas: 3}\n` },
        `${BASE}: web.__proto__`,
      ],
      [
        "inside image",
        { "app.yaml": `${stringify(validBase())}`.replace("image:\n", "image:\n  __proto__: {}\n") },
        `${BASE}: web.image.__proto__`,
      ],
      [
        "in an env file",
        { "app.yaml": validBase(), "staging.yaml": "env:\n  __proto__: x\n" },
        `${STAGING}: web.env.__proto__`,
      ],
      [
        "in a list item",
        { "app.yaml": validBase(), "staging.yaml": "ports:\n  - __proto__: {}\n" },
        `${STAGING}: web.ports[0].__proto__`,
      ],
    ];
    for (const [what, files, at] of protoCases) {
      it(`reports a __proto__ key ${what} at its real path`, () =>
        assert.equal(
          errorOf(files),
          `${at}: received the key "__proto__"; expected another key (JavaScript reads this one as the prototype of the map)`,
        ));
    }

    it("fails on an alias to a map that contains it, at the alias", () =>
      assert.equal(
        errorOf({ "app.yaml": "env: &loop {a: *loop}\n" }),
        `${BASE}: web.env.a: received an alias to a map or list that contains it; expected a value that ends`,
      ));

    it("fails on a file larger than the limit before reading it", () =>
      assert.equal(
        errorOf({ "app.yaml": `# ${"x".repeat(MAX_YAML_BYTES)}\n` }),
        `${BASE}: received a file of ${MAX_YAML_BYTES + 3} bytes; expected at most ${MAX_YAML_BYTES}`,
      ));
  });

  describe("links out of the catalog are refused before reading", () => {
    function linkedCatalog(link: (catalog: string, outside: string) => void): { message: string; outside: string } {
      const outside = tempDir("outside");
      fs.writeFileSync(path.join(outside, "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
      fs.writeFileSync(path.join(outside, "app.yaml"), stringify(validBase()));
      const catalog = writeCatalog(runningIn("staging", { web: { "app.yaml": validBase() } }));
      link(catalog, outside);
      const message = inputErrorOf(() => renderEnvironment("staging", { catalogDir: catalog }));
      assert.ok(!message.includes("root:x"), "the linked file's content is never shown");
      return { message: withoutTempDir(message), outside };
    }

    it("fails on an app.yaml linked to a system file", () => {
      const { message } = linkedCatalog((catalog, outside) => {
        fs.rmSync(path.join(catalog, "web", "app.yaml"));
        fs.symlinkSync(path.join(outside, "passwd"), path.join(catalog, "web", "app.yaml"));
      });
      assert.equal(
        message,
        `${BASE}: is a symbolic link to <dir>/passwd, outside <dir>; expected a file inside the project (links out of it are never read or written)`,
      );
    });

    it("fails on an env file linked out of the catalog", () => {
      const { message } = linkedCatalog((catalog, outside) => {
        // The app runs in staging through this file, which is a link out of the catalog.
        fs.rmSync(path.join(catalog, "web", "staging.yaml"));
        fs.symlinkSync(path.join(outside, "app.yaml"), path.join(catalog, "web", "staging.yaml"));
      });
      assert.match(message, /^<dir>\/web\/staging\.yaml: is a symbolic link to <dir>\/app\.yaml, outside <dir>;/);
    });

    it("fails on an app directory linked out of the catalog", () => {
      const { message } = linkedCatalog((catalog, outside) => fs.symlinkSync(outside, path.join(catalog, "api")));
      assert.match(message, /^<dir>\/api: is a symbolic link to <dir>, outside <dir>;/);
    });

    it("reads an env file linked to another file of the catalog", () => {
      const catalog = writeCatalog(
        runningIn("staging", { web: { "app.yaml": validBase(), "production.yaml": { replicas: 2 } } }),
      );
      fs.rmSync(path.join(catalog, "web", "staging.yaml"));
      fs.symlinkSync("production.yaml", path.join(catalog, "web", "staging.yaml"));
      const files = renderEnvironment("staging", { catalogDir: catalog });
      assert.match(files.get("apps/web/deployment-web.yaml") ?? "", /^ {2}replicas: 2$/m);
    });

    it("fails on an env file that is a FIFO instead of hanging on it", () => {
      const catalog = writeCatalog(runningIn("staging", { web: { "app.yaml": validBase() } }));
      fs.rmSync(path.join(catalog, "web", "staging.yaml"));
      execFileSync("mkfifo", [path.join(catalog, "web", "staging.yaml")]);
      assert.equal(
        withoutTempDir(inputErrorOf(() => renderEnvironment("staging", { catalogDir: catalog }))),
        `${STAGING}: received something that is not a file; expected a YAML file`,
      );
    });
  });

  describe("rules the API server adds to the schemas are checked before writing, at the catalog key", () => {
    const base = validBase();
    const http = { name: "http", containerPort: 8080 };
    const cases: [string, Files, string][] = [
      [
        "two ports with one number",
        { "app.yaml": { ...base, ports: [http, { name: "admin", containerPort: 8080 }] } },
        `${BASE}: web.ports[1].containerPort: received 8080; expected a containerPort no other TCP port of the app uses`,
      ],
      [
        "two ports with one Service port",
        { "app.yaml": { ...base, ports: [http, { name: "admin", containerPort: 9090, servicePort: 8080 }] } },
        `${BASE}: web.ports[1].servicePort: received 8080; expected a Service port no other TCP port of the app uses (servicePort, or containerPort without one)`,
      ],
      [
        "two ports with one name, in the env file",
        { "app.yaml": base, "staging.yaml": { ports: [http, { name: "http", containerPort: 9090 }] } },
        `${STAGING}: web.ports[1].name: received "http"; expected a port name no other port uses`,
      ],
      [
        "an ingress annotation key with a space",
        {
          "app.yaml": {
            ...base,
            ingress: { className: "alb", host: "web.example.com", annotations: { "bad key": "x" } },
          },
        },
        `${BASE}: web.ingress.annotations.bad key: received the key "bad key"; expected an annotation key: a key of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), optionally after a DNS prefix and /, such as example.com/team`,
      ],
    ];
    for (const [what, files, expected] of cases) it(`fails on ${what}`, () => assert.equal(errorOf(files), expected));

    it("accepts one port number for TCP and UDP", () =>
      assert.doesNotThrow(() =>
        renderEnvironment("staging", {
          catalogDir: writeCatalog(
            runningIn("staging", {
              web: { "app.yaml": { ...base, ports: [http, { name: "dns", containerPort: 8080, protocol: "UDP" }] } },
            }),
          ),
        }),
      ));

    it("fails on an app whose name cannot name its Service, naming the app's file", () =>
      assert.equal(
        errorOf({ "app.yaml": base }, "1web"),
        '<dir>/1web/app.yaml: app 1web: Service/1web metadata.name: received "1web"; expected a Service name: at most 63 lower-case letters, digits and -, starting with a letter',
      ));
  });

  describe("an app's extra objects: errors name the catalog file, the key path and the object", () => {
    const labels = (l: Record<string, string>) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", labels: l },
    });
    const service = (ports: unknown[]) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc" },
      spec: { ports },
    });
    const job = (name: string) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name },
      spec: { template: { spec: { restartPolicy: "Never", containers: [container("j")] } } },
    });
    const cron = (name: string) => ({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [container("j")] } } } },
      },
    });
    const POD = "spec.template.spec";
    const cases: [string, Files, string][] = [
      [
        "a plaintext Secret",
        withObjects({ apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { p: "hunter2" } }),
        `${W}.kind (Secret/db): received kind Secret; expected a SealedSecret (sealedSecrets in the app spec): a plaintext Secret never enters the state repo`,
      ],
      [
        "a plaintext Secret in the env file",
        {
          "app.yaml": validBase(),
          "staging.yaml": { objects: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "db" } }] },
        },
        `${STAGING}: web.objects[0].kind (Secret/db): received kind Secret; expected a SealedSecret (sealedSecrets in the app spec): a plaintext Secret never enters the state repo`,
      ],
      [
        "a ClusterRole",
        withObjects({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "all" } }),
        `${W}.kind (ClusterRole/all): received apiVersion/kind rbac.authorization.k8s.io/v1/ClusterRole; expected one of `,
      ],
      [
        "an unknown kind",
        withObjects({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
        `${W}.kind (Widget/w): received apiVersion/kind example.com/v1/Widget; expected one of `,
      ],
      [
        "another namespace",
        withObjects({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "kube-system" } }),
        `${W}.metadata.namespace (ConfigMap/c): received "kube-system"; expected the app's namespace "web"`,
      ],
      [
        "a ConfigMap with a number",
        withObjects({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { port: 8080 } }),
        `${W}.data.port (ConfigMap/c): received 8080; expected what the v1/ConfigMap schema allows: it must be string`,
      ],
      [
        "a Deployment without containers",
        withObjects(deployment({})),
        `${W}.${POD} (Deployment/worker): received {}; expected what the apps/v1/Deployment schema allows: it must have required property containers`,
      ],
      [
        "two containers with one name",
        withObjects(deployment({ containers: [container("a"), container("a")] })),
        `${W}.${POD}.containers[1].name (Deployment/worker): received "a"; expected a container name no other container of the pod uses`,
      ],
      [
        "an init container named as a container",
        withObjects(deployment({ initContainers: [container("a")], containers: [container("a")] })),
        `${W}.${POD}.containers[0].name (Deployment/worker): received "a"; expected a container name no other container of the pod uses`,
      ],
      [
        "a container name in capitals",
        withObjects(deployment({ containers: [container("Main")] })),
        `${W}.${POD}.containers[0].name (Deployment/worker): received "Main"; expected a container name of at most 63 lower-case letters, digits and -`,
      ],
      [
        "two volumes with one name",
        withObjects(
          deployment({
            containers: [container("a")],
            volumes: [
              { name: "v", emptyDir: {} },
              { name: "v", emptyDir: {} },
            ],
          }),
        ),
        `${W}.${POD}.volumes[1].name (Deployment/worker): received "v"; expected a volume name no other volume of the pod uses`,
      ],
      [
        "two variables with one name",
        withObjects(
          deployment({
            containers: [
              container("a", {
                env: [
                  { name: "X", value: "1" },
                  { name: "X", value: "2" },
                ],
              }),
            ],
          }),
        ),
        `${W}.${POD}.containers[0].env[1].name (Deployment/worker): received "X"; expected a variable name no other variable of the container sets`,
      ],
      [
        "two container ports with one number",
        withObjects(
          deployment({ containers: [container("a", { ports: [{ containerPort: 80 }, { containerPort: 80 }] })] }),
        ),
        `${W}.${POD}.containers[0].ports[1].containerPort (Deployment/worker): received 80; expected a containerPort and protocol no other port of the container uses`,
      ],
      [
        "two container ports with one name",
        withObjects(
          deployment({
            containers: [
              container("a", {
                ports: [
                  { name: "p", containerPort: 80 },
                  { name: "p", containerPort: 81 },
                ],
              }),
            ],
          }),
        ),
        `${W}.${POD}.containers[0].ports[1].name (Deployment/worker): received "p"; expected a port name no other port of the container uses`,
      ],
      [
        "a container port name of 16 characters",
        withObjects(
          deployment({ containers: [container("a", { ports: [{ name: "a".repeat(16), containerPort: 80 }] })] }),
        ),
        `${W}.${POD}.containers[0].ports[0].name (Deployment/worker): received "${"a".repeat(16)}"; expected a port name of at most 15 lower-case letters, digits and -, with a letter`,
      ],
      [
        "a mount of a volume the pod lacks",
        withObjects(
          deployment({ containers: [container("a", { volumeMounts: [{ name: "data", mountPath: "/d" }] })] }),
        ),
        `${W}.${POD}.containers[0].volumeMounts[0].name (Deployment/worker): received "data"; expected the name of one of the pod's volumes`,
      ],
      [
        "two mounts at one path",
        withObjects(
          deployment({
            volumes: [{ name: "v", emptyDir: {} }],
            containers: [
              container("a", {
                volumeMounts: [
                  { name: "v", mountPath: "/d" },
                  { name: "v", mountPath: "/d" },
                ],
              }),
            ],
          }),
        ),
        `${W}.${POD}.containers[0].volumeMounts[1].mountPath (Deployment/worker): received "/d"; expected a mountPath no other mount of the container uses`,
      ],
      [
        "a label key with two slashes",
        withObjects(labels({ "a/b/c": "x" })),
        `${W}.metadata.labels.a/b/c (ConfigMap/c): received "a/b/c"; expected a label key: a key of at most 63 letters`,
      ],
      [
        "a label key with a space",
        withObjects(labels({ "my label": "x" })),
        `${W}.metadata.labels.my label (ConfigMap/c): received "my label"; expected a label key: `,
      ],
      [
        "a label value of 64 characters",
        withObjects(labels({ tier: "v".repeat(64) })),
        `${W}.metadata.labels.tier (ConfigMap/c): received "${"v".repeat(64)}"; expected a label value of at most 63 letters`,
      ],
      [
        "a label value ending in a dash",
        withObjects(labels({ tier: "web-" })),
        `${W}.metadata.labels.tier (ConfigMap/c): received "web-"; expected a label value of at most 63 letters`,
      ],
      [
        "a selector label value with a slash",
        withObjects({
          ...deployment({ containers: [container("a")] }),
          spec: {
            selector: { matchLabels: { app: "a/b" } },
            template: { metadata: { labels: { app: "a/b" } }, spec: { containers: [container("a")] } },
          },
        }),
        `app web: 2 invalid values in its objects:\n  - ${W}.spec.selector.matchLabels.app (Deployment/worker): received "a/b"; expected a label value`,
      ],
      [
        "an annotation key too long",
        withObjects({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "c", annotations: { ["a".repeat(64)]: "x" } },
        }),
        `${W}.metadata.annotations.${"a".repeat(64)} (ConfigMap/c): received "${"a".repeat(64)}"; expected an annotation key: `,
      ],
      [
        "annotations over 256 KiB",
        withObjects({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "c", annotations: { big: "x".repeat(300 * 1024) } },
        }),
        `${W}.metadata.annotations (ConfigMap/c): received "307203 bytes of annotations"; expected at most 262144 bytes in all`,
      ],
      [
        "a CronJob name over 52 characters",
        withObjects(cron("c".repeat(53))),
        `${W}.metadata.name (CronJob/${"c".repeat(53)}): received "${"c".repeat(53)}"; expected a CronJob name of at most 52 characters`,
      ],
      [
        "a Job name over 63 characters",
        withObjects(job("j".repeat(64))),
        `${W}.metadata.name (Job/${"j".repeat(64)}): received "${"j".repeat(64)}"; expected a Job name of at most 63 characters`,
      ],
      [
        "a Service name starting with a digit",
        withObjects({ ...service([{ port: 80 }]), metadata: { name: "1svc" } }),
        `${W}.metadata.name (Service/1svc): received "1svc"; expected a Service name: at most 63 lower-case letters, digits and -, starting with a letter`,
      ],
      [
        "a Service with two ports of one number",
        withObjects(
          service([
            { name: "a", port: 80 },
            { name: "b", port: 80 },
          ]),
        ),
        `${W}.spec.ports[1].port (Service/svc): received 80; expected a port and protocol no other port of the Service uses`,
      ],
      [
        "a Service with two ports of one name",
        withObjects(
          service([
            { name: "a", port: 80 },
            { name: "a", port: 81 },
          ]),
        ),
        `${W}.spec.ports[1].name (Service/svc): received "a"; expected a port name no other port of the Service uses`,
      ],
      [
        "a Service with two unnamed ports",
        withObjects(service([{ port: 80 }, { port: 81 }])),
        `app web: 2 invalid values in its objects:\n  - ${W}.spec.ports[0].name (Service/svc): received nothing; expected a name: a Service with several ports names each`,
      ],
      [
        "a Role named ..",
        withObjects({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: ".." }, rules: [] }),
        `${BASE}: web.objects[0].metadata.name: received ".."; expected a name of lower-case letters, digits, - and .`,
      ],
    ];
    for (const [what, files, expected] of cases) {
      it(`fails on ${what}`, () => {
        const message = errorOf(files);
        assert.ok(message.startsWith(expected), `${message}\ndoes not start with\n${expected}`);
        assert.ok(!message.includes("hunter2"), "a Secret's values are never shown");
      });
    }
  });
});
