import { Command, Option } from "commander";
import { planCi } from "../ci";
import { ExitCode } from "../exit-codes";
import { cliDeps, CommandDeps } from "./deps";
import { examples } from "./help";
import { runDriftCommand } from "./drift";
import { runPreviewCommand } from "./preview";
import { runUpCommand } from "./up";

export interface CiOptions {
  readonly output?: string;
  readonly planOnly?: boolean;
}

export function ciCommand(): Command {
  return new Command("ci")
    .description("The whole workflow in one command, decided from the GitHub Actions environment")
    .addOption(new Option("--output <file>", "write the preview comment or drift report to this file"))
    .addOption(new Option("--plan-only", "print what would run (JSON) and stop"))
    .addHelpText(
      "after",
      "\nGITHUB_EVENT_NAME and GITHUB_REF decide:\n" +
        "  pull_request               one preview comment for staging and production\n" +
        "  push to refs/heads/main    up --env staging\n" +
        "  push of a tag v*           up --env production\n" +
        "  schedule                   drift for staging and production (exit 3 on drift)\n" +
        "  anything else              nothing (exit 0, the reason on stderr)\n" +
        examples(["ci --plan-only", "what the GitHub Actions event in the environment would run, as JSON"]) +
        "\nExit codes: 0 done or nothing to do, else those of the command it runs (a preview with changes exits 0);\n" +
        "2 outside GitHub Actions.",
    )
    .action(async (options: CiOptions) => {
      process.exitCode = await runCiCommand(options, await cliDeps());
    });
}

export async function runCiCommand(options: CiOptions, deps: CommandDeps): Promise<ExitCode> {
  const plan = planCi(deps.env);
  deps.context.log(`ci: ${plan.action}: ${plan.reason}`);
  if (options.planOnly) {
    deps.write(JSON.stringify(plan, null, 2));
    return ExitCode.Ok;
  }
  switch (plan.action) {
    case "preview":
      return runPreviewCommand(plan.envs, { output: options.output }, deps, { exitOnChanges: false });
    case "up":
      return runUpCommand({ env: plan.env }, deps);
    case "drift":
      return runDriftCommand(plan.envs, { output: options.output }, deps);
    case "nothing":
      return ExitCode.Ok;
  }
}
