import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Environment, PROJECT_ROOT } from "../../stack";
import { BaseRender } from "./render";
// Loaded here so that its module graph is there to read, whatever this process rendered so far.
import "../../gitops/render/environment";

/**
 * The renderer is code, and a change to it changes manifests as surely as a change to the catalog.
 * When the commit compared with holds other renderer sources than this checkout, its catalog is
 * rendered by its own renderer, in a child process over that commit's files; otherwise this
 * process renders both sides, which is the same and much faster.
 */

/** The renderer's module, relative to the project: what the other commit's tree is asked to run. */
const RENDER_MODULE = path.join("gitops", "render", "environment");

/**
 * This checkout's source files that make the renderer: the module graph of RENDER_MODULE as Node
 * loaded it (a module lists every module it required among its `children`), node_modules left out.
 */
export function rendererSources(): string[] {
  const entry = require.cache[require.resolve(path.join(PROJECT_ROOT, RENDER_MODULE))];
  const seen = new Set<string>();
  const pending = entry ? [entry] : [];
  for (let module = pending.pop(); module; module = pending.pop()) {
    if (seen.has(module.filename)) continue;
    seen.add(module.filename);
    pending.push(...module.children);
  }
  const inside = (file: string) => !path.relative(PROJECT_ROOT, file).startsWith("..");
  return [...seen].filter((file) => inside(file) && !file.split(path.sep).includes("node_modules")).sort();
}

/**
 * Whether `commit` holds other renderer sources than this checkout's working tree. Only when this
 * checkout is part of the repository at `topLevel`: a project that keeps its catalog in a repository
 * of its own has no renderer history to compare with.
 */
export function rendererChangedSince(topLevel: string, commit: string): boolean {
  if (path.relative(topLevel, PROJECT_ROOT).startsWith("..")) return false;
  const files = rendererSources().map((file) => path.relative(topLevel, file));
  const result = spawnSync("git", ["diff", "--quiet", "--no-ext-diff", commit, "--", ...files], { cwd: topLevel });
  // 0: the same; 1: they differ; anything else (git could not tell): the other commit's own renderer, to be safe.
  return result.status !== 0;
}

/**
 * One environment to render with the other commit's renderer, with that commit's environments, its
 * project (chart apps' Kubernetes version) and this checkout's render cache.
 */
export interface BaseRenderRequest {
  readonly env: Environment;
  readonly environments: readonly Environment[];
  readonly rootDir: string;
  readonly cacheDir: string;
}

/** An environment of the commit rendered (some apps perhaps not, with their errors), or the InputError it reported. */
export type BaseRenderResult = BaseRender | { readonly error: string };

/**
 * Renders `requests` with the renderer of the project at `codeRoot` (another commit's files, with
 * this checkout's node_modules linked in): `node -r <its loader> render-child.ts` started there.
 * It runs beside this process, which renders the working tree meanwhile. Rejects when the child
 * cannot render at all (a commit without this renderer), with its reason.
 */
export function renderWithCodeAt(
  codeRoot: string,
  catalogDir: string,
  requests: readonly BaseRenderRequest[],
): Promise<Map<Environment, BaseRenderResult>> {
  const outFile = path.join(codeRoot, ".manifest-diff-base.json");
  // That commit's own loader, when it has one: its transpile cache lives in the node_modules both share,
  // so the renderer files the commit did not change load from it instead of being transpiled again.
  const register = path.join(codeRoot, "scripts", "register.js");
  const child = spawn(
    process.execPath,
    [
      "-r",
      fs.existsSync(register) ? register : "ts-node/register",
      path.join(__dirname, "render-child.ts"),
      codeRoot,
      catalogDir,
      JSON.stringify(requests),
      outFile,
    ],
    {
      cwd: codeRoot,
      // That commit's tsconfig may not say transpile-only; type-checking would cost ~10 s (DESIGN.md).
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0 || !fs.existsSync(outFile)) {
        const reason =
          stderr
            .trim()
            .split("\n")
            .find((line) => /Error/.test(line)) ?? stderr.trim();
        reject(new Error(`its renderer exited with ${status}: ${reason.slice(0, 500)}`));
        return;
      }
      const results = JSON.parse(fs.readFileSync(outFile, "utf8")) as Record<
        Environment,
        { files: [string, string][] } | { error: string }
      >;
      resolve(
        new Map(
          Object.entries(results).map(([env, result]) => [
            env,
            "files" in result ? { files: new Map(result.files), unrendered: [] } : { error: result.error },
          ]),
        ),
      );
    });
  });
}
