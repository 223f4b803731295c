import * as fs from "node:fs";
import { Command, Option } from "commander";
import { Environment, Layer } from "../../stack";
import type { DriftReport } from "../driver/drift";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption, layerOption, layersOf } from "../options";
import { cliDeps, CommandDeps, preflight } from "./deps";
import { examples } from "./help";

export interface DriftOptions {
  readonly env: Environment;
  readonly layer?: Layer;
  readonly json?: boolean;
  readonly output?: string;
}

export function driftCommand(): Command {
  return new Command("drift")
    .description(
      "Check an environment for drift: refresh-preview every stack and compare the hydrated catalog with the state repo",
    )
    .addOption(envOption())
    .addOption(layerOption())
    .addOption(jsonOption())
    .addOption(new Option("--output <file>", "also write the Markdown report to this file"))
    .addHelpText(
      "after",
      examples(
        ["drift --env staging", "every stack and the state repo, as a Markdown report"],
        ["drift --env production --layer infra --json", "infra-production only, as JSON"],
      ) +
        "\nNothing is written: the refresh is a preview (state and cloud stay as they are). pulumi refresh takes no\n" +
        "policy pack, so each deployed stack also gets a preview with it: a guardrail it breaks is reported.\n" +
        "Exit codes: 0 no drift, 3 drift found (Markdown report on stdout), 1 a check failed or a mandatory\n" +
        "guardrail is broken, 2 bad input or a missing prerequisite.",
    )
    .action(async (options: DriftOptions) => {
      process.exitCode = await runDriftCommand([options.env], options, await cliDeps());
    });
}

export async function runDriftCommand(
  envs: readonly Environment[],
  options: { layer?: Layer; json?: boolean; output?: string },
  deps: CommandDeps,
): Promise<ExitCode> {
  for (const env of envs) await preflight("drift", env, deps);
  const [{ detectDrift, driftCheckFailed, driftFound }, { renderDriftReport }] = await Promise.all([
    import("../driver/drift"),
    import("../report/drift-report"),
  ]);
  const reports: DriftReport[] = [];
  for (const env of envs) reports.push(await detectDrift(env, layersOf(options.layer), deps.context));
  const markdown = renderDriftReport(reports);
  if (options.output) fs.writeFileSync(options.output, markdown);
  deps.write(options.json ? JSON.stringify(reports, null, 2) : markdown);
  if (reports.some(driftCheckFailed)) return ExitCode.Failure;
  return reports.some(driftFound) ? ExitCode.Changes : ExitCode.Ok;
}
