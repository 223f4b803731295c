import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../config";
import { Environment, readEnvironmentConfig } from "../../stack";
import { isMap } from "../catalog/merge";
import { Manifest } from "../render/manifest";
import { platformApiVersions } from "./api-versions";
import { pinnedVersion, RendererTool, resolveBinary, ResolvedBinary } from "./binaries";
import { cacheKeyOf, RenderCache } from "./cache";
import { checkLock, fileDigest, HelmCluster, helmPullCommand, helmTemplateCommand, pulledArchive } from "./chart";
import { hashTrees } from "./content-hash";
import { finishRendered } from "./finish";
import { kustomizeBuildArgs, kustomizeInputs } from "./kustomize";
import { parseRendered } from "./objects";
import { Command, eachLimited, runAsync, runSync } from "./run";
import { ChartApp, SourceApp } from "./schema";

export interface SourceRendererOptions {
  readonly env: Environment;
  /** The project whose `Pulumi.<env>.yaml` gives the Kubernetes version. */
  readonly rootDir: string;
  /** The render cache and pulled chart archives; by default `<rootDir>/.render-cache`. */
  readonly cacheDir?: string;
}

/** What one renderer did: which app renders ran a binary, and how many came from the cache. */
export interface SourceRenderStats {
  readonly rendered: string[];
  cached: number;
}

/**
 * Renders the chart and Kustomize apps of one environment with the real helm and kustomize, through
 * the render cache. `render` is synchronous (a miss runs the binary there and then); `prerender`
 * first renders every miss in parallel, up to the core count, which is what `hydrate` does.
 */
export class SourceRenderer {
  readonly stats: SourceRenderStats = { rendered: [], cached: 0 };
  private readonly cache: RenderCache;
  private readonly cacheDir: string;
  private readonly binaries = new Map<RendererTool, ResolvedBinary>();
  private readonly treeHashes = new Map<string, string>();
  private readonly keys = new WeakMap<SourceApp, string>();
  private readonly failures = new Map<string, InputError>();
  /** Keys this renderer rendered itself (in `prerender` or `render`): not counted as cache hits. */
  private readonly renderedKeys = new Set<string>();
  private readonly archives = new Map<string, Promise<string>>();
  private cluster?: HelmCluster;

  constructor(private readonly options: SourceRendererOptions) {
    this.cacheDir = options.cacheDir ?? path.join(options.rootDir, ".render-cache");
    this.cache = new RenderCache(this.cacheDir);
  }

  /** The app's objects, post-processed (namespace, hooks, sealed Secrets); an InputError listing its problems. */
  render(app: SourceApp): Manifest[] {
    const key = this.keyOf(app);
    const failure = this.failures.get(key);
    if (failure) throw failure;
    let objects = this.cache.get(key);
    if (objects && !this.renderedKeys.has(key)) this.stats.cached++;
    else if (!objects) {
      objects = this.renderNow(app);
      this.remember(key, app, objects);
    }
    return finishRendered(app, objects);
  }

  /** Renders every cache miss of `apps`, up to the core count at once; failures are kept for `render`. */
  async prerender(apps: readonly SourceApp[]): Promise<void> {
    const misses = new Map<string, SourceApp>();
    for (const app of apps) {
      try {
        const key = this.keyOf(app);
        if (!this.cache.get(key)) misses.set(key, app);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
      }
    }
    await eachLimited([...misses], os.availableParallelism(), async ([key, app]) => {
      try {
        this.remember(key, app, await this.renderLater(app));
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        this.failures.set(key, err);
      }
    });
  }

  private remember(key: string, app: SourceApp, objects: readonly Manifest[]): void {
    this.cache.set(key, objects);
    this.renderedKeys.add(key);
    this.stats.rendered.push(app.name);
  }

  /** The cache key: everything the renderer's output depends on (gitops/sources/cache.ts); once per app. */
  private keyOf(app: SourceApp): string {
    let key = this.keys.get(app);
    if (key === undefined) {
      key = this.computeKey(app);
      this.keys.set(app, key);
    }
    return key;
  }

  private computeKey(app: SourceApp): string {
    const renderer = `${app.kind === "chart" ? "helm" : "kustomize"} ${pinnedVersion(app.kind === "chart" ? "helm" : "kustomize")}`;
    if (app.kind === "kustomize") {
      const trees = this.treeHash(app.repoRoot, kustomizeInputs(app));
      return cacheKeyOf({ renderer, trees, overlay: path.relative(app.repoRoot, app.overlay), namespace: app.name });
    }
    const source = app.chartDir
      ? `tree:${this.treeHash(app.repoRoot, [app.chartDir])}`
      : `archive:${app.chart.digest ?? "unlocked"}`;
    return cacheKeyOf({ renderer, source, release: app.name, ...this.helmCluster(), values: app.values });
  }

