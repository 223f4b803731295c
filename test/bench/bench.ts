import * as os from "node:os";
import { benchCharts } from "./charts.bench";
import { benchCli } from "./cli.bench";
import { benchE2e } from "./e2e.bench";
import { benchFleet } from "./fleet.bench";
import { Figure } from "./measure";
import { benchHydrate } from "./hydrate.bench";
import { benchManifestDiff } from "./manifest-diff.bench";
import { benchSuite } from "./suite.bench";
import { benchSynth } from "./synth.bench";

/**
 * `npm run bench`: prints the figures DESIGN.md sets targets for. Never part of `npm test`.
 * `npm run bench -- --suite` adds the minutes-long ones: `npm ci` and the whole `npm test`;
 * `npm run bench -- --e2e` the real-component tier (after `npm run e2e:tools`).
 */
const benchmarks: readonly (() => Figure[] | Promise<Figure[]>)[] = [
  benchSynth,
  benchHydrate,
  benchFleet,
  benchCharts,
  benchManifestDiff,
  benchCli,
  ...(process.argv.includes("--suite") ? [benchSuite] : []),
  ...(process.argv.includes("--e2e") ? [benchE2e] : []),
];

/** `npm run bench -- --only charts`: one benchmark, by the name after `bench`. */
function selected(): readonly (() => Figure[] | Promise<Figure[]>)[] {
  const at = process.argv.indexOf("--only");
  if (at < 0) return benchmarks;
  const name = process.argv[at + 1] ?? "";
  return benchmarks.filter((bench) => bench.name.toLowerCase() === `bench${name.toLowerCase()}`);
}

async function main(): Promise<void> {
  process.stdout.write(
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n\n`,
  );
  const figures: Figure[] = [];
  for (const bench of selected()) figures.push(...(await bench()));
  const width = Math.max(...figures.map((f) => f.what.length));
  for (const f of figures) {
    const verdict = f.target ? `  target ${f.target}: ${f.met ? "met" : "MISSED"}` : "";
    process.stdout.write(`${f.what.padEnd(width)}  ${f.value.toFixed(2).padStart(9)} ${f.unit}${verdict}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
