import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { InputError } from "../../config";
import { REPO_ROOT } from "../../automation/synth/synth";
import { configFileOf, discoverEnvironments } from "../../stack";
import { tempDir } from "./temp";

export { removeTempDirs, tempDir, withoutTempDir } from "./temp";

/** Files of one app: `app.yaml`, `staging.yaml`, ... as data (written as YAML) or raw text. */
export type AppFiles = Record<string, unknown>;

/** Writes a catalog (`<dir>/<app>/<file>`) and returns its directory. */
export function writeCatalog(apps: Record<string, AppFiles>, dir: string = tempDir("catalog")): string {
  for (const [app, files] of Object.entries(apps)) {
    fs.mkdirSync(path.join(dir, app), { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, app, file), typeof content === "string" ? content : stringify(content));
    }
  }
  return dir;
}

/** `apps` with each app running in `env`: an empty `<env>.yaml` unless the app's files give one. */
export function runningIn(env: string, apps: Record<string, AppFiles>): Record<string, AppFiles> {
  return Object.fromEntries(Object.entries(apps).map(([name, files]) => [name, { [`${env}.yaml`]: "", ...files }]));
}

/** A small valid base spec that passes every guardrail. */
export function validBase(): Record<string, unknown> {
  return {
    image: { repository: "ghcr.io/example/web", tag: "1.0.0" },
    ports: [{ name: "http", containerPort: 8080 }],
    resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    probes: { liveness: { http: { path: "/healthz", port: "http" } }, readiness: { tcp: { port: "http" } } },
  };
}

/** The app namespaces a test project allows: the shipped catalog's and the test catalogs' apps. */
export const TEST_APP_NAMESPACES = ["demo", "web", "api", "new", "zzz"];

/**
 * A project root for hydration: a copy of every shipped config file, nothing else, with
 * `appNamespaces` admitting the apps of the test catalogs (`appNamespaces`).
 */
export function projectRoot(appNamespaces: readonly string[] = TEST_APP_NAMESPACES): string {
  const dir = tempDir("project");
  for (const file of discoverEnvironments(REPO_ROOT).map(configFileOf)) {
    const config = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
    const entry = /^(\s+appNamespaces: ).*$/m;
    assert.match(config, entry, `${file} lists the app namespaces`);
    fs.writeFileSync(path.join(dir, file), config.replace(entry, `$1${JSON.stringify(appNamespaces)}`));
  }
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A bare repository on disk, playing the remote state repo, with one commit on main holding a README. */
export function bareRemote(): string {
  const remote = tempDir("remote");
  git(remote, "init", "--quiet", "--bare", "--initial-branch=main");
  const seed = tempDir("seed");
  git(seed, "clone", "--quiet", remote, ".");
  git(seed, "checkout", "--quiet", "-b", "main");
  fs.writeFileSync(path.join(seed, "README.md"), "# state repo\n");
  git(seed, "add", "README.md");
  git(seed, "commit", "--quiet", "-m", "initial");
  git(seed, "push", "--quiet", "origin", "main");
  return remote;
}

/** Every file of a directory tree (skipping .git), path to content: how tests compare bytes. */
export function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) walk(child);
      else files.set(child, fs.readFileSync(path.join(root, child), "utf8"));
    }
  };
  walk("");
  return files;
}

/** The InputError message `run` throws; fails the test when it throws nothing or something else. */
export function inputErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected an InputError");
}

export async function inputErrorOfAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected an InputError");
}
