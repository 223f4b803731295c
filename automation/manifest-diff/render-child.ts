import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Renders a catalog with another commit's renderer, for the manifest diff (base-renderer.ts):
 * `node -r <loader> render-child.ts <code root> <catalog> <requests JSON> <out file>`, run
 * in that commit's tree. It loads that tree's renderer, not this checkout's, and writes per
 * environment the files, or the InputError the renderer reported (the base's own errors).
 */

interface Request {
  readonly env: string;
  readonly environments: readonly string[];
  readonly rootDir: string;
  readonly cacheDir: string;
}

type Options = { catalogDir: string; environments: readonly string[]; rootDir: string; cacheDir: string };

interface RendererModule {
  /** Every renderer has it; one older than chart apps ignores rootDir and cacheDir. */
  readonly renderEnvironment?: (env: string, options: Options) => ReadonlyMap<string, string>;
  /** A renderer with chart apps: their helm and kustomize runs in parallel. */
  readonly renderEnvironmentReportAsync?: (
    env: string,
    options: Options,
  ) => Promise<{ files: ReadonlyMap<string, string> }>;
}

async function main([codeRoot, catalogDir, requests, outFile]: string[]): Promise<void> {
  const module = path.join(codeRoot, "gitops", "render", "environment");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderEnvironment, renderEnvironmentReportAsync } = require(module) as RendererModule;
  if (typeof renderEnvironment !== "function") throw new Error(`${module} exports no renderEnvironment function`);
  const render = async (env: string, options: Options) =>
    renderEnvironmentReportAsync
      ? (await renderEnvironmentReportAsync(env, options)).files
      : renderEnvironment(env, options);
  const results: Record<string, { files: [string, string][] } | { error: string }> = {};
  for (const { env, environments, rootDir, cacheDir } of JSON.parse(requests) as Request[]) {
    try {
      results[env] = { files: [...(await render(env, { catalogDir, environments, rootDir, cacheDir }))] };
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "InputError") throw err;
      results[env] = { error: err.message };
    }
  }
  fs.writeFileSync(outFile, JSON.stringify(results));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
