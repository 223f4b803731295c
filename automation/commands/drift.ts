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
  readonly kubeconfig?: string;
  readonly context?: string;
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
    .addOption(
      new Option("--kubeconfig <file>", "kubeconfig of the cluster, to read Argo CD's Applications (default: found)"),
    )
    .addOption(new Option("--context <name>", "kubeconfig context (default: the one for the environment's cluster)"))
    .addHelpText(
      "after",
      examples(
        ["drift --env staging", "every stack and the state repo, as a Markdown report"],
        ["drift --env production --layer infra --json", "infra-production only, as JSON"],
      ) +
        "\nNothing is written: the refresh is a preview (state and cloud stay as they are). pulumi refresh takes no\n" +
        "policy pack, so each deployed stack also gets a preview with it: a guardrail it breaks is reported. With a\n" +
        "kubeconfig context for the cluster, Argo CD's own verdict is read from the live Applications too: an\n" +
        "Application not Synced and Healthy is drift of the cluster from the state repo.\n" +
        "Exit codes: 0 no drift, 3 drift found (Markdown report on stdout), 1 a check failed or a mandatory\n" +
        "guardrail is broken, 2 bad input or a missing prerequisite.",
    )
    .action(async (options: DriftOptions) => {
      process.exitCode = await runDriftCommand([options.env], options, await cliDeps());
    });
}

export async function runDriftCommand(
  envs: readonly Environment[],
  options: { layer?: Layer; json?: boolean; output?: string; kubeconfig?: string; context?: string },
  deps: CommandDeps,
): Promise<ExitCode> {
  for (const env of envs) await preflight("drift", env, deps);
  const [{ detectDrift, driftCheckFailed, driftFound }, { renderDriftReport }, { argoSourceFor }, { readLiveDrift }] =
    await Promise.all([
      import("../driver/drift"),
      import("../report/drift-report"),
      import("../status/argo-source"),
      import("../status/live-drift"),
    ]);
  const reports: DriftReport[] = [];
  for (const env of envs) {
    const report = await detectDrift(env, layersOf(options.layer), deps.context);
    const cluster = await readLiveDrift(argoSourceFor(deps.checks, env, options));
    reports.push({ ...report, cluster });
  }
  const markdown = renderDriftReport(reports);
  if (options.output) fs.writeFileSync(options.output, markdown);
  deps.write(options.json ? JSON.stringify(reports, null, 2) : markdown);
  if (reports.some(driftCheckFailed)) return ExitCode.Failure;
  return reports.some(driftFound) ? ExitCode.Changes : ExitCode.Ok;
}
