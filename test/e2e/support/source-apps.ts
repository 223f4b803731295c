import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../../automation/synth/synth";
import { configFileOf, discoverEnvironments } from "../../../stack";
import { ChartRepository } from "./chart-repo";

/** The charts and kustomizations written for this tier. */
export const FIXTURES = path.join(__dirname, "..", "fixtures");

export const SOURCE_APPS = ["api", "vendor", "web"] as const;
/** The environments the source apps run in (each has a file for both); the project has more. */
export const SOURCE_ENVS = ["staging", "production"] as const;

export interface RepositoryChart {
  readonly url: string;
  readonly digest: string;
}

/**
 * A project repository (a git checkout, as bump-image needs) with three source apps:
 * - `web`: the test chart from a directory of the repository, its image tag per environment;
 * - `vendor`: the same chart from a chart repository, pinned to 0.1.0 and its digest;
 * - `api`: a Kustomize base with an overlay per environment.
 * The config files are the shipped ones, with the app namespaces admitting these apps; the apps run
 * in staging and production (they have a file for each).
 */
export function writeSourceAppsRepo(rootDir: string, repository: RepositoryChart): string {
  for (const file of discoverEnvironments(REPO_ROOT).map(configFileOf)) {
    const config = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    fs.writeFileSync(
      path.join(rootDir, file),
      config.replace(/^(\s+appNamespaces: ).*$/m, `$1${JSON.stringify(SOURCE_APPS)}`),
    );
  }
  const catalogDir = path.join(rootDir, "gitops", "apps");
  const app = (name: string, files: Record<string, unknown>) => {
    fs.mkdirSync(path.join(catalogDir, name), { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      const text = typeof content === "string" ? content : stringify(content);
      fs.writeFileSync(path.join(catalogDir, name, file), text);
    }
  };
  app("web", {
    "app.yaml": { chart: { path: "chart", imageTagPath: "image.tag" }, values: { greeting: "hello from the catalog" } },
    "staging.yaml": '# Staging values of web.\nvalues:\n  image:\n    tag: "1.1.0" # bumped by CI\n',
    "production.yaml": { values: { image: { tag: "1.0.0" }, greeting: "hello from production" } },
  });
  fs.cpSync(path.join(FIXTURES, "charts", "web"), path.join(catalogDir, "web", "chart"), { recursive: true });
  app("vendor", {
    "app.yaml": {
      chart: { repository: repository.url, name: "web", version: "0.1.0", digest: repository.digest },
      values: { migration: { enabled: false } },
    },
    "staging.yaml": "",
    "production.yaml": "",
  });
  app("api", {
    "app.yaml": { kustomize: { base: "base", imageName: "ghcr.io/example/api" } },
    "staging.yaml": "",
    "production.yaml": "",
  });
  fs.cpSync(path.join(FIXTURES, "kustomize", "api"), path.join(catalogDir, "api"), { recursive: true });
  git(rootDir, "init", "--quiet", "--initial-branch=main");
  fs.writeFileSync(path.join(rootDir, ".gitignore"), ".state/\n.render-cache/\n");
  git(rootDir, "add", "--all");
  git(rootDir, "commit", "--quiet", "--message", "catalog");
  return catalogDir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
}

/** Every file under `dir`, relative path to text. */
export function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const full = path.join(dir, file);
    if (fs.statSync(full).isFile()) files.set(file, fs.readFileSync(full, "utf8"));
  }
  return files;
}

/** The hydrated objects of one environment's local state repo, by file. */
export function stateObjects(rootDir: string, env: string): Map<string, Record<string, unknown>> {
  const apps = path.join(rootDir, ".state", env, "apps");
  return new Map([...filesUnder(apps)].map(([file, text]) => [file, parse(text) as Record<string, unknown>]));
}

/** Changes one YAML file of an app: `edit` gets its data and returns the new data. */
export function editAppFile(catalogDir: string, file: string, edit: (data: Record<string, unknown>) => unknown): void {
  const full = path.join(catalogDir, file);
  const data = fs.existsSync(full) ? ((parse(fs.readFileSync(full, "utf8")) ?? {}) as Record<string, unknown>) : {};
  fs.writeFileSync(full, stringify(edit(data)));
}

export interface SourceAppsRepos {
  /** The chart repository served on loopback, with the fixture chart `web` published. */
  readonly repository: () => ChartRepository;
  readonly published: () => { archive: string; digest: string };
  /** A new project holding the source apps (writeSourceAppsRepo), removed after the suite. */
  readonly newRepo: () => { rootDir: string; catalogDir: string };
}

/**
 * Registers, in the calling `describe`, the hooks that serve a chart repository with the fixture
 * chart published before the suite, and stop it and remove every directory made after it.
 */
export function sourceAppsRepos(tmpPrefix: string): SourceAppsRepos {
  let repository: ChartRepository | undefined;
  let published: { archive: string; digest: string } | undefined;
  const work: string[] = [];
  const made = (prefix: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    work.push(dir);
    return dir;
  };
  const served = (): ChartRepository => {
    if (!repository) throw new Error("the chart repository is served from the suite's before hook");
    return repository;
  };
  const publishedChart = (): { archive: string; digest: string } => {
    if (!published) throw new Error("the fixture chart is published from the suite's before hook");
    return published;
  };
  before(async function () {
    repository = await ChartRepository.serve(made("gitops-e2e-chart-repo-"));
    published = repository.publish(path.join(FIXTURES, "charts", "web"));
  });
  after(async function () {
    await repository?.stop();
    for (const dir of work) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    repository: served,
    published: publishedChart,
    newRepo: () => {
      const rootDir = made(tmpPrefix);
      return {
        rootDir,
        catalogDir: writeSourceAppsRepo(rootDir, { url: served().url, digest: publishedChart().digest }),
      };
    },
  };
}
