import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";
import { writeEnvironment } from "../support/environments";
import { generateCatalog } from "./hydrate-catalog";
import { ManifestDiffTimings } from "./manifest-diff-workload";
import { Figure, runCold } from "./measure";

const APPS = 1000;
const CHANGED = 10;

/**
 * Issue 18: the rendered-manifest diff of a 1000-app catalog where 10 apps changed, two
 * environments, both refs rendered: < 5 s on 2 cores and < 600 MB peak; beside it, a plain render
 * of both refs (what the diff would cost if it rendered everything). Half the changed apps change
 * their staging tag (one environment), half their app.yaml (both).
 */
export function benchManifestDiff(): Figure[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-bench-manifest-diff-"));
  try {
    const rootDir = path.join(work, "project");
    const apps = changedProject(rootDir);
    const once = (mode: "diff" | "plain") => {
      const resultFile = path.join(work, `${mode}.json`);
      const run = runCold("manifest-diff-workload.ts", [mode, rootDir, resultFile]);
      return { run, timings: JSON.parse(fs.readFileSync(resultFile, "utf8")) as ManifestDiffTimings };
    };
    const diff = once("diff");
    if (diff.timings.changedApps !== CHANGED) {
      throw new Error(
        `the diff found ${diff.timings.changedApps} changed apps; expected ${CHANGED} (${apps.join(", ")})`,
      );
    }
    const plain = once("plain");
    const what = `hydrate --diff HEAD, ${APPS} apps x 2 envs, ${CHANGED} apps changed (${diff.timings.changedFiles} files)`;
    return [
      { what, value: diff.timings.ms / 1000, unit: "s", target: "< 5 s", met: diff.timings.ms < 5000 },
      {
        what: "  hydrate --diff process, cold (node, TypeScript load, git included)",
        value: diff.run.wallMs / 1000,
        unit: "s",
      },
      {
        what: "  hydrate --diff peak RSS",
        value: diff.run.maxRssMb,
        unit: "MB",
        target: "< 600 MB",
        met: diff.run.maxRssMb < 600,
      },
      { what: "  plain render of both refs (2 x 2 envs), no diff", value: plain.timings.ms / 1000, unit: "s" },
      { what: "  plain render of both refs, process, cold", value: plain.run.wallMs / 1000, unit: "s" },
      { what: "  plain render of both refs, peak RSS", value: plain.run.maxRssMb, unit: "MB" },
    ];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The project with its generated catalog committed, then CHANGED apps edited in the working tree. */
function changedProject(rootDir: string): string[] {
  fs.mkdirSync(rootDir, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(rootDir, "Pulumi.yaml"));
  const stateRepoUrl = (env: string) => `https://github.invalid/example-org/gitops-state-${env}.git`;
  writeEnvironment(rootDir, {
    name: "staging",
    from: "staging",
    tier: "staging",
    stateRepoUrl: stateRepoUrl("staging"),
  });
  const production = { name: "production", from: "production", tier: "production", promotesFrom: ["staging"] };
  writeEnvironment(rootDir, { ...production, stateRepoUrl: stateRepoUrl("production") });
  const catalogDir = path.join(rootDir, "gitops", "apps");
  const apps = generateCatalog(catalogDir, APPS);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], { cwd: rootDir });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "--all");
  git("commit", "--quiet", "--message", "the catalog");
  const changed = apps.filter((_, i) => i % (APPS / CHANGED) === 0);
  for (const [n, app] of changed.entries()) {
    const file = path.join(catalogDir, app, n % 2 === 0 ? "staging.yaml" : "app.yaml");
    const text = fs.readFileSync(file, "utf8");
    const edited =
      n % 2 === 0 ? text.replace(/tag: (\S+)/, "tag: 9.9.9") : text.replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
    if (edited === text) throw new Error(`${file}: the bench's edit found nothing to change`);
    fs.writeFileSync(file, edited);
  }
  return changed;
}
