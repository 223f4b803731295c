import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { renderEnvironment, renderEnvironmentReport, renderEnvironmentReportAsync } from "../gitops/render/environment";
import { assertInsideApps } from "../gitops/render/file-names";
import { discoverEnvironments } from "../stack";
import { inputErrorOf, removeTempDirs, runningIn, validBase, withoutTempDir, writeCatalog } from "./support/gitops";

/** Golden files: the demo app hydrated per env. Regenerate with UPDATE_GOLDEN=1 npm run mocha, then review the diff. */
const GOLDEN_DIR = path.join(__dirname, "golden", "gitops");

function goldenFiles(env: string): Map<string, string> {
  const root = path.join(GOLDEN_DIR, env);
  const files = new Map<string, string>();
  if (!fs.existsSync(root)) return files;
  for (const app of fs.readdirSync(path.join(root, "apps")).sort()) {
    for (const file of fs.readdirSync(path.join(root, "apps", app)).sort()) {
      files.set(`apps/${app}/${file}`, fs.readFileSync(path.join(root, "apps", app, file), "utf8"));
    }
  }
  return files;
}

function writeGolden(env: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(path.join(GOLDEN_DIR, env), { recursive: true, force: true });
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(GOLDEN_DIR, env, file)), { recursive: true });
    fs.writeFileSync(path.join(GOLDEN_DIR, env, file), text);
  }
}

function objectsOf(files: ReadonlyMap<string, string>): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...files].map(([file, text]) => [file, parse(text) as Record<string, unknown>]));
}

/** Renders `apps` for `env`, each app running there (an empty env file unless the test gives one). */
function render(apps: Record<string, Record<string, unknown>>, env: "staging" | "production" = "staging") {
  return renderEnvironment(env, { catalogDir: writeCatalog(runningIn(env, apps)) });
}

