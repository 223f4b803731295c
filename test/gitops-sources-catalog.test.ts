import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadCatalog } from "../gitops/catalog/catalog";
import { ChartApp, isSourceApp, KustomizeApp, LoadedApp } from "../gitops/sources/schema";
import { inputErrorOf, removeTempDirs, tempDir, validBase, writeCatalog } from "./support/gitops";

/**
 * GIVEN app directories that declare a chart or a Kustomize source
 * WHEN the catalog is loaded for an environment
 * THEN each loads with its paths resolved and checked, or fails with one error naming the file and key.
 */

const DIGEST = `sha256:${"a".repeat(64)}`;

/**
 * A repository (`<root>/gitops/apps`) with the given apps, each running in staging and production
 * (an empty env file unless given); `dirs` are extra directories with a marker file.
 */
function repo(apps: Record<string, Record<string, unknown>>, dirs: Record<string, string> = {}): string {
  const root = tempDir("repo");
  const catalogDir = path.join(root, "gitops", "apps");
  const running = Object.fromEntries(
    Object.entries(apps).map(([name, files]) => [name, { "staging.yaml": "", "production.yaml": "", ...files }]),
  );
  writeCatalog(running, catalogDir);
  for (const [dir, marker] of Object.entries(dirs)) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.writeFileSync(path.join(root, dir, marker), "{}\n");
  }
  return catalogDir;
}

function only(apps: LoadedApp[]): LoadedApp {
  assert.equal(apps.length, 1);
  return apps[0];
}

const remoteChart = { repository: "https://charts.example.com", name: "web", version: "1.4.2", digest: DIGEST };

