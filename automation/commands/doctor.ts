import { Command } from "commander";
import { discoverEnvironments, Environment } from "../../stack";
import { ExitCode } from "../exit-codes";
import { jsonOption, parseEnv } from "../options";
import { colorEnabled, logProgress, painter, writeData, writeJson } from "../output";
import { examples } from "./help";

interface DoctorOptions {
  readonly env?: Environment;
  readonly json?: boolean;
}

export function doctorCommand(): Command {
  return new Command("doctor")
    .description(
      "Check everything real use needs, all at once: tools, backend, passphrase, credentials, state repo, kubeconfig",
    )
    .option("-e, --env <env>", "check one environment (default: every environment)", parseEnv)
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["doctor", "every check, for every environment"],
        ["doctor --env staging --json", "staging's checks, as JSON"],
      ) +
        "\nEach row is ok, missing or wrong, with the command that fixes it. up, preview, drift and destroy run the\n" +
        "checks they need first and list every failure at once. The AWS account and the state repo are checked\n" +
        "over the network (aws sts get-caller-identity, git ls-remote), with a timeout.\n" +
        "Exit codes: 0 nothing that stops a command is missing, 1 something is, 2 bad input.",
    )
    .action(async (options: DoctorOptions) => {
      const [{ doctorRows }, { processCheckContext }, { renderDoctor }, { PROJECT_ROOT }] = await Promise.all([
        import("../doctor/run"),
        import("../doctor/probe"),
        import("../doctor/render"),
        import("../../stack"),
      ]);
      const envs = options.env ? [options.env] : discoverEnvironments(PROJECT_ROOT);
      logProgress(`doctor: checking ${envs.join(", ")}`);
      const rows = await doctorRows(processCheckContext(PROJECT_ROOT), envs);
      if (options.json) writeJson(rows);
      else writeData(renderDoctor(rows, painter(colorEnabled())));
      process.exitCode = rows.some((r) => r.status !== "ok" && r.blocks.length > 0) ? ExitCode.Failure : ExitCode.Ok;
    });
}
