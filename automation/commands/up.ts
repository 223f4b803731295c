import { Command, Option } from "commander";
import { Environment, Layer } from "../../stack";
import type { UpResult } from "../driver/up";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption, layerOption, parseLayer } from "../options";
import { cliDeps, CommandDeps, preflight } from "./deps";
import { examples } from "./help";

export interface UpOptions {
  readonly env: Environment;
  readonly layer?: Layer;
  readonly from?: Layer;
  readonly json?: boolean;
}

export function upCommand(): Command {
  return new Command("up")
    .description(
      "Deploy an environment: infra, then platform in its phases (bootstrap, hand-off to Argo CD), then hydrate + push the state repo, then gitops",
    )
    .addOption(envOption())
    .addOption(layerOption())
    .addOption(
      new Option("--from <layer>", "start at this layer and run the rest of the order (resume after a failure)")
        .argParser(parseLayer)
        .conflicts("layer"),
    )
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["up --env staging", "infra, platform in its phases, hydrate + push, gitops"],
        ["up --env staging --from platform --json", "resume at platform after a failure, as JSON"],
      ) +
        "\nChecks its prerequisites first and lists every missing one at once (doctor shows them all). Every stack\n" +
        "runs with the policy pack (policy/); a mandatory violation stops the update before the resource it\n" +
        "rejects. Stops at the first failure and prints the command that resumes. A stack locked by another\n" +
        "update is retried with backoff.\n" +
        "The platform layer runs in phases, from where its stack's record says it stands: on a new cluster a\n" +
        "bootstrap up (Pulumi installs every release), a wait until Argo CD is available, a hand-off up\n" +
        "(releases owned by argocd leave the stack), then a check that each handed-over Application is Synced\n" +
        "and Healthy and that no object has two owners. The waits use kubectl with the infra stack's kubeconfig.\n" +
        "Exit codes: 0 deployed, 1 a step failed (or the policy pack stopped it), 2 bad input or a missing prerequisite.",
    )
    .action(async (options: UpOptions) => {
      process.exitCode = await runUpCommand(options, await cliDeps());
    });
}

export async function runUpCommand(options: UpOptions, deps: CommandDeps): Promise<ExitCode> {
  await preflight("up", options.env, deps);
  const { renderUpSummary, runUp, upLayers, UpStoppedError } = await import("../driver/up");
  const writeUp = (result: UpResult, error?: string): void =>
    deps.write(
      options.json ? JSON.stringify({ ...result, ...(error ? { error } : {}) }, null, 2) : renderUpSummary(result),
    );
  try {
    writeUp(await runUp(options.env, upLayers(options), deps.context));
    return ExitCode.Ok;
  } catch (err) {
    if (!(err instanceof UpStoppedError)) throw err;
    deps.context.log(err.message);
    writeUp(err.partial, err.message);
    return ExitCode.Failure;
  }
}
