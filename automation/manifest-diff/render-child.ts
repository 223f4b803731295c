import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Renders a catalog with another commit's renderer, for the manifest diff (base-renderer.ts):
 * `node -r ts-node/register render-child.ts <code root> <catalog> <requests JSON> <out file>`, run
 * in that commit's tree. It loads that tree's renderer, not this checkout's, and writes per
 * environment the files, or the InputError the renderer reported (the base's own errors).
 */

interface Request {
  readonly env: string;
  readonly environments: readonly string[];
}

type Render = (
  env: string,
  options: { catalogDir: string; environments: readonly string[] },
) => ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;

async function main([codeRoot, catalogDir, requests, outFile]: string[]): Promise<void> {
  const module = path.join(codeRoot, "gitops", "render", "environment");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderEnvironment } = require(module) as { renderEnvironment?: Render };
  if (typeof renderEnvironment !== "function") throw new Error(`${module} exports no renderEnvironment function`);
  const results: Record<string, { files: [string, string][] } | { error: string }> = {};
  for (const { env, environments } of JSON.parse(requests) as Request[]) {
    try {
      results[env] = { files: [...(await renderEnvironment(env, { catalogDir, environments }))] };
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
