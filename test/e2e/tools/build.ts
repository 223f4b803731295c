import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { derivedReplaces, formatReplace, GoModJson, replaceDifferences } from "./replaces";
import { BuildStamp, readStamp, STAMP_DIR, stampFileOf } from "./stamps";
import {
  BIN_DIR,
  BIN_SCRIPTS,
  CRD_DIR,
  CRDS,
  E2E_DIR,
  ModuleFiles,
  MODULES,
  Tool,
  TOOLS,
  TOOLS_DIR,
  ToolsModule,
} from "./tools";

/**
 * `npm run e2e:tools`: builds the real components of the e2e tier from the pinned Go modules in
 * test/e2e/tools/ into .e2e/bin/, and copies the CRDs of the kinds we emit into .e2e/crds/.
 * Idempotent: a binary whose module files, flags and Go version are unchanged is not rebuilt.
 *
 * `npm run e2e:tools -- --sync-replaces` rewrites the replace blocks from the upstream releases'
 * go.mod (after a version bump); without it a block that differs from upstream is an error.
 */

const LOG_DIR = path.join(E2E_DIR, "logs");

class StepError extends Error {}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function go(step: string, args: readonly string[], cwd: string): string {
  const result = spawnSync("go", args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    // The modules name Go versions this machine has; never let go fetch another toolchain quietly.
    env: { ...process.env, GOTOOLCHAIN: "local" },
  });
  if (result.error) throw new StepError(`${step}: could not run go: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`;
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const logFile = path.join(LOG_DIR, `${step.replace(/[^a-z0-9]+/gi, "-")}.log`);
    fs.writeFileSync(logFile, output);
    const tail = output.trim().split("\n").slice(-20).join("\n");
    throw new StepError(
      `${step}: go ${args.join(" ")} failed (exit ${result.status}); full output in ${logFile}:\n${tail}`,
    );
  }
  return result.stdout;
}

function requireGo(): string {
  const probe = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new StepError(
      "e2e:tools needs Go 1.26 or later on PATH, with access to a Go module proxy: it builds etcd, " +
        "kube-apiserver, kubectl, Argo CD, helm, kustomize and kubeseal from the modules pinned in test/e2e/tools/. " +
        "Install Go (https://go.dev/dl/) and run `npm run e2e:tools` again.",
    );
  }
  return probe.stdout.trim();
}

function moduleDir(module: ToolsModule | string): string {
  return path.join(TOOLS_DIR, typeof module === "string" ? module : module.dir);
}

function modJson(file: string, cwd: string): GoModJson {
  return JSON.parse(go(`read ${file}`, ["mod", "edit", "-json", file], cwd)) as GoModJson;
}

function upstreamModule(module: ToolsModule): { version: string; goMod: string; dir?: string } {
  const out = go(`download ${module.upstream}`, ["mod", "download", "-json", module.upstream], moduleDir(module));
  const info = JSON.parse(out) as { Version: string; GoMod: string; Dir?: string };
  return { version: info.Version, goMod: info.GoMod, dir: info.Dir };
}

/** Checks (or, with sync, rewrites) a module's replace block against its upstream release's. */
function checkReplaces(module: ToolsModule, sync: boolean): void {
  if (!module.replaces) return;
  const dir = moduleDir(module);
  const upstream = upstreamModule(module);
  const wanted = derivedReplaces(modJson(upstream.goMod, dir), upstream.version, module.replaces);
  const { missing, extra } = replaceDifferences(wanted, modJson("go.mod", dir).Replace ?? []);
  if (missing.length === 0 && extra.length === 0) return;
  if (!sync) {
    throw new StepError(
      `test/e2e/tools/${module.dir}/go.mod: its replace block differs from ${module.upstream}@${upstream.version}'s go.mod ` +
        `(missing: ${missing.join(", ") || "none"}; extra: ${extra.join(", ") || "none"}). ` +
        "Run `npm run e2e:tools -- --sync-replaces` to regenerate it.",
    );
  }
  const dropOld = extra.map((r) => `-dropreplace=${r.split("=")[0]}`);
  go(
    `sync ${module.dir} replaces`,
    ["mod", "edit", ...dropOld, ...wanted.map((r) => `-replace=${formatReplace(r)}`)],
    dir,
  );
  go(`tidy ${module.dir}`, ["mod", "tidy"], dir);
  log(`synced ${wanted.length} replace directives of test/e2e/tools/${module.dir}/go.mod`);
}

