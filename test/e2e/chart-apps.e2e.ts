import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { bumpImage } from "../../automation/bump-image";
import { InputError } from "../../config";
import { hydrate, HydrateResult } from "../../gitops/hydrate";
import { renderEnvironmentReportAsync } from "../../gitops/render/environment";
import { pinnedVersion, resolveBinary } from "../../gitops/sources/binaries";
import { Environment } from "../../stack";
import { ChartRepository } from "./support/chart-repo";
import { installCrds } from "./support/crds";
import { controlPlane } from "./support/hooks";
import { KubeObject } from "./support/kube-api";
import { binary } from "./support/process";
import {
  editAppFile,
  filesUnder,
  FIXTURES,
  git,
  SOURCE_APPS,
  SOURCE_ENVS,
  stateObjects,
  sourceAppsRepos,
} from "./support/source-apps";
import { formatRefusals, validateOnServer } from "./support/validate";

/**
 * GIVEN a catalog with a chart app (a directory of the repository), a chart from a chart
 * repository served on loopback (pinned version and digest) and a Kustomize app (base + overlays)
 * WHEN hydrate renders them with the real helm and kustomize built from the pinned modules
 * THEN the state repo holds their objects for both environments, byte-identical across runs, through
 * the same guarantees as the typed spec, and the render cache re-renders only what changed.
 */

const PLAINTEXT = "hunter2-plaintext-never-written";

