import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack";
import { COMBINED_REPORT } from "../mutation/groups";
import { FILE_TARGET, fileScores, MutationReport, OVERALL_TARGET, overallScore } from "../mutation/scores";
import { Figure } from "./measure";

/**
/**
 * DESIGN.md: `npm ci` on a clean checkout < 90 s and the full `npm test` < 60 s; issue 20: `npm run
 * mutation` < 15 min with every mutated file >= 85% and the set >= 90%. They take minutes and `npm ci`
 * needs the registry (or a warm npm cache), so they run only with `npm run bench -- --suite`.
 * `npm test` runs twice: with its caches removed, as in CI, then again with them warm, as
 * in a developer's loop; each with the wall time of its steps, which run side by side.
 */
export function benchSuite(): Figure[] {
  return [timeNpmCi(), ...timeNpmTest("cold"), ...timeNpmTest("warm"), ...mutation()];
}

function mutation(): Figure[] {
  // `npm run mutation` exits 1 when a score misses its target: the figures below say which.
  const seconds = timed("npm", ["run", "--silent", "mutation"], PROJECT_ROOT, [0, 1]);
  const files = fileScores([JSON.parse(fs.readFileSync(COMBINED_REPORT, "utf8")) as MutationReport]);
  const all = overallScore(files);
  return [
    { what: "npm run mutation (every group)", value: seconds, unit: "s", target: "< 900 s", met: seconds < 900 },
    ...files.map((f) => ({
      what: `mutation score ${f.file}`,
      value: f.score,
      unit: "%",
      target: `>= ${FILE_TARGET} %`,
      met: f.score >= FILE_TARGET,
    })),
    {
      what: "mutation score, all files",
      value: all.score,
      unit: "%",
      target: `>= ${OVERALL_TARGET} %`,
      met: all.score >= OVERALL_TARGET,
    },
  ];
}

function timeNpmCi(): Figure {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-npm-ci-"));
  try {
    for (const file of ["package.json", "package-lock.json"])
      fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(dir, file));
    const seconds = timed("npm", ["ci", "--no-audit", "--no-fund"], dir);
    return {
      what: "npm ci, clean directory (warm npm cache)",
      value: seconds,
      unit: "s",
      target: "< 90 s",
      met: seconds < 90,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface TestTimings {
  readonly steps: readonly { readonly name: string; readonly seconds: number }[];
}

/** npm test's caches: its steps' (`.cache/`) and the TypeScript loader's transpile cache (scripts/register.js). */
const CACHES = [".cache", path.join("node_modules", ".cache", "gitops-platform-ts")];

function timeNpmTest(caches: "cold" | "warm"): Figure[] {
  if (caches === "cold")
    for (const dir of CACHES) fs.rmSync(path.join(PROJECT_ROOT, dir), { recursive: true, force: true });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-npm-test-")), "timings.json");
  try {
    const seconds = timed("npm", ["test", "--", "--timings", file], PROJECT_ROOT);
    const { steps } = JSON.parse(fs.readFileSync(file, "utf8")) as TestTimings;
    return [
      {
        what: `npm test (type check, lint, every test), ${caches} caches`,
        value: seconds,
        unit: "s",
        target: "< 60 s",
        met: seconds < 60,
      },
      ...steps.map((step) => ({ what: `  of which ${step.name}, side by side`, value: step.seconds, unit: "s" })),
    ];
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function timed(command: string, args: readonly string[], cwd: string, success: readonly number[] = [0]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (!success.includes(result.status ?? -1))
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
