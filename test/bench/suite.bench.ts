import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack";
import { Figure } from "./measure";

/**
 * DESIGN.md: `npm ci` on a clean checkout < 90 s and the full `npm test` < 90 s. Both take minutes
 * and `npm ci` needs the registry (or a warm npm cache), so they run only with `npm run bench -- --suite`.
 */
export function benchSuite(): Figure[] {
  return [timeNpmCi(), timeNpmTest()];
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

function timeNpmTest(): Figure {
  const seconds = timed("npm", ["test"], PROJECT_ROOT);
  return {
    what: "npm test (type check, lint, every test)",
    value: seconds,
    unit: "s",
    target: "< 90 s",
    met: seconds < 90,
  };
}

function timed(command: string, args: readonly string[], cwd: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}