describe("chart and Kustomize apps, rendered by the real helm and kustomize", function () {
  const repos = sourceAppsRepos("gitops-e2e-charts-");
  const { newRepo } = repos;

  const hydrateEnv = (rootDir: string, env: Environment): Promise<HydrateResult> =>
    hydrate({ env, rootDir, catalogDir: path.join(rootDir, "gitops", "apps"), push: false, sourceCommit: "test" });

  it("hydrates all three apps for both environments, byte-identical across runs and from a cold cache", async function () {
    const { rootDir } = newRepo();
    const first = new Map<Environment, Map<string, string>>();
    // vendor has the same values and Kubernetes version in both environments: one render serves both.
    const expectedRenders: Record<string, { rendered: string[]; cached: number }> = {
      staging: { rendered: ["api", "vendor", "web"], cached: 0 },
      production: { rendered: ["api", "web"], cached: 1 },
    };
    for (const env of SOURCE_ENVS) {
      const result = await hydrateEnv(rootDir, env);
      assert.deepEqual(
        { ...result.sourceRenders, rendered: [...result.sourceRenders.rendered].sort() },
        expectedRenders[env],
      );
      first.set(env, filesUnder(path.join(rootDir, ".state", env, "apps")));
    }
    assert.deepEqual(
      [...(first.get("staging")?.keys() ?? [])].map((f) => f.replace(/api-settings-[a-z0-9]+/, "api-settings-<hash>")),
      [
        "api/configmap-api-settings-<hash>.yaml",
        "api/deployment-api.yaml",
        "api/service-api.yaml",
        "vendor/configmap-vendor.yaml",
        "vendor/deployment-vendor.yaml",
        "vendor/service-vendor.yaml",
        "vendor/servicemonitor-vendor.yaml",
        "web/configmap-web.yaml",
        "web/deployment-web.yaml",
        "web/job-web-migrate.yaml",
        "web/service-web.yaml",
        "web/servicemonitor-web.yaml",
      ],
    );

    for (const env of SOURCE_ENVS) {
      const again = await hydrateEnv(rootDir, env);
      assert.equal(again.changed, false, `${env}: a second hydrate changes nothing`);
      assert.deepEqual(again.sourceRenders, { rendered: [], cached: SOURCE_APPS.length });
    }
    fs.rmSync(path.join(rootDir, ".render-cache"), { recursive: true });
    for (const env of SOURCE_ENVS) {
      const cold = await hydrateEnv(rootDir, env);
      assert.deepEqual([...cold.sourceRenders.rendered].sort(), expectedRenders[env].rendered);
      assert.equal(cold.changed, false, `${env}: a cold render gives the same bytes`);
      assert.deepEqual(filesUnder(path.join(rootDir, ".state", env, "apps")), first.get(env));
    }
  });

  it("tells helm the environment's Kubernetes version and the platform's CRDs, and turns the chart's hook into an Argo CD hook", async function () {
    const { rootDir } = newRepo();
    await hydrateEnv(rootDir, "staging");
    const objects = stateObjects(rootDir, "staging");
    assert.deepEqual(objects.get("web/configmap-web.yaml")?.data, {
      GREETING: "hello from the catalog",
      KUBE_VERSION: "v1.33",
    });
    assert.equal(objects.get("web/servicemonitor-web.yaml")?.kind, "ServiceMonitor");
    const job = objects.get("web/job-web-migrate.yaml") as KubeObject;
    assert.deepEqual(job.metadata.annotations, {
      "argocd.argoproj.io/hook": "PreSync",
      "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation,HookSucceeded",
      "argocd.argoproj.io/sync-wave": "-5",
    });
    const deployment = objects.get("web/deployment-web.yaml") as KubeObject & {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(deployment.metadata.namespace, "web");
    assert.equal(deployment.spec.template.spec.containers[0].image, "ghcr.io/example/web:1.1.0");
    for (const [file, object] of objects) {
      assert.equal(
        (object.metadata as { namespace?: string }).namespace,
        file.split("/")[0],
        `${file}: its app's namespace`,
      );
    }
  });

  it("is accepted by the real apiserver, object by object", async function () {
    const { rootDir } = newRepo();
    await hydrateEnv(rootDir, "production");
    const { api } = controlPlane();
    await installCrds(api);
    const namespaces = SOURCE_APPS.map((name) => ({
      source: "test",
      object: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    }));
    const hydrated = [...stateObjects(rootDir, "production")].map(([file, object]) => ({
      source: `hydrate production apps/${file}`,
      object: object as unknown as KubeObject,
    }));
    const result = await validateOnServer(api, [...namespaces, ...hydrated]);
    assert.deepEqual(result.refusals, [], formatRefusals(result.refusals));
    assert.equal(result.objects, namespaces.length + hydrated.length);
  });

  it("renders a repository chart only from the archive its lock names, naming both digests when they differ", async function () {
    const { rootDir, catalogDir } = newRepo();
    const ownDir = path.join(rootDir, "own-repo");
    const own = await ChartRepository.serve(ownDir);
    try {
      const locked = own.publish(path.join(FIXTURES, "charts", "web"));
      editAppFile(catalogDir, "vendor/app.yaml", (data) => ({
        ...data,
        chart: { ...(data.chart as object), repository: own.url, digest: locked.digest },
      }));
      const render = (cacheDir: string) =>
        renderEnvironmentReportAsync("staging", { catalogDir, rootDir, cacheDir: path.join(rootDir, cacheDir) });
      const warm = await render("warm");
      assert.ok(warm.files.has("apps/vendor/deployment-vendor.yaml"));

      // The publisher re-packages different content under the same version.
      const changed = path.join(rootDir, "changed-chart");
      fs.cpSync(path.join(FIXTURES, "charts", "web"), changed, { recursive: true });
      fs.appendFileSync(path.join(changed, "values.yaml"), "# republished\n");
      const republished = own.publish(changed);
      assert.notEqual(republished.digest, locked.digest);
      await assert.rejects(render("cold"), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match(
          err.message,
          new RegExp(
            `gitops/apps/vendor/app\\.yaml: vendor\\.chart\\.digest: received ${locked.digest}; expected ${republished.digest}, ` +
              `the digest of web-0\\.1\\.0\\.tgz from ${own.url} as pulled now`,
          ),
        );
        return true;
      });
      // New values miss the render cache, and render from the archive kept under the locked digest.
      editAppFile(catalogDir, "vendor/app.yaml", (data) => ({ ...data, values: { greeting: "re-rendered" } }));
      const fromLockedArchive = await render("warm");
      assert.deepEqual(fromLockedArchive.sourceRenders.rendered, ["vendor"]);
      assert.match(fromLockedArchive.files.get("apps/vendor/configmap-vendor.yaml") ?? "", /GREETING: re-rendered/);

      editAppFile(catalogDir, "vendor/app.yaml", (data) => {
        delete (data.chart as Record<string, unknown>).digest;
        return data;
      });
      await assert.rejects(render("cold"), {
        name: "InputError",
        message: new RegExp(
          `vendor\\.chart\\.digest: received nothing \\(the key is missing\\); .*digest: ${republished.digest}`,
        ),
      });
    } finally {
      await own.stop();
    }
  });

  it("refuses a chart's plaintext Secret unless the app declares its SealedSecret, and never writes or caches the plaintext", async function () {
    const { rootDir, catalogDir } = newRepo();
    editAppFile(catalogDir, "web/app.yaml", (data) => ({
      ...data,
      values: { ...(data.values as object), credentials: { enabled: true, password: PLAINTEXT } },
    }));
    await assert.rejects(hydrateEnv(rootDir, "staging"), {
      name: "InputError",
      message:
        "app web (chart): Secret/web-credentials: received a plaintext Secret from the renderer; expected " +
        "sealedSecrets.web-credentials in the app's files (kubeseal'd data for it), or the chart's values set to use an existing secret",
    });
    editAppFile(catalogDir, "web/app.yaml", (data) => ({
      ...data,
      sealedSecrets: { "web-credentials": { encryptedData: { password: "AgBy3i4OJSWK+PiTySYZZA==" } } },
    }));
    await hydrateEnv(rootDir, "staging");
    const sealed = stateObjects(rootDir, "staging").get("web/sealedsecret-web-credentials.yaml") as KubeObject & {
      spec: { encryptedData: Record<string, string>; template: { type?: string } };
    };
    assert.deepEqual(sealed.spec.encryptedData, { password: "AgBy3i4OJSWK+PiTySYZZA==" });
    assert.equal(sealed.spec.template.type, "Opaque");
    assert.ok(!stateObjects(rootDir, "staging").has("web/secret-web-credentials.yaml"));
    for (const dir of [".state", ".render-cache"]) {
      for (const [file, text] of filesUnder(path.join(rootDir, dir))) {
        if (!file.endsWith(".tgz")) assert.ok(!text.includes(PLAINTEXT), `${dir}/${file} holds the plaintext`);
      }
    }
  });

  it("bumps a chart app's values key and a Kustomize app's images: entry, and re-renders only that app in that environment", async function () {
    const { rootDir, catalogDir } = newRepo();
    for (const env of SOURCE_ENVS) await hydrateEnv(rootDir, env);
    const log = (): void => undefined;

    const web = await bumpImage({ rootDir, app: "web", env: "staging", tag: "1.2.0", push: false, log });
    assert.equal(web.field, "values.image.tag");
    assert.equal(
      fs.readFileSync(path.join(catalogDir, "web", "staging.yaml"), "utf8"),
      '# Staging values of web.\nvalues:\n  image:\n    tag: "1.2.0" # bumped by CI\n',
    );
    const staging = await hydrateEnv(rootDir, "staging");
    assert.deepEqual(staging.sourceRenders, { rendered: ["web"], cached: 2 });
    assert.deepEqual(staging.modified, ["apps/web/deployment-web.yaml", "apps/web/job-web-migrate.yaml"]);
    const production = await hydrateEnv(rootDir, "production");
    assert.deepEqual(production.sourceRenders, { rendered: [], cached: 3 });

    const api = await bumpImage({ rootDir, app: "api", env: "production", tag: "1.3.0", push: false, log });
    assert.equal(api.field, "images[ghcr.io/example/api]");
    const overlay = fs.readFileSync(
      path.join(catalogDir, "api", "overlays", "production", "kustomization.yaml"),
      "utf8",
    );
    assert.match(overlay, /^ {4}newTag: "1\.3\.0" # set by bump-image$/m);
    assert.equal(git(rootDir, "log", "-1", "--format=%s").trim(), "api: deploy 1.3.0 to production");
    const bumped = await hydrateEnv(rootDir, "production");
    assert.deepEqual(bumped.sourceRenders, { rendered: ["api"], cached: 2 });
    assert.deepEqual(bumped.modified, ["apps/api/deployment-api.yaml"]);
  });

  it("checks each binary against its pin in test/e2e/tools, naming both versions on a mismatch", function () {
    assert.equal(resolveBinary("helm").version, pinnedVersion("helm"));
    assert.equal(resolveBinary("kustomize").version, pinnedVersion("kustomize"));
    const helm = binary("helm");
    assert.throws(() => resolveBinary("kustomize", { ...process.env, KUSTOMIZE_BIN: helm }), {
      name: "InputError",
      message: new RegExp(
        `^kustomize: KUSTOMIZE_BIN=${helm} is version ${pinnedVersion("helm")}; expected ${pinnedVersion("kustomize")}, ` +
          "the pin in test/e2e/tools/kustomize/go.mod",
      ),
    });
  });
});
