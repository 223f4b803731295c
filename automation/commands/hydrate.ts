import * as path from "node:path";
import { Command, Option } from "commander";
import type { HydrateResult } from "../../gitops/hydrate";
import { IDENTITY_FILE } from "../../gitops/state-repo/identity";
import { Environment, PROJECT_ROOT } from "../../stack";
import { ExitCode } from "../exit-codes";
import { cliInvocation } from "../invocation";
import { envOption, jsonOption } from "../options";
import { colorEnabled, logProgress, Paint, painter, writeData, writeJson } from "../output";
import { examples } from "./help";

interface HydrateCommandOptions {
  /** Required, except with --diff, where it narrows the diff to one environment. */
  readonly env?: Environment;
  readonly diff?: string;
  readonly stateRepo?: string;
  readonly push?: boolean;
  readonly sourceCommit?: string;
  readonly force?: boolean;
  readonly json?: boolean;
}

export function hydrateCommand(): Command {
  const command = new Command("hydrate");
  return command
    .description(
      "Render every app of the catalog for an environment into its state repo (apps/<app>/), validated, judged by the guardrails and committed",
    )
    .addOption(envOption(false))
    .addOption(
      new Option(
        "--diff <git-ref>",
        "write nothing: render the catalog at that commit and in the working tree, for every environment (or --env), and print the diff; exits 3 when manifests change",
      ),
    )
    .addOption(
      new Option(
        "--state-repo <url|path>",
        "state repo: a git URL, a bare repository or a checkout (default: the local .state/<env>, or with --push the configured URL)",
      ).conflicts("diff"),
    )
    .addOption(
      new Option("--push", "push the commit, rebasing and retrying when someone pushed first").conflicts("diff"),
    )
    .addOption(
      new Option("--source-commit <sha>", "commit named in the Source-Commit trailer (default: HEAD)").conflicts(
        "diff",
      ),
    )
    .addOption(
      new Option(
        "--force",
        `hydrate a state repo that records another environment or cluster (${IDENTITY_FILE}), and make it this one's`,
      ).conflicts("diff"),
    )
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["hydrate --env staging", "into the local state repo .state/staging (offline)"],
        ["hydrate --env production --json", "the same for production, as JSON"],
        ["hydrate --diff HEAD", "what the uncommitted catalog changes in every environment's manifests"],
      ) +
        "\nWith --push it clones the configured state repo, commits and pushes (rebasing when someone pushed first).\n" +
        "With --diff it reads no state repo and needs no network: both sides are rendered here (docs/cli.md).\n" +
        "Exit codes: 0 written (or nothing to write), 1 a mandatory guardrail violated or a git failure (nothing\n" +
        "written), 2 bad input: a bad spec or config, a state repo of another environment, a push refused, a\n" +
        "--diff ref that names no commit; with --diff: 0 no manifest changes, 3 manifests change.",
    )
    .action(async (options: HydrateCommandOptions) => {
      if (options.diff !== undefined) {
        process.exitCode = await runHydrateDiff(options.diff, options);
        return;
      }
      if (options.env === undefined) return command.error("error: required option '-e, --env <env>' not specified");
      process.exitCode = await runHydrate({ ...options, env: options.env });
    });
}

/** `hydrate --diff <ref>`: the rendered-manifest diff of every environment (or --env), nothing written. */
async function runHydrateDiff(ref: string, options: HydrateCommandOptions): Promise<ExitCode> {
  const [{ diffManifestsAtRef }, { renderManifestDiff }] = await Promise.all([
    import("../manifest-diff/at-ref"),
    import("../manifest-diff/text"),
  ]);
  const which = options.env ?? "every environment";
  logProgress(`hydrate: rendering the catalog at ${ref} and in the working tree (${which}), for comparison`);
  const report = await diffManifestsAtRef({
    rootDir: PROJECT_ROOT,
    ref,
    envs: options.env === undefined ? undefined : [options.env],
    command: "hydrate --diff",
  });
  if (options.json) writeJson(report);
  else writeData(renderManifestDiff(report, painter(colorEnabled())));
  return report.hasChanges ? ExitCode.Changes : ExitCode.Ok;
}

async function runHydrate(options: HydrateCommandOptions & { readonly env: Environment }): Promise<ExitCode> {
  const [{ hydrate }, { policyNotes }] = await Promise.all([
    import("../../gitops/hydrate"),
    import("../../policy/report"),
  ]);
  logProgress(`hydrate: rendering the ${options.env} catalog`);
  const result = await hydrate({
    env: options.env,
    stateRepo: options.stateRepo,
    push: options.push === true,
    sourceCommit: options.sourceCommit,
    force: options.force === true,
  });
  const { rendered, cached } = result.sourceRenders;
  if (rendered.length + cached > 0) {
    logProgress(`hydrate: chart and Kustomize apps: ${rendered.length} rendered, ${cached} from the render cache`);
  }
  for (const note of policyNotes(result.policy)) logProgress(note);
  if (options.json) writeJson(result);
  else writeData(renderHydrateResult(result, painter(colorEnabled())));
  return ExitCode.Ok;
}

/** The human view: where it wrote, each file with + ~ -, and what was committed and pushed. */
export function renderHydrateResult(result: HydrateResult, paint: Paint): string {
  const where = result.kind === "remote" ? result.stateRepo : path.relative(process.cwd(), result.stateRepo) || ".";
  const lines = [paint("bold", `hydrate ${result.env} -> ${where} (branch ${result.branch}, ${result.kind})`)];
  for (const file of result.added) lines.push(paint("green", `  + ${file}`));
  for (const file of result.modified) lines.push(paint("yellow", `  ~ ${file}`));
  for (const file of result.deleted) lines.push(paint("red", `  - ${file}`));
  if (result.identity !== "kept") {
    const verb = result.identity === "recorded" ? "records" : "now records (taken over with --force)";
    const line = `  ${IDENTITY_FILE} ${verb}: environment ${result.env}`;
    lines.push(paint(result.identity === "recorded" ? "green" : "yellow", line));
  }
  if (!result.changed) lines.push(`No changes: the state repo already matches the ${result.env} catalog.`);
  else {
    const counts = `${result.added.length} added, ${result.modified.length} modified, ${result.deleted.length} deleted`;
    const commit = result.commit ? `committed ${result.commit.slice(0, 12)}` : "not committed (dry run: pass --push)";
    lines.push(`${counts}; ${commit} (Source-Commit: ${result.sourceCommit})`);
  }
  if (result.pushed) {
    lines.push(`pushed to origin/${result.branch}${result.rebases ? ` after ${result.rebases} rebase(s)` : ""}`);
  }
  if (result.kind === "local") {
    // The local state repo is the offline try-out (npm start): say where to go from there.
    const cli = cliInvocation();
    const next = [
      [`new app <name>`, "add an app to the catalog, then hydrate again"],
      [`synth --env ${result.env} --policy`, "the guardrails' verdict on every layer, offline"],
      [`doctor --env ${result.env}`, "what deploying needs, and what is missing"],
    ];
    const width = Math.max(...next.map(([command]) => command.length));
    lines.push("", "Next:", ...next.map(([command, what]) => `  ${cli} ${command.padEnd(width)}  # ${what}`));
  }
  return lines.join("\n");
}
