import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";
import { Figure, median } from "./measure";

const BIN = path.join(REPO_ROOT, "automation", "bin.js");

/** Wall time of one run of the installed bin, cold (TypeScript loading included). */
function timeBin(args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (result.status !== 0) throw new Error(`gitops-platform ${args.join(" ")} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * CLI startup: `--help`, and `bump-image` as app repositories' CI runs it (here without --push, on a
 * throwaway checkout with a one-app catalog). Neither loads the Pulumi SDK or the driver.
 */
export function benchCli(runs = 5): Figure[] {
  const help = median(Array.from({ length: runs }, () => timeBin(["--help"])));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-bench-bump-"));
  try {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: dir });
    fs.mkdirSync(path.join(dir, "gitops", "apps", "demo"), { recursive: true });
    fs.writeFileSync(path.join(dir, "gitops", "apps", "demo", "app.yaml"), "image:\n  repository: ghcr.io/x/demo\n");
    fs.writeFileSync(path.join(dir, "gitops", "apps", "demo", "staging.yaml"), 'image:\n  tag: "1.0.0"\n');
    git("init", "--quiet", "--initial-branch=main");
    git("add", "--all");
    git("commit", "--quiet", "--message", "catalog");
    const bump = median(
      Array.from({ length: runs }, (_, i) =>
        timeBin(["bump-image", "--repo", dir, "--app", "demo", "--env", "staging", "--tag", `1.0.${i + 1}`]),
      ),
    );
    return [
      { what: `gitops-platform --help, cold (median of ${runs})`, value: help / 1000, unit: "s" },
      { what: `gitops-platform bump-image, cold, no push (median of ${runs})`, value: bump / 1000, unit: "s" },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