describe("chart and Kustomize apps in the catalog", () => {
  after(removeTempDirs);

  it("loads a chart app from a directory, with env values merged over the app's", () => {
    const catalogDir = repo(
      {
        web: {
          "app.yaml": { chart: { path: "../../charts/web" }, values: { image: { tag: "1.0.0" }, replicas: 1 } },
          "staging.yaml": { values: { image: { tag: "1.1.0" } } },
        },
      },
      { "gitops/charts/web": "Chart.yaml" },
    );
    const app = only(loadCatalog("staging", { catalogDir })) as ChartApp;
    assert.equal(app.kind, "chart");
    assert.equal(app.chartDir, path.resolve(catalogDir, "..", "charts", "web"));
    assert.deepEqual(app.values, { image: { tag: "1.1.0" }, replicas: 1 });
  });

  it("loads a repository chart and names the file that sets its version as the lock's file", () => {
    const catalogDir = repo({
      web: { "app.yaml": { chart: remoteChart }, "production.yaml": { chart: { version: "1.5.0" } } },
    });
    const staging = only(loadCatalog("staging", { catalogDir })) as ChartApp;
    const production = only(loadCatalog("production", { catalogDir })) as ChartApp;
    assert.match(staging.lockFile, /web\/app\.yaml$/);
    assert.match(production.lockFile, /web\/production\.yaml$/);
    assert.equal(production.chart.version, "1.5.0");
  });

  it("loads a Kustomize app with the environment's overlay, overlays/<env> by default", () => {
    const catalogDir = repo(
      { api: { "app.yaml": { kustomize: { base: "base" } }, "production.yaml": { kustomize: { overlay: "prod" } } } },
      {
        "gitops/apps/api/base": "kustomization.yaml",
        "gitops/apps/api/overlays/staging": "kustomization.yaml",
        "gitops/apps/api/prod": "kustomization.yaml",
      },
    );
    const staging = only(loadCatalog("staging", { catalogDir })) as KustomizeApp;
    assert.equal(staging.overlay, path.join(catalogDir, "api", "overlays", "staging"));
    assert.equal(staging.base, path.join(catalogDir, "api", "base"));
    assert.equal(
      (only(loadCatalog("production", { catalogDir })) as KustomizeApp).overlay,
      path.join(catalogDir, "api", "prod"),
    );
  });

  it("leaves out a source app disabled in one environment", () => {
    const catalogDir = repo({ web: { "app.yaml": { chart: remoteChart }, "production.yaml": { enabled: false } } });
    assert.ok(isSourceApp(only(loadCatalog("staging", { catalogDir }))));
    assert.deepEqual(loadCatalog("production", { catalogDir }), []);
  });

  describe("refuses, in one error naming the file and key", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "two sources",
        { "app.yaml": { chart: remoteChart, kustomize: { base: "base" } } },
        /web\/app\.yaml: web\.kustomize: received \{"base":"base"\}; expected one source per app: chart, kustomize, or neither for the typed spec \(this app declares chart and kustomize\)$/,
      ],
      [
        "a repository chart without a version",
        { "app.yaml": { chart: { repository: "https://charts.example.com", name: "web" } } },
        /web\/app\.yaml: web\.chart\.version: received nothing \(the key is missing\); expected an exact chart version such as 1\.4\.2 \(no ranges, no latest\)$/,
      ],
      [
        "a version range",
        { "app.yaml": { chart: { ...remoteChart, version: "^1.4" } } },
        /web\.chart\.version: received "\^1\.4"; expected an exact chart version such as 1\.4\.2 \(no ranges, no latest\)$/,
      ],
      [
        "values that are not a map",
        { "app.yaml": { chart: remoteChart }, "staging.yaml": { values: ["replicas=2"] } },
        /web\/staging\.yaml: web\.values: received \["replicas=2"\]; expected a map of Helm values$/,
      ],
      [
        "an unknown key of a chart app, listing the known ones",
        { "app.yaml": { chart: remoteChart, image: { tag: "1" } } },
        /web\/app\.yaml: web\.image: unknown key; expected one of the known keys: chart, enabled, sealedSecrets, values$/,
      ],
      [
        "a misspelled key of the chart source",
        { "app.yaml": { chart: { ...remoteChart, verison: "1.0.0" } } },
        /web\.chart\.verison: unknown key; expected one of the known keys: digest, imageTagPath, name, path, repository, version \(did you mean version\?\)$/,
      ],
      [
        "a version beside a chart directory",
        { "app.yaml": { chart: { path: "chart", version: "1.0.0" } } },
        /web\.chart\.version: received "1\.0\.0"; expected no version beside path: a chart directory's name and version are in its Chart\.yaml$/,
      ],
      [
        "credentials in a repository URL",
        { "app.yaml": { chart: { ...remoteChart, repository: "https://user:token@charts.example.com" } } },
        /web\.chart\.repository: received "https:\/\/\*\*\*@charts\.example\.com"; expected a chart repository URL, https:\/\/… or oci:\/\/…, without credentials/,
      ],
      [
        "a chart directory outside the repository",
        { "app.yaml": { chart: { path: "../../../../elsewhere" } } },
        /web\.chart\.path: received "\.\.\/\.\.\/\.\.\/\.\.\/elsewhere"; expected a chart directory holding Chart\.yaml inside the repository/,
      ],
      [
        "a chart directory without Chart.yaml",
        { "app.yaml": { chart: { path: "." } } },
        /web\.chart\.path: received "\."; expected a chart directory holding Chart\.yaml \(.*web has no Chart\.yaml\)$/,
      ],
    ];
    for (const [what, files, expected] of cases) {
      it(what, () => {
        const catalogDir = repo({ web: files });
        assert.match(
          inputErrorOf(() => loadCatalog("staging", { catalogDir })),
          expected,
        );
      });
    }

    it("a missing overlay", () => {
      const catalogDir = repo(
        { web: { "app.yaml": { kustomize: { base: "base" } } } },
        { "gitops/apps/web/base": "kustomization.yaml" },
      );
      assert.match(
        inputErrorOf(() => loadCatalog("staging", { catalogDir })),
        /web\/app\.yaml: web\.kustomize\.overlay: received nothing \(the key is missing\); expected an overlay for staging: overlays\/staging\/kustomization\.yaml by default, or kustomize\.overlay set in staging\.yaml \(.*overlays\/staging is not a directory\)$/,
      );
    });

    it("a directory in a typed spec app", () => {
      const catalogDir = repo({ web: { "app.yaml": validBase() } }, { "gitops/apps/web/chart": "Chart.yaml" });
      assert.match(
        inputErrorOf(() => loadCatalog("staging", { catalogDir })),
        /web\/chart: unexpected directory in app web; expected only app\.yaml and <env>\.yaml files \(only a chart or kustomize app keeps sources in directories\)$/,
      );
    });
  });
});
