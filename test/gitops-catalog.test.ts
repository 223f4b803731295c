import * as fc from "fast-check";
import * as assert from "node:assert/strict";
import { loadCatalog } from "../gitops/catalog/catalog";
import { comesFromOverride, deepMerge } from "../gitops/catalog/merge";
import { CatalogApp } from "../gitops/catalog/spec";
import { isSourceApp, LoadedApp } from "../gitops/sources/schema";
import { inputErrorOf, removeTempDirs, validBase, writeCatalog } from "./support/gitops";

function specApp(app: LoadedApp): CatalogApp {
  assert.ok(!isSourceApp(app), `${app.name} is a typed spec app`);
  return app;
}

describe("gitops app catalog", () => {
  after(removeTempDirs);

  describe("merge rules", () => {
    const cases: [string, unknown, unknown, unknown][] = [
      ["merges maps key by key", { a: 1, m: { x: 1, y: 2 } }, { m: { y: 3 } }, { a: 1, m: { x: 1, y: 3 } }],
      ["replaces lists whole", { ports: [1, 2] }, { ports: [3] }, { ports: [3] }],
      ["replaces a map with a scalar", { m: { x: 1 } }, { m: 5 }, { m: 5 }],
      ["removes a key set to null", { ingress: { host: "a" }, b: 1 }, { ingress: null }, { b: 1 }],
      ["ignores null for a key the base lacks", { b: 1 }, { c: null }, { b: 1 }],
      ["adds keys only in the override", { b: 1 }, { c: { d: 2 } }, { b: 1, c: { d: 2 } }],
    ];
    for (const [what, base, override, expected] of cases) {
      it(what, () => assert.deepEqual(deepMerge(base, override), expected));
    }

    it("keeps the base when the override is empty, and never changes its inputs", () => {
      const json = fc.jsonValue().filter((v) => v !== null && typeof v === "object" && !Array.isArray(v));
      fc.assert(
        fc.property(json, json, (base, override) => {
          const before = JSON.stringify([base, override]);
          assert.deepEqual(deepMerge(base, {}), base);
          deepMerge(base, override);
          assert.equal(JSON.stringify([base, override]), before);
        }),
      );
    });

    it("attributes a value to the override when the override holds or replaced it", () => {
      const override = { image: { tag: "2" }, ports: [{ name: "x" }], ingress: null };
      assert.equal(comesFromOverride(override, ["image", "tag"]), true);
      assert.equal(comesFromOverride(override, ["image", "repository"]), false);
      assert.equal(comesFromOverride(override, ["ports", 0, "name"]), true);
      assert.equal(comesFromOverride(override, ["ingress", "host"]), true);
      assert.equal(comesFromOverride(override, ["replicas"]), false);
      assert.equal(comesFromOverride(undefined, ["replicas"]), false);
      assert.equal(comesFromOverride(undefined, []), false, "no override holds no value");
      assert.equal(
        comesFromOverride({ replicas: undefined }, ["replicas"]),
        false,
        "a key without a value sets nothing",
      );
    });
  });

  it("loads the shipped demo app with each environment's image tag", () => {
    const staging = loadCatalog("staging").map(specApp);
    const production = loadCatalog("production").map(specApp);
    assert.deepEqual(
      staging.map((a) => [a.name, a.spec.image.tag, a.spec.autoscaling]),
      [["demo", "6.7.1", undefined]],
    );
    assert.deepEqual(
      production.map((a) => [a.name, a.spec.image.tag, a.spec.autoscaling?.minReplicas]),
      [["demo", "6.7.0", 2]],
    );
  });

  it("applies defaults, and the base alone when the environment's file is empty", () => {
    const dir = writeCatalog({ web: { "app.yaml": validBase(), "production.yaml": "" } });
    const [web] = loadCatalog("production", { catalogDir: dir }).map(specApp);
    assert.equal(web.spec.replicas, 1);
    assert.deepEqual(web.spec.securityContext, {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    assert.equal(web.spec.ports[0].protocol, "TCP");
  });

  it("runs an app only in the environments it has a file for", () => {
    const dir = writeCatalog({
      web: { "app.yaml": validBase(), "staging.yaml": {} },
      api: { "app.yaml": validBase(), "production.yaml": { replicas: 2 }, "dev.yaml": "" },
      batch: { "app.yaml": validBase() },
    });
    const names = (env: string) => loadCatalog(env, { catalogDir: dir }).map((a) => a.name);
    assert.deepEqual(
      ["dev", "staging", "production", "prod-eu"].map((env) => [env, names(env)]),
      [
        ["dev", ["api"]],
        ["staging", ["web"]],
        ["production", ["api"]],
        ["prod-eu", []],
      ],
    );
  });

  it("reads env files against the environments it is given", () => {
    const dir = writeCatalog({ web: { "app.yaml": validBase(), "qa.yaml": { replicas: 3 } } });
    const [web] = loadCatalog("qa", { catalogDir: dir, environments: ["qa", "live"] }).map(specApp);
    assert.equal(web.spec.replicas, 3);
    assert.deepEqual(loadCatalog("live", { catalogDir: dir, environments: ["qa", "live"] }), []);
  });

  it("fails for an environment that does not exist, listing those that do", () => {
    const dir = writeCatalog({ web: { "app.yaml": validBase(), "staging.yaml": {} } });
    assert.equal(
      inputErrorOf(() => loadCatalog("qa", { catalogDir: dir })),
      'app catalog: received the environment "qa", which has no Pulumi.qa.yaml; expected one of dev, prod-eu, production, staging',
    );
  });

  it("leaves out an app disabled in one environment only", () => {
    const dir = writeCatalog({
      web: { "app.yaml": validBase(), "staging.yaml": {}, "production.yaml": { enabled: false } },
      api: { "app.yaml": validBase(), "staging.yaml": {}, "production.yaml": {} },
    });
    assert.deepEqual(
      loadCatalog("staging", { catalogDir: dir }).map((a) => a.name),
      ["api", "web"],
    );
    assert.deepEqual(
      loadCatalog("production", { catalogDir: dir }).map((a) => a.name),
      ["api"],
    );
  });

  describe("malformed specs", () => {
    const base = validBase();
    const probes = base.probes as Record<string, unknown>;
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "a misspelled key, listing the known ones",
        { "app.yaml": { ...base, replica: 2 } },
        "<dir>/web/app.yaml: web.replica: unknown key; expected one of the known keys: args, autoscaling, command, " +
          "config, cronJobs, enabled, env, image, ingress, networkPolicy, objects, podDisruptionBudget, ports, probes, " +
          "replicas, resources, sealedSecrets, secretEnv, securityContext, serviceAccount, serviceMonitor " +
          "(did you mean replicas?)",
      ],
      [
        "a misspelled key in the env file, naming the env file",
        { "app.yaml": base, "staging.yaml": { image: { tga: "1" } } },
        "<dir>/web/staging.yaml: web.image.tga: unknown key; expected one of the known keys: pullPolicy, repository, tag " +
          "(did you mean tag?)",
      ],
      [
        "an unquoted numeric tag",
        { "app.yaml": base, "staging.yaml": { image: { tag: 1.2 } } },
        '<dir>/web/staging.yaml: web.image.tag: received 1.2; expected an image tag such as "1.4.2" (quote numeric tags in YAML) or a digest (sha256: and 64 hex digits)',
      ],
      [
        "a tag inside the repository",
        { "app.yaml": { ...base, image: { repository: "ghcr.io/x/y:1.0" } } },
        '<dir>/web/app.yaml: web.image.repository: received "ghcr.io/x/y:1.0"; expected an image repository without a tag, ' +
          "such as ghcr.io/org/app (the tag goes in image.tag)",
      ],
      [
        "a negative replica count",
        { "app.yaml": { ...base, replicas: -1 } },
        "<dir>/web/app.yaml: web.replicas: received -1; expected at least 0",
      ],
      [
        "a CPU amount that is not a quantity",
        { "app.yaml": { ...base, resources: { requests: { cpu: "lots" } } } },
        '<dir>/web/app.yaml: web.resources.requests.cpu: received "lots"; expected a Kubernetes quantity such as 100m, 0.5 or 256Mi',
      ],
      [
        "a probe with two handlers",
        {
          "app.yaml": {
            ...base,
            probes: { ...probes, liveness: { http: { path: "/h", port: "http" }, tcp: { port: 80 } } },
          },
        },
        '<dir>/web/app.yaml: web.probes.liveness: received {"http":{"path":"/h","port":"http"},"tcp":{"port":80}}; ' +
          "expected exactly one of http, tcp or exec",
      ],
      [
        "a probe on a port the app does not declare",
        { "app.yaml": { ...base, probes: { ...probes, liveness: { http: { path: "/h", port: "web" } } } } },
        '<dir>/web/app.yaml: web.probes.liveness.http.port: received "web"; expected the name of one of the app\'s ports (http)',
      ],
      [
        "a cron job schedule that is not cron",
        { "app.yaml": { ...base, cronJobs: { nightly: { schedule: "every night", command: ["x"] } } } },
        '<dir>/web/app.yaml: web.cronJobs.nightly.schedule: received "every night"; expected a cron schedule of five fields ' +
          'such as "0 3 * * *", or @daily',
      ],
      [
        "an HPA whose maximum is below its minimum",
        {
          "app.yaml": {
            ...base,
            autoscaling: { minReplicas: 5, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
          },
        },
        "<dir>/web/app.yaml: web.autoscaling.maxReplicas: received 2; expected at least minReplicas (5)",
      ],
      [
        "an HPA on CPU without a CPU request",
        {
          "app.yaml": {
            ...base,
            resources: { limits: { memory: "1Gi" } },
            autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
          },
        },
        "<dir>/web/app.yaml: web.resources.requests.cpu: received nothing (the key is missing); expected a CPU request " +
          "(autoscaling on CPU is a percentage of it)",
      ],
      [
        "a PDB with both minAvailable and maxUnavailable",
        { "app.yaml": { ...base, podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } } },
        '<dir>/web/app.yaml: web.podDisruptionBudget: received {"minAvailable":1,"maxUnavailable":1}; expected exactly ' +
          "one of minAvailable or maxUnavailable",
      ],
      [
        "a secret variable from a sealed secret the app does not have",
        { "app.yaml": { ...base, secretEnv: { DB_PASSWORD: { sealedSecret: "db", key: "password" } } } },
        '<dir>/web/app.yaml: web.secretEnv.DB_PASSWORD.sealedSecret: received "db"; expected the name of one of the ' +
          "app's sealedSecrets (the app declares none)",
      ],
      [
        "a service account role that is not an IAM role ARN",
        { "app.yaml": base, "staging.yaml": { serviceAccount: { roleArn: "demo-role" } } },
        '<dir>/web/staging.yaml: web.serviceAccount.roleArn: received "demo-role"; expected an IAM role ARN such as ' +
          "arn:aws:iam::123456789012:role/demo",
      ],
      [
        "an ingress host that is not a DNS name",
        { "app.yaml": base, "staging.yaml": { ingress: { className: "nginx", host: "not a host" } } },
        '<dir>/web/staging.yaml: web.ingress.host: received "not a host"; expected a DNS name such as demo.example.com',
      ],
      [
        "two ports with one name",
        {
          "app.yaml": {
            ...base,
            ports: [
              { name: "http", containerPort: 80 },
              { name: "http", containerPort: 81 },
            ],
          },
        },
        '<dir>/web/app.yaml: web.ports[1].name: received "http"; expected a port name no other port uses',
      ],
      [
        "an environment variable name that is not one",
        { "app.yaml": { ...base, env: { "1BAD": "x" } } },
        '<dir>/web/app.yaml: web.env.1BAD: received the key "1BAD"; expected keys that are variable names: letters, ' +
          "digits and _, not starting with a digit",
      ],
      [
        "a ServiceMonitor interval that is not a duration",
        { "app.yaml": { ...base, serviceMonitor: { port: "http", interval: "often" } } },
        '<dir>/web/app.yaml: web.serviceMonitor.interval: received "often"; expected a Prometheus duration such as 30s or 1m',
      ],
      [
        "an env file that removes a required key",
        { "app.yaml": base, "staging.yaml": { image: null } },
        "<dir>/web/staging.yaml: web.image: received nothing (the key is missing); expected a map of keys",
      ],
      [
        "errors in both files, each naming its own",
        {
          "app.yaml": { ...base, replicas: "two" },
          "staging.yaml": { ports: [{ name: "http", containerPort: 70000 }] },
        },
        "app web: 2 invalid values:\n" +
          '  - <dir>/web/app.yaml: web.replicas: received "two"; expected a number\n' +
          "  - <dir>/web/staging.yaml: web.ports[0].containerPort: received 70000; expected at most 65535",
      ],
      [
        "a file that is not a map",
        { "app.yaml": "- a\n- b\n" },
        "<dir>/web/app.yaml: received a YAML list at the top level; expected a map of settings of app web",
      ],
      [
        "invalid YAML",
        { "app.yaml": "image: [unclosed\n" },
        "<dir>/web/app.yaml: received invalid YAML (unexpected end of the stream within a flow collection at line 2, " +
          "column 1); expected the settings of app web",
      ],
      [
        "a key given twice",
        { "app.yaml": "replicas: 1\nreplicas: 2\n" },
        "<dir>/web/app.yaml: received invalid YAML (duplicated mapping key at line 2, column 1); expected the settings of app web",
      ],
      [
        "an env file of an environment that does not exist",
        { "app.yaml": base, "prod.yaml": { replicas: 2 } },
        '<dir>/web/prod.yaml: env file of app web for the environment "prod", which has no Pulumi.prod.yaml; ' +
          "expected <env>.yaml of an existing environment: dev, prod-eu, production, staging",
      ],
      [
        "a file that is not YAML",
        { "app.yaml": base, "notes.txt": "todo" },
        "<dir>/web/notes.txt: unexpected file in app web; expected only app.yaml and <env>.yaml for each environment " +
          "it runs in (dev, prod-eu, production, staging)",
      ],
      [
        "an app without its base spec",
        { "staging.yaml": { replicas: 2 } },
        "<dir>/web: app web has no app.yaml; expected its base spec there",
      ],
    ];
    for (const [what, files, expected] of cases) {
      it(`fails on ${what}`, () => {
        const dir = writeCatalog({ web: { "staging.yaml": {}, ...files } });
        const message = inputErrorOf(() => loadCatalog("staging", { catalogDir: dir }));
        assert.equal(message.split(dir).join("<dir>"), expected);
      });
    }

    it("fails on an app directory whose name cannot name a namespace", () => {
      const dir = writeCatalog({ My_App: { "app.yaml": base } });
      assert.equal(
        inputErrorOf(() => loadCatalog("staging", { catalogDir: dir }))
          .split(dir)
          .join("<dir>"),
        '<dir>/My_App: app name "My_App" is invalid; expected lower-case letters, digits and "-", at most 63 ' +
          "characters (it names the app's namespace and objects)",
      );
    });

    it("reports every failing app at once", () => {
      const dir = writeCatalog({
        api: { "app.yaml": { ...base, replicas: -1 }, "staging.yaml": {} },
        web: { "app.yaml": { ...base, replicas: -2 }, "staging.yaml": {} },
      });
      assert.equal(
        inputErrorOf(() => loadCatalog("staging", { catalogDir: dir }))
          .split(dir)
          .join("<dir>"),
        "<dir>/api/app.yaml: api.replicas: received -1; expected at least 0\n" +
          "<dir>/web/app.yaml: web.replicas: received -2; expected at least 0",
      );
    });

    it("fails when the catalog directory does not exist", () => {
      const dir = writeCatalog({});
      assert.equal(
        inputErrorOf(() => loadCatalog("staging", { catalogDir: `${dir}/missing` })),
        `${dir}/missing: not found; expected the app catalog, one directory per app`,
      );
    });
  });
});
