import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import { readHydrationConfig } from "../gitops/environment-config";
import { Manifest } from "../gitops/render/manifest";
import { PLATFORM_CRD_VERSIONS, platformApiVersions } from "../gitops/sources/api-versions";
import { pinnedVersion, resolveBinary, TOOL_PINS } from "../gitops/sources/binaries";
import { cacheKeyOf, RenderCache } from "../gitops/sources/cache";
import { hashTrees } from "../gitops/sources/content-hash";
import { helmPullCommand, helmTemplateCommand } from "../gitops/sources/chart";
import { convertHook } from "../gitops/sources/hooks";
import { kustomizeInputs } from "../gitops/sources/kustomize";
import { parseRendered } from "../gitops/sources/objects";
import { ChartApp, KustomizeApp } from "../gitops/sources/schema";
import { sealRenderedSecrets } from "../gitops/sources/secrets";
import { planReleases } from "../platform/releases";
import { MODULES } from "./e2e/tools/tools";
import { inputErrorOf, removeTempDirs, tempDir } from "./support/gitops";

/** The pure rules of chart and Kustomize apps, on given objects and files: no helm, no kustomize. */

function job(annotations: Record<string, string>): Manifest {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { name: "web-migrate", namespace: "web", annotations } };
}

describe("chart and Kustomize app rules", () => {
  after(removeTempDirs);

  describe("helm hooks", () => {
    const converted: [string, Record<string, string>, Record<string, string>][] = [
      [
        "pre-install,pre-upgrade",
        { "helm.sh/hook": "pre-install,pre-upgrade" },
        { "argocd.argoproj.io/hook": "PreSync" },
      ],
      ["post-upgrade", { "helm.sh/hook": "post-upgrade" }, { "argocd.argoproj.io/hook": "PostSync" }],
      [
        "pre-install and post-install, weight and delete policy",
        {
          "helm.sh/hook": "pre-install, post-install",
          "helm.sh/hook-weight": "-5",
          "helm.sh/hook-delete-policy": "before-hook-creation,hook-failed",
          other: "kept",
        },
        {
          "argocd.argoproj.io/hook": "PreSync,PostSync",
          "argocd.argoproj.io/sync-wave": "-5",
          "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation,HookFailed",
          other: "kept",
        },
      ],
      ["pre-delete", { "helm.sh/hook": "pre-delete" }, { "argocd.argoproj.io/hook": "PreDelete" }],
      [
        "post-upgrade beside post-rollback",
        { "helm.sh/hook": "post-upgrade,post-rollback" },
        { "argocd.argoproj.io/hook": "PostSync" },
      ],
    ];
    for (const [what, given, expected] of converted) {
      it(`turns ${what} into Argo CD's annotations`, () => {
        assert.deepEqual(convertHook(job(given)), { object: job(expected) });
      });
    }

    it("leaves an object without hooks, or with Argo CD's own hook, as it is", () => {
      const plain = job({ note: "x" });
      assert.equal((convertHook(plain) as { object: Manifest }).object, plain);
      const argo = job({ "argocd.argoproj.io/hook": "Sync", "helm.sh/hook": "pre-install" });
      assert.equal((convertHook(argo) as { object: Manifest }).object, argo);
    });

    const refused: [string, Record<string, string>, string][] = [
      [
        "a rollback-only hook",
        { "helm.sh/hook": "pre-rollback" },
        'Job/web-migrate: received helm.sh/hook "pre-rollback"; expected pre-install, pre-upgrade, post-install, ' +
          "post-upgrade, pre-delete or post-delete, which become Argo CD hooks (a rollback- or test-only hook would " +
          "never run under Argo CD: turn it off in the chart's values)",
      ],
      [
        "a test hook",
        { "helm.sh/hook": "test" },
        'Job/web-migrate: received helm.sh/hook "test"; expected pre-install, pre-upgrade, post-install, post-upgrade, ' +
          "pre-delete or post-delete, which become Argo CD hooks (a rollback- or test-only hook would never run under " +
          "Argo CD: turn it off in the chart's values)",
      ],
      [
        "an unknown delete policy",
        { "helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "always" },
        'Job/web-migrate: received helm.sh/hook-delete-policy "always"; expected one of before-hook-creation, hook-succeeded, hook-failed',
      ],
      [
        "a weight that is not a whole number",
        { "helm.sh/hook": "pre-install", "helm.sh/hook-weight": "first" },
        'Job/web-migrate: received helm.sh/hook-weight "first"; expected a whole number',
      ],
    ];
    for (const [what, given, problem] of refused) {
      it(`refuses ${what}`, () => assert.deepEqual(convertHook(job(given)), { problem }));
    }
  });

  describe("Secrets a renderer prints", () => {
    const secret: Manifest = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", namespace: "web" },
      type: "kubernetes.io/basic-auth",
      data: { username: "", password: "" },
    };
    const service: Manifest = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "web" } };

    it("refuses one the app does not declare", () => {
      assert.deepEqual(sealRenderedSecrets("web", [service, secret], {}), {
        objects: [service],
        problems: [
          "Secret/db: received a plaintext Secret from the renderer; expected sealedSecrets.db in the app's files " +
            "(kubeseal'd data for it), or the chart's values set to use an existing secret",
        ],
      });
    });

    it("refuses a declaration that misses a key of the Secret", () => {
      const { problems } = sealRenderedSecrets("web", [secret], { db: { encryptedData: { password: "AgB=" } } });
      assert.deepEqual(problems, [
        "Secret/db: sealedSecrets.db.encryptedData lacks username; expected every key the rendered Secret has (password, username)",
      ]);
    });

    it("replaces a declared one by its SealedSecret, keeping the Secret's type", () => {
      const encryptedData = { password: "AgB=", username: "AgC=" };
      const { objects, problems } = sealRenderedSecrets("web", [service, secret], { db: { encryptedData } });
      assert.deepEqual(problems, []);
      assert.deepEqual(
        objects.map((o) => `${o.kind}/${o.metadata.name}`),
        ["Service/web", "SealedSecret/db"],
      );
      assert.deepEqual((objects[1].spec as { template: { type: string } }).template.type, "kubernetes.io/basic-auth");
      assert.deepEqual((objects[1].spec as { encryptedData: unknown }).encryptedData, encryptedData);
    });
  });

  describe("reading a renderer's output", () => {
    it("reads YAML 1.1 as the apiserver does, keeps timestamps as text and blanks Secret values", () => {
      const text =
        "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n" +
        "data:\n  mode: 0644\n  on: yes\n  day: 2024-01-01\n---\n---\napiVersion: v1\nkind: Secret\n" +
        "metadata: {name: s}\nstringData: {password: hunter2}\ndata: {token: aHVudGVyMg==}\n";
      assert.deepEqual(parseRendered(text, "app web: helm template"), [
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "cm" },
          data: { mode: 420, true: true, day: "2024-01-01" },
        },
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "s" },
          stringData: { password: "" },
          data: { token: "" },
        },
      ]);
    });

    it("refuses a document that is not an object, naming the template and not echoing its content", () => {
      const message = inputErrorOf(() =>
        parseRendered(
          "---\n# Source: web/templates/x.yaml\nstringData: {password: hunter2}\n",
          "app web: helm template",
        ),
      );
      assert.equal(
        message,
        "app web: helm template (web/templates/x.yaml): rendered a map with keys stringData; expected a Kubernetes object with apiVersion, kind and metadata.name",
      );
    });
  });

  describe("render cache", () => {
    const inputs = {
      renderer: "helm v4.2.1",
      source: "tree:abc",
      release: "web",
      kubeVersion: "1.33",
      values: { a: 1, b: { c: 2 } },
    };

    it("keys on every input, and not on the order of the values' keys", () => {
      const key = cacheKeyOf(inputs);
      assert.equal(cacheKeyOf({ ...inputs, values: { b: { c: 2 }, a: 1 } }), key);
      for (const [field, other] of Object.entries({
        renderer: "helm v4.2.2",
        source: "tree:abd",
        release: "api",
        kubeVersion: "1.34",
        values: { a: 2, b: { c: 2 } },
      })) {
        assert.notEqual(cacheKeyOf({ ...inputs, [field]: other }), key, `${field} changes the key`);
      }
    });

    it("keeps entries on disk across instances, and takes a damaged entry for a miss", () => {
      const dir = tempDir("cache");
      const objects: Manifest[] = [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } }];
      new RenderCache(dir).set("ab12", objects);
      assert.deepEqual(new RenderCache(dir).get("ab12"), objects);
      fs.writeFileSync(path.join(dir, "renders", "ab", "ab12.json"), "{not json");
      assert.equal(new RenderCache(dir).get("ab12"), undefined);
      assert.equal(new RenderCache(dir).get("cd34"), undefined);
    });

    it("hashes a tree by paths and bytes, and refuses a symbolic link", () => {
      const root = tempDir("tree");
      fs.mkdirSync(path.join(root, "chart", "templates"), { recursive: true });
      fs.writeFileSync(path.join(root, "chart", "Chart.yaml"), "name: web\n");
      const before = hashTrees(root, [path.join(root, "chart")]);
      fs.writeFileSync(path.join(root, "chart", "templates", "cm.yaml"), "kind: ConfigMap\n");
      const added = hashTrees(root, [path.join(root, "chart")]);
      assert.notEqual(added, before);
      fs.renameSync(path.join(root, "chart", "templates", "cm.yaml"), path.join(root, "chart", "templates", "c2.yaml"));
      assert.notEqual(hashTrees(root, [path.join(root, "chart")]), added, "a rename changes the hash");
      fs.symlinkSync("/etc/hostname", path.join(root, "chart", "link"));
      assert.match(
        inputErrorOf(() => hashTrees(root, [path.join(root, "chart")])),
        /chart\/link: received a symbolic link/,
      );
    });
  });

  describe("kustomize inputs", () => {
    function kustomizeApp(layout: Record<string, string>): KustomizeApp {
      const root = tempDir("kustomize");
      for (const [dir, text] of Object.entries(layout)) {
        fs.mkdirSync(path.join(root, dir), { recursive: true });
        fs.writeFileSync(path.join(root, dir, "kustomization.yaml"), text);
      }
      const dir = path.join(root, "app");
      return {
        name: "api",
        enabled: true,
        kind: "kustomize",
        dir,
        repoRoot: root,
        base: path.join(dir, "base"),
        overlay: path.join(dir, "overlays", "staging"),
        sealedSecrets: {},
      };
    }

    it("lists the overlay and every directory it reaches", () => {
      const app = kustomizeApp({
        "app/base": "resources: [deployment.yaml]\n",
        "app/overlays/staging": "resources: [../../base]\ncomponents: [../../../shared/monitoring]\n",
        "shared/monitoring": "kind: Component\n",
      });
      assert.deepEqual(
        kustomizeInputs(app),
        [app.base, app.overlay, path.join(app.repoRoot, "shared", "monitoring")].sort(),
      );
    });

    const refused: [string, Record<string, string>, RegExp][] = [
      [
        "a remote resource",
        { "app/base": "", "app/overlays/staging": "resources: [../../base, https://example.com/x.yaml]\n" },
        /received the remote reference "https:\/\/example\.com\/x\.yaml"; expected a path inside the repository/,
      ],
      [
        "a git remote",
        { "app/base": "", "app/overlays/staging": "resources: [../../base, github.com/org/repo//deploy?ref=v1]\n" },
        /received the remote reference "github\.com\/org\/repo\/\/deploy\?ref=v1"/,
      ],
      [
        "a path outside the repository",
        { "app/base": "", "app/overlays/staging": "resources: [../../base, ../../../../etc]\n" },
        /received "\.\.\/\.\.\/\.\.\/\.\.\/etc", outside the repository/,
      ],
      [
        "an overlay that does not reach the base",
        { "app/base": "", "app/overlays/staging": "resources: [deployment.yaml]\n" },
        /app api: the overlay .*overlays\/staging does not build on the base .*app\/base/,
      ],
    ];
    for (const [what, layout, expected] of refused) {
      it(`refuses ${what}`, () =>
        assert.match(
          inputErrorOf(() => kustomizeInputs(kustomizeApp(layout))),
          expected,
        ));
    }
  });

  describe("helm commands", () => {
    const app = (repository: string): ChartApp => ({
      name: "web",
      enabled: true,
      kind: "chart",
      dir: "/repo/gitops/apps/web",
      repoRoot: "/repo",
      lockFile: "gitops/apps/web/app.yaml",
      chart: { repository, name: "web", version: "1.4.2", digest: `sha256:${"c".repeat(64)}` },
      values: { image: { tag: "1.0.0" } },
      sealedSecrets: {},
    });

    it("pulls the exact version from an HTTP repository by name, and from OCI by reference", () => {
      assert.deepEqual(helmPullCommand("helm", app("https://charts.example.com"), "/tmp/d", {}).args, [
        "pull",
        "web",
        "--repo",
        "https://charts.example.com",
        "--version",
        "1.4.2",
        "--destination",
        "/tmp/d",
      ]);
      assert.deepEqual(helmPullCommand("helm", app("oci://registry.example.com/charts/"), "/tmp/d", {}).args, [
        "pull",
        "oci://registry.example.com/charts/web",
        "--version",
        "1.4.2",
        "--destination",
        "/tmp/d",
      ]);
    });

    it("templates with release and namespace = app, the cluster's versions, no tests and values on stdin", () => {
      const command = helmTemplateCommand("helm", app("https://charts.example.com"), "/c/web.tgz", {
        kubeVersion: "1.33",
        apiVersions: ["bitnami.com/v1alpha1", "monitoring.coreos.com/v1"],
      });
      assert.deepEqual(command.args, [
        "template",
        "web",
        "/c/web.tgz",
        "--namespace",
        "web",
        "--kube-version",
        "1.33",
        "--api-versions",
        "bitnami.com/v1alpha1",
        "--api-versions",
        "monitoring.coreos.com/v1",
        "--skip-tests",
        "--values",
        "-",
      ]);
      assert.equal(command.input, '{"image":{"tag":"1.0.0"}}');
    });
  });

  describe("binaries and API versions", () => {
    it("reads each pin from the go.mod of its e2e tools module, the one the tools table builds", () => {
      for (const [tool, pin] of Object.entries(TOOL_PINS)) {
        assert.deepEqual(MODULES.find((m) => m.dir === tool)?.upstream, pin.module);
      }
      assert.match(pinnedVersion("helm"), /^v4\.\d+\.\d+$/);
      assert.match(pinnedVersion("kustomize"), /^v5\.\d+\.\d+$/);
    });

    it("fails naming the variable and the pin when $HELM_BIN cannot run", () => {
      const missing = path.join(tempDir("bin"), "helm");
      assert.match(
        inputErrorOf(() => resolveBinary("helm", { HELM_BIN: missing })),
        new RegExp(
          `^helm: HELM_BIN=${missing} could not report its version \\(.*ENOENT\\); expected helm ${pinnedVersion("helm")}$`,
        ),
      );
    });

    it("tells helm about every API group whose CRDs the platform installs, and no other", () => {
      const platform = readHydrationConfig("staging", REPO_ROOT).platform;
      const provided = planReleases({ env: "staging", tier: "staging", config: platform, secrets: new Set() }).flatMap(
        (p) => p.providesCrds,
      );
      assert.deepEqual(Object.keys(PLATFORM_CRD_VERSIONS).sort(), [...new Set(provided)].sort());
      assert.ok(platformApiVersions().includes("monitoring.coreos.com/v1/ServiceMonitor"));
      assert.ok(platformApiVersions().includes("bitnami.com/v1alpha1"));
    });
  });
});
