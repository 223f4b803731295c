import { Command, InvalidArgumentError, Option } from "commander";
import { loadFleet } from "../../environments";
import { Environment } from "../../stack";
import { planCi, PromotionEdge, renderCiHelp } from "../ci";
import { InputError } from "../../config";
import { ExitCode } from "../exit-codes";
import { cliDeps, CommandDeps, preflight } from "./deps";
import { examples } from "./help";
import type { PromoteDeps } from "./promote";
import { runDriftCommand } from "./drift";
import { runPreviewCommand } from "./preview";

export interface CiOptions {
  readonly output?: string;
  readonly planOnly?: boolean;
  /** Environments of one wave deployed at a time; 1 by default. */
  readonly parallel?: number;
}

/** The comment `ci` keeps on a pull request: one for every environment, whichever exist. */
export const CI_COMMENT_MARKER = "gitops-platform:preview:every-environment";

export function ciCommand(): Command {
  return new Command("ci")
    .description("The whole workflow in one command, decided from the GitHub Actions environment")
    .addOption(new Option("--output <file>", "write the preview comment or drift report to this file"))
    .addOption(new Option("--plan-only", "print what would run (JSON) and stop"))
    .addOption(
      new Option("--parallel <n>", "deploy up to n environments of one wave at a time (default 1)").argParser(
        parseParallel,
      ),
    )
    .addHelpText(
      "after",
      `\nGITHUB_EVENT_NAME and GITHUB_REF decide (the tiers and promotion order come from Pulumi.<env>.yaml):\n${renderCiHelp()}` +
        examples(["ci --plan-only", "what the GitHub Actions event in the environment would run, as JSON"]) +
        "\nExit codes: 0 done or nothing to do, else those of the command it runs (a preview with changes exits 0);\n" +
        "2 outside GitHub Actions.",
    )
    .action(async (options: CiOptions) => {
      process.exitCode = await runCiCommand(options, await cliDeps());
    });
}

function parseParallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`received "${value}"; expected an integer >= 1.`);
  return n;
}

export async function runCiCommand(options: CiOptions, deps: CommandDeps): Promise<ExitCode> {
  const plan = planCi(deps.env, loadFleet(deps.context.rootDir));
  deps.context.log(`ci: ${plan.action}: ${plan.reason}`);
  if (options.planOnly) {
    deps.write(JSON.stringify(plan, null, 2));
    return ExitCode.Ok;
  }
  switch (plan.action) {
    case "preview":
      return runPreviewCommand(plan.envs, { output: options.output }, deps, {
        exitOnChanges: false,
        marker: CI_COMMENT_MARKER,
      });
    case "up":
      return runDeployWaves(plan.waves, options.parallel ?? 1, deps);
    case "drift":
      return runDriftCommand(plan.envs, { output: options.output }, deps);
    case "promote":
      return runPromotions(plan.edges, {
        rootDir: deps.context.rootDir,
        checks: deps.checks,
        env: deps.env,
        write: deps.write,
        log: deps.context.log,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    case "nothing":
      return ExitCode.Ok;
  }
}

/**
 * `promote --all --open-pr` of each edge, every one of them run whatever the others said: the exit
 * code is the worst (bad input, then failure, then a gate's "not yet").
 */
export async function runPromotions(edges: readonly PromotionEdge[], deps: PromoteDeps): Promise<ExitCode> {
  const { runPromoteCommand } = await import("./promote");
  const codes: ExitCode[] = [];
  for (const { from, to } of edges) {
    try {
      codes.push(await runPromoteCommand({ all: true, from, to, openPr: true, remote: "origin" }, deps));
    } catch (err) {
      deps.log(`ci: promote --from ${from} --to ${to}: ${(err as Error).message}`);
      codes.push(err instanceof InputError ? ExitCode.BadInput : ExitCode.Failure);
    }
  }
  const worst = [ExitCode.BadInput, ExitCode.Failure, ExitCode.Changes].find((code) => codes.includes(code));
  return worst ?? ExitCode.Ok;
}

async function runDeployWaves(
  waves: readonly (readonly Environment[])[],
  parallel: number,
  deps: CommandDeps,
): Promise<ExitCode> {
  // Every environment's prerequisites before the first wave starts: a missing one stops nothing midway.
  for (const env of waves.flat()) await preflight("up", env, deps);
  const [{ runUp, upLayers }, { renderWavesReport, runWaves }] = await Promise.all([
    import("../driver/up"),
    import("../driver/waves"),
  ]);
  const report = await runWaves(waves, (env) => runUp(env, upLayers({}), deps.context), {
    parallel,
    log: deps.context.log,
  });
  deps.write(renderWavesReport(report));
  const failed = report.outcomes.filter((o) => o.status === "failed");
  if (failed.length === 0) return ExitCode.Ok;
  return failed.every((o) => o.badInput) ? ExitCode.BadInput : ExitCode.Failure;
}
