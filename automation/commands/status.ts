import { Command, Option } from "commander";
import { Environment } from "../../stack";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption } from "../options";
import { colorEnabled, logProgress, painter, writeData, writeJson } from "../output";
import { examples } from "./help";

interface StatusOptions {
  readonly env: Environment;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly json?: boolean;
}

export function statusCommand(): Command {
  return new Command("status")
    .description(
      "Per app: the commit that last hydrated it, and Argo CD's sync, health and running revision; per platform release: owner and state",
    )
    .addOption(envOption())
    .addOption(
      new Option("--kubeconfig <file>", "kubeconfig of the cluster (default: KUBECONFIG, else ~/.kube/config)"),
    )
    .addOption(new Option("--context <name>", "kubeconfig context (default: the one for the environment's cluster)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(["status --env staging --json", "staging's apps and releases, as JSON"]) +
        "\nSync and health come from the live Application objects (kubectl get applications.argoproj.io -n argocd);\n" +
        "without kubectl or a kubeconfig context for the cluster they show as ? and the reason is printed.\n" +
        "Exit codes: 0 printed (every part read), 1 the state repo or the Applications could not be read, 2 bad input.",
    )
    .action(async (options: StatusOptions) => {
      const [{ gatherStatus }, { argoSourceFor }, { renderStatus }, { processCheckContext }, { PROJECT_ROOT }] =
        await Promise.all([
          import("../status/gather"),
          import("../status/argo-source"),
          import("../status/render"),
          import("../doctor/probe"),
          import("../../stack"),
        ]);
      const argo = argoSourceFor(processCheckContext(PROJECT_ROOT), options.env, options);
      logProgress(`status: ${options.env}: reading the state repo${"kubectl" in argo ? " and the Applications" : ""}`);
      const report = await gatherStatus(options.env, { rootDir: PROJECT_ROOT }, argo);
      if (options.json) writeJson(report);
      else writeData(renderStatus(report, painter(colorEnabled())));
      process.exitCode = report.stateRepo.error || !report.argo.read ? ExitCode.Failure : ExitCode.Ok;
    });
}