describe("gitops rendering", () => {
  after(removeTempDirs);

  for (const env of discoverEnvironments()) {
    it(`renders the demo app for ${env} exactly as its golden files`, () => {
      const files = renderEnvironment(env);
      if (process.env.UPDATE_GOLDEN) writeGolden(env, files);
      const golden = goldenFiles(env);
      assert.deepEqual([...files.keys()], [...golden.keys()], "the set of files differs from the golden files");
      for (const [file, text] of files) assert.equal(text, golden.get(file), `${file} differs from its golden file`);
    });
  }

  it("names one file per object, apps/<app>/<kind>-<name>.yaml, sorted", () => {
    assert.deepEqual(
      [...renderEnvironment("production").keys()],
      [
        "apps/demo/cronjob-demo-smoke-test.yaml",
        "apps/demo/deployment-demo.yaml",
        "apps/demo/horizontalpodautoscaler-demo.yaml",
        "apps/demo/ingress-demo.yaml",
        "apps/demo/networkpolicy-demo.yaml",
        "apps/demo/poddisruptionbudget-demo.yaml",
        "apps/demo/service-demo.yaml",
        "apps/demo/serviceaccount-demo.yaml",
        "apps/demo/servicemonitor-demo.yaml",
      ],
    );
  });

  it("gives byte-identical output on every run and whatever the key order of the spec", () => {
    const spec = { ...validBase(), env: { B: "2", A: "1" }, replicas: 1 };
    const reversed = Object.fromEntries(Object.entries(spec).reverse());
    const first = render({ web: { "app.yaml": spec } });
    assert.deepEqual(render({ web: { "app.yaml": spec } }), first);
    assert.deepEqual(render({ web: { "app.yaml": { ...reversed, env: { A: "1", B: "2" } } } }), first);
    assert.ok(![...first.values()].some((text) => /\d{4}-\d\d-\d\dT\d\d:/.test(text)), "no timestamps");
  });

  it("lets the HPA own the replica count and protects the pods with a PDB", () => {
    const objects = objectsOf(renderEnvironment("production"));
    const deployment = objects["apps/demo/deployment-demo.yaml"] as { spec: Record<string, unknown> };
    assert.equal(deployment.spec.replicas, undefined);
    assert.deepEqual(objects["apps/demo/horizontalpodautoscaler-demo.yaml"].spec, {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "demo" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      ],
    });
    assert.deepEqual(objects["apps/demo/poddisruptionbudget-demo.yaml"].spec, {
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "demo" } },
    });
  });

  it("pins an image by digest as repository@sha256:…, and by tag as repository:tag", () => {
    const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
    const withCron = (tag: string) => ({
      ...validBase(),
      image: { repository: "ghcr.io/example/web", tag },
      cronJobs: { report: { schedule: "0 * * * *", command: ["./report"] } },
    });
    const images = (files: ReadonlyMap<string, string>) =>
      [...files.values()].flatMap((text) => [...text.matchAll(/^[\s-]+image: (.+)$/gm)].map((m) => m[1]));
    assert.deepEqual(images(render({ web: { "app.yaml": withCron(digest) } })), [
      `ghcr.io/example/web@${digest}`,
      `ghcr.io/example/web@${digest}`,
    ]);
    assert.deepEqual(images(render({ web: { "app.yaml": withCron("1.4.2") } })), [
      "ghcr.io/example/web:1.4.2",
      "ghcr.io/example/web:1.4.2",
    ]);
  });

  it("binds the service account to the env's IAM role and serves the ingress host over TLS", () => {
    const objects = objectsOf(renderEnvironment("staging"));
    assert.deepEqual(objects["apps/demo/serviceaccount-demo.yaml"].metadata, {
      name: "demo",
      namespace: "demo",
      labels: { "app.kubernetes.io/managed-by": "gitops-platform", "app.kubernetes.io/name": "demo" },
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/demo-staging" },
    });
    assert.deepEqual((objects["apps/demo/ingress-demo.yaml"].spec as { tls: unknown }).tls, [
      { hosts: ["demo.staging.example.com"], secretName: "demo-tls" },
    ]);
  });

  it("renders config files and sealed secrets, and rolls the pods when either changes", () => {
    const spec = {
      ...validBase(),
      config: { mountPath: "/etc/web", files: { "app.conf": "port = 8080\n" } },
      sealedSecrets: { "web-db": { encryptedData: { password: "AgBy3i4OJSWK+PiTySYZZA==" } } },
      secretEnv: { DB_PASSWORD: { sealedSecret: "web-db", key: "password" } },
    };
    const objects = objectsOf(render({ web: { "app.yaml": spec } }));
    assert.deepEqual(objects["apps/web/configmap-web-config.yaml"].data, { "app.conf": "port = 8080\n" });
    assert.deepEqual(objects["apps/web/sealedsecret-web-db.yaml"].spec, {
      encryptedData: { password: "AgBy3i4OJSWK+PiTySYZZA==" },
      template: {
        metadata: {
          name: "web-db",
          namespace: "web",
          labels: { "app.kubernetes.io/managed-by": "gitops-platform", "app.kubernetes.io/name": "web" },
        },
      },
    });
    const podOf = (files: ReadonlyMap<string, string>) =>
      (parse(files.get("apps/web/deployment-web.yaml") ?? "") as { spec: { template: Record<string, never> } }).spec
        .template;
    const pod = podOf(render({ web: { "app.yaml": spec } }));
    assert.deepEqual(pod.spec["containers"][0]["env"], [
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "web-db", key: "password" } } },
    ]);
    const changed = podOf(
      render({ web: { "app.yaml": { ...spec, config: { ...spec.config, files: { "app.conf": "x\n" } } } } }),
    );
    assert.notEqual(pod.metadata["annotations"]["checksum/config"], changed.metadata["annotations"]["checksum/config"]);
    assert.equal(
      pod.metadata["annotations"]["checksum/sealed-secrets"],
      changed.metadata["annotations"]["checksum/sealed-secrets"],
    );
  });

  it("fails when an extra object is a plaintext Secret, naming the catalog file, the key and the object", () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2" } };
    const message = inputErrorOf(() => render({ web: { "app.yaml": { ...validBase(), objects: [secret] } } }));
    assert.equal(
      withoutTempDir(message),
      "<dir>/web/app.yaml: web.objects[0].kind (Secret/db): received kind Secret; expected a SealedSecret " +
        "(sealedSecrets in the app spec): a plaintext Secret never enters the state repo",
    );
    assert.ok(!message.includes("hunter2"));
  });

  it("fails when an object does not match its Kubernetes schema", () => {
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "reader" },
      rules: "all",
    };
    assert.equal(
      withoutTempDir(inputErrorOf(() => render({ web: { "app.yaml": { ...validBase(), objects: [role] } } }))),
      '<dir>/web/app.yaml: web.objects[0].rules (Role/reader): received "all"; expected what the ' +
        "rbac.authorization.k8s.io/v1/Role schema allows: it must be array",
    );
  });

  it("fails when an object is of an unsupported kind or in another namespace", () => {
    const objects = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "shared", namespace: "kube-system" } },
    ];
    const message = withoutTempDir(inputErrorOf(() => render({ web: { "app.yaml": { ...validBase(), objects } } })));
    assert.match(
      message,
      /^app web: 2 invalid values in its objects:\n {2}- <dir>\/web\/app.yaml: web.objects\[0\].kind \(Namespace\/other\): received apiVersion\/kind v1\/Namespace; expected one of v1\/ConfigMap, /,
    );
    assert.match(
      message,
      /\n {2}- <dir>\/web\/app.yaml: web.objects\[1\].metadata.namespace \(ConfigMap\/shared\): received "kube-system"; expected the app's namespace "web"$/,
    );
  });

  it("fails when two objects of an app would share a file", () => {
    const spec = {
      ...validBase(),
      config: { mountPath: "/etc/web", files: { a: "b" } },
      objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web-config" }, data: {} }],
    };
    assert.equal(
      withoutTempDir(inputErrorOf(() => render({ web: { "app.yaml": spec } }))),
      "<dir>/web/app.yaml: web.objects[0] (ConfigMap/web-config) is declared twice; expected one object per kind " +
        "and name (apps/web/configmap-web-config.yaml)",
    );
  });

  it("refuses any path that escapes apps/<app>/ of the working copy", () => {
    for (const file of [
      "../etc/passwd",
      "/etc/passwd",
      "apps/../../x.yaml",
      "apps/web/../../x",
      "apps\\web\\x",
      "README.md",
      "apps/x",
    ]) {
      assert.equal(
        inputErrorOf(() => assertInsideApps(file)),
        `state repo: received the path ${JSON.stringify(file)}; expected a path inside apps/<app>/ of the working copy`,
      );
    }
    assert.doesNotThrow(() => assertInsideApps("apps/web/deployment-web.yaml"));
  });

  it("reports every failing app, and nothing partial, when several fail", () => {
    const bad = { ...validBase(), objects: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } }] };
    const message = inputErrorOf(() =>
      render({ api: { "app.yaml": bad }, ok: { "app.yaml": validBase() }, web: { "app.yaml": bad } }),
    );
    assert.deepEqual(
      withoutTempDir(message)
        .split("\n")
        .map((line) => line.split(":")[0]),
      ["<dir>/api/app.yaml", "<dir>/web/app.yaml"],
    );
  });

  it("judges the rendered manifests with the guardrails, app by app, with the environment's severities and suppressions", () => {
    const catalogDir = writeCatalog(
      runningIn("staging", {
        web: { "app.yaml": { ...validBase(), replicas: 3, image: { repository: "ghcr.io/example/web" } } },
        ok: { "app.yaml": validBase() },
      }),
    );
    const plain = renderEnvironmentReport("staging", { catalogDir, tier: "staging" });
    assert.deepEqual(
      plain.policy.violations.map((f) => [f.rule, f.severity, "file" in f && f.file, f.message]),
      [
        [
          "k8s-image-pinned",
          "mandatory",
          "apps/web/deployment-web.yaml",
          'container "web" image "ghcr.io/example/web" has no tag',
        ],
        [
          "k8s-pdb-for-replicas",
          "mandatory",
          "apps/web/deployment-web.yaml",
          "3 replicas and no PodDisruptionBudget selects its pods",
        ],
      ],
    );
    assert.equal(plain.policy.subjects.manifests, plain.files.size);

    const suppressed = renderEnvironmentReport("staging", {
      catalogDir,
      tier: "staging",
      guardrails: {
        severity: {},
        suppressions: [
          { rule: "k8s-image-pinned", file: "apps/web/deployment-web.yaml", reason: "mirrors an upstream tag" },
          { rule: "k8s-pdb-for-replicas", file: "apps/web/deployment-web.yaml", reason: "a batch worker" },
        ],
      },
    });
    assert.deepEqual(suppressed.policy.violations, []);
    assert.deepEqual(
      suppressed.policy.suppressed.map((f) => [f.rule, f.reason]),
      [
        ["k8s-image-pinned", "mirrors an upstream tag"],
        ["k8s-pdb-for-replicas", "a batch worker"],
      ],
    );
    assert.deepEqual(suppressed.files, plain.files, "the guardrails never change what is rendered");
  });

  it("renders the same report whether it renders chart apps first in parallel or not, listing the apps it rendered", async () => {
    const catalogDir = writeCatalog(
      runningIn("staging", { web: { "app.yaml": validBase() }, api: { "app.yaml": validBase() } }),
    );
    const report = renderEnvironmentReport("staging", { catalogDir });
    assert.deepEqual(report.apps, ["api", "web"]);
    assert.deepEqual(await renderEnvironmentReportAsync("staging", { catalogDir }), report);
  });

  it("judges the manifests as production when it is not told the environment's tier", () => {
    const catalogDir = writeCatalog(
      runningIn("staging", { web: { "app.yaml": { ...validBase(), podDisruptionBudget: { maxUnavailable: 0 } } } }),
    );
    const severities = (options: { tier?: "staging" }) =>
      renderEnvironmentReport("staging", { catalogDir, ...options })
        .policy.violations.filter((f) => f.rule === "k8s-pdb-allows-eviction")
        .map((f) => f.severity);
    assert.deepEqual(severities({}), ["mandatory"]);
    assert.deepEqual(severities({ tier: "staging" }), ["advisory"]);
  });
});
