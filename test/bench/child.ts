import * as path from "node:path";

/**
 * Benchmark child: runs one benchmark module's default export, then reports its own peak RSS on
 * stderr as `BENCH {"maxRssKb": N}`. Started by measure.ts's runCold in a fresh process.
 */
async function runChild(): Promise<void> {
  const [module, ...args] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.resolve(__dirname, module)) as { default: (args: string[]) => Promise<void> };
  await loaded.default(args);
  process.stderr.write(`BENCH ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

runChild().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