  private treeHash(root: string, dirs: readonly string[]): string {
    const id = JSON.stringify(dirs);
    let hash = this.treeHashes.get(id);
    if (hash === undefined) {
      hash = hashTrees(root, dirs);
      this.treeHashes.set(id, hash);
    }
    return hash;
  }

  private renderNow(app: SourceApp): Manifest[] {
    if (app.kind === "kustomize")
      return parseRendered(runSync(this.kustomizeCommand(app)), `app ${app.name}: kustomize build`);
    const chartRef = app.chartDir ?? this.cachedArchive(app) ?? this.pullNow(app);
    return parseRendered(runSync(this.helmCommand(app, chartRef)), `app ${app.name}: helm template`);
  }

  private async renderLater(app: SourceApp): Promise<Manifest[]> {
    if (app.kind === "kustomize")
      return parseRendered(await runAsync(this.kustomizeCommand(app)), `app ${app.name}: kustomize build`);
    const chartRef = app.chartDir ?? this.cachedArchive(app) ?? (await this.pullOnce(app));
    return parseRendered(await runAsync(this.helmCommand(app, chartRef)), `app ${app.name}: helm template`);
  }

  private kustomizeCommand(app: SourceApp & { kind: "kustomize" }): Command {
    return { what: `app ${app.name}: kustomize build`, file: this.binary("kustomize"), args: kustomizeBuildArgs(app) };
  }

  private helmCommand(app: ChartApp, chartRef: string): Command {
    return helmTemplateCommand(this.binary("helm"), app, chartRef, this.helmCluster());
  }

  private binary(tool: RendererTool): string {
    let resolved = this.binaries.get(tool);
    if (!resolved) {
      resolved = resolveBinary(tool);
      this.binaries.set(tool, resolved);
    }
    return resolved.file;
  }

  private helmCluster(): HelmCluster {
    this.cluster ??= {
      kubeVersion: kubeVersionOf(this.options.env, this.options.rootDir),
      apiVersions: platformApiVersions(),
    };
    return this.cluster;
  }

  /** A locked archive pulled before: `<cacheDir>/charts/<digest>.tgz`, checked again before use. */
  private cachedArchive(app: ChartApp): string | undefined {
    if (!app.chart.digest) return undefined;
    const file = this.archiveFile(app.chart.digest);
    return fs.existsSync(file) && fileDigest(file) === app.chart.digest ? file : undefined;
  }

  private archiveFile(digest: string): string {
    return path.join(this.cacheDir, "charts", `${digest.replace(":", "-")}.tgz`);
  }

  /** One pull per chart version at a time, whichever apps and environments share it. */
  private pullOnce(app: ChartApp): Promise<string> {
    const id = `${app.chart.repository} ${app.chart.name} ${app.chart.version} ${app.chart.digest}`;
    let pull = this.archives.get(id);
    if (!pull) {
      const { command, keep, discard } = this.pull(app);
      pull = runAsync(command).then(keep, (err: unknown) => {
        discard();
        throw err;
      });
      this.archives.set(id, pull);
    }
    return pull;
  }

  private pullNow(app: ChartApp): string {
    const { command, keep, discard } = this.pull(app);
    try {
      runSync(command);
    } catch (err) {
      discard();
      throw err;
    }
    return keep();
  }

  /**
   * `helm pull` of the exact version into a fresh directory, and what comes after it: check the
   * archive against the lock, keep it under its digest, remove the directory.
   */
  private pull(app: ChartApp): { command: Command; keep: () => string; discard: () => void } {
    fs.mkdirSync(path.join(this.cacheDir, "charts"), { recursive: true });
    const destination = fs.mkdtempSync(path.join(this.cacheDir, "charts", "pull-"));
    // helm keeps repository indexes in its cache home: one of ours, not the user's ~/.cache/helm.
    const env = { ...process.env, HELM_CACHE_HOME: path.join(this.cacheDir, "helm") };
    const discard = (): void => fs.rmSync(destination, { recursive: true, force: true });
    const keep = (): string => {
      try {
        const archive = pulledArchive(destination, app);
        const file = this.archiveFile(checkLock(app, archive));
        fs.renameSync(archive, file);
        return file;
      } finally {
        discard();
      }
    };
    return { command: helmPullCommand(this.binary("helm"), app, destination, env), keep, discard };
  }
}

/** The Kubernetes version of `env` (`gitops-platform:infra.kubernetesVersion`): helm's `--kube-version`. */
export function kubeVersionOf(env: Environment, rootDir: string): string {
  const { file, values } = readEnvironmentConfig(rootDir, env);
  const infra = values["gitops-platform:infra"];
  const version = isMap(infra) ? infra.kubernetesVersion : undefined;
  if (typeof version !== "string" || !/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw new InputError(
      `${file}: gitops-platform:infra.kubernetesVersion: received ${version === undefined ? "nothing" : JSON.stringify(version)}; ` +
        'expected a Kubernetes version such as "1.33" (what helm renders chart apps for)',
    );
  }
  return version;
}
