import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack";
import { COMBINED_REPORT, MUTATION_GROUPS, MutationGroup, REPORT_DIR } from "./groups";
import { fileScores, missedTargets, MutationReport, scoreTable } from "./scores";

/**
 * `npm run mutation [-- <group>...]`: Stryker over the pure cores (test/mutation/groups.ts), one run
 * per group with the mocha 12 runner of this folder, then the per-file table. The JSON reports land in
 * `.mutation/` (git-ignored): one per group and `mutation.json` for the groups run. Exits 1 when a
 * file or the whole set misses its target. MUTATION_CONCURRENCY sets Stryker's test-runner processes
 * (2 by default). Not part of `npm test`: a full run takes minutes (docs/testing.md).
 */
const STRYKER = path.join(PROJECT_ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");

function strykerConfig(group: MutationGroup, concurrency: number): object {
  return {
    testRunner: "mocha12",
    plugins: [path.join(__dirname, "plugin.js")],
    mutate: group.mutate,
    mocha12: { spec: group.spec, reloadEachMutant: group.reloadEachMutant ?? false },
    coverageAnalysis: "perTest",
    concurrency,
    reporters: ["clear-text", "json", process.stdout.isTTY ? "progress" : "progress-append-only"],
    clearTextReporter: { reportScoreTable: false, reportTests: false },
    jsonReporter: { fileName: path.join(REPORT_DIR, `${group.name}.json`) },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    // Only the project's sources and tests are needed in Stryker's sandbox; node_modules is linked.
    ignorePatterns: [".e2e", ".render-cache", ".state", ".pulumi", ".mutation", "test/e2e"],
    // The thresholds are checked here, over every group (test/mutation/scores.ts).
    thresholds: { high: 90, low: 85, break: null },
  };
}

function runGroup(group: MutationGroup, concurrency: number): MutationReport {
  const config = path.join(REPORT_DIR, `${group.name}.stryker.json`);
  fs.writeFileSync(config, `${JSON.stringify(strykerConfig(group, concurrency), null, 2)}\n`);
  process.stdout.write(`\n== ${group.name}: ${group.mutate.join(", ")} (tests: ${group.spec.join(", ")})\n`);
  const result = spawnSync(process.execPath, [STRYKER, "run", config], { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`stryker failed on the group ${group.name} (exit ${result.status})`);
  return JSON.parse(fs.readFileSync(path.join(REPORT_DIR, `${group.name}.json`), "utf8")) as MutationReport;
}

function selectedGroups(names: readonly string[]): readonly MutationGroup[] {
  const unknown = names.filter((n) => !MUTATION_GROUPS.some((g) => g.name === n));
  if (unknown.length > 0) {
    const known = MUTATION_GROUPS.map((g) => g.name).join(", ");
    throw new Error(`unknown mutation group ${unknown.join(", ")}: expected one of ${known}`);
  }
  return names.length === 0 ? MUTATION_GROUPS : MUTATION_GROUPS.filter((g) => names.includes(g.name));
}

function main(): number {
  const groups = selectedGroups(process.argv.slice(2));
  const concurrency = Number(process.env.MUTATION_CONCURRENCY ?? "2");
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`MUTATION_CONCURRENCY: expected a positive integer, got ${process.env.MUTATION_CONCURRENCY}`);
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const started = process.hrtime.bigint();
  const reports = groups.map((group) => runGroup(group, concurrency));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const combined = { schemaVersion: "1", thresholds: { high: 90, low: 85 }, files: {} as Record<string, unknown> };
  for (const report of reports) Object.assign(combined.files, report.files);
  fs.writeFileSync(COMBINED_REPORT, `${JSON.stringify(combined)}\n`);

  const files = fileScores(reports);
  const missed = missedTargets(files);
  process.stdout.write(`\n${scoreTable(files)}\n\n`);
  process.stdout.write(`${groups.length} group(s) in ${(seconds / 60).toFixed(1)} min; report: ${COMBINED_REPORT}\n`);
  if (missed.length === 0) {
    process.stdout.write("target met: every file >= 85%, all files >= 90%\n");
    return 0;
  }
  process.stdout.write(`target MISSED:\n${missed.map((m) => `  ${m}`).join("\n")}\n`);
  return 1;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