function versionOf(module: ToolsModule): string {
  return go(
    `version of ${module.upstream}`,
    ["list", "-m", "-f", "{{.Version}}", module.upstream],
    moduleDir(module),
  ).trim();
}

function stampOf(tool: Tool, ldflags: string, goVersion: string): string {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum"]) hash.update(fs.readFileSync(path.join(moduleDir(tool.module), file)));
  hash.update(`${tool.pkg}\n${ldflags}\n${goVersion}`);
  return hash.digest("hex");
}

function buildTool(tool: Tool, version: string, goVersion: string): string {
  const ldflags = ["-s", "-w", ...tool.stamp(version).map((x) => `-X ${x}`)].join(" ");
  const stamp = stampOf(tool, ldflags, goVersion);
  const stampFile = stampFileOf(tool.binary);
  const binary = path.join(BIN_DIR, tool.binary);
  if (fs.existsSync(binary) && readStamp(tool.binary)?.key === stamp) {
    return `${tool.binary} ${version}: up to date`;
  }
  log(`building ${tool.binary} ${version} from test/e2e/tools/${tool.module} ...`);
  const started = Date.now();
  go(
    `build ${tool.binary}`,
    ["build", "-trimpath", "-ldflags", ldflags, "-o", binary, tool.pkg],
    moduleDir(tool.module),
  );
  const reported = spawnSync(binary, tool.versionArgs, { encoding: "utf8" });
  const printed = `${reported.stdout}${reported.stderr}`;
  if (!printed.includes(version.replace(/^v/, ""))) {
    throw new StepError(
      `build ${tool.binary}: it reports ${JSON.stringify(printed.trim())}, expected version ${version}`,
    );
  }
  const seconds = (Date.now() - started) / 1000;
  fs.mkdirSync(STAMP_DIR, { recursive: true });
  const record: BuildStamp = { key: stamp, version, seconds, builtAt: new Date().toISOString() };
  fs.writeFileSync(stampFile, JSON.stringify(record));
  return `${tool.binary} ${version}: built in ${seconds.toFixed(0)} s`;
}

/** Copies files out of a pinned module's zip: CRDs into CRD_DIR/<name>/, scripts into BIN_DIR. */
function copyModuleFiles(source: ModuleFiles, what: string): string {
  const module = MODULES.find((m) => m.dir === source.module);
  if (!module) throw new StepError(`${what} of ${source.name}: no tools module ${source.module}`);
  const out = go(`download ${source.upstream}`, ["mod", "download", "-json", source.upstream], moduleDir(module));
  const { Dir, Version } = JSON.parse(out) as { Dir: string; Version: string };
  const target = source.name === "bin" ? BIN_DIR : path.join(CRD_DIR, source.name);
  if (source.name !== "bin") fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const file of source.files) {
    const from = path.join(Dir, file);
    if (!fs.existsSync(from))
      throw new StepError(`${what} of ${source.name}: ${source.upstream}@${Version} has no ${file}`);
    const to = path.join(target, path.basename(file));
    fs.rmSync(to, { force: true });
    fs.copyFileSync(from, to);
    // Module zips unpack read-only; scripts must run.
    fs.chmodSync(to, source.name === "bin" ? 0o755 : 0o644);
  }
  return `${what} ${source.name === "bin" ? source.files.map((f) => path.basename(f)).join(", ") : source.name} ${Version}: ${source.files.length} files`;
}

function main(): void {
  const started = Date.now();
  const goVersion = requireGo();
  log(`e2e:tools with ${goVersion}, into ${path.relative(process.cwd(), BIN_DIR) || BIN_DIR}`);
  const sync = process.argv.includes("--sync-replaces");
  for (const module of MODULES) checkReplaces(module, sync);
  const versions = new Map(MODULES.map((m) => [m.dir, versionOf(m)]));
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const lines = [
    ...TOOLS.map((tool) => buildTool(tool, versions.get(tool.module) ?? "unknown", goVersion)),
    ...BIN_SCRIPTS.map((source) => copyModuleFiles(source, "script")),
    ...CRDS.map((source) => copyModuleFiles(source, "CRDs")),
  ];
  for (const line of lines) log(`  ${line}`);
  log(`e2e:tools done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof StepError)) throw error;
  log(`e2e:tools: ${error.message}`);
  process.exitCode = 1;
}
