import { Command, InvalidArgumentError, Option } from "commander";
import { Environment } from "../../stack";
import { ExitCode } from "../exit-codes";
import { cliInvocation } from "../invocation";
import { jsonOption, parseEnv } from "../options";
import { writeData, writeJson } from "../output";
import { examples } from "./help";

interface NewAppCommandOptions {
  readonly image?: string;
  readonly port?: number;
  readonly envs?: readonly Environment[];
  readonly json?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`received "${value}"; expected a port number from 1 to 65535.`);
  }
  return port;
}

function parseEnvs(value: string): Environment[] {
  return value.split(",").map((v) => parseEnv(v.trim()));
}

export function newCommand(): Command {
  const app = new Command("app")
    .description("Add an app to the catalog: app.yaml, one file per environment, and its namespace in appNamespaces")
    .argument("<name>", "the app's name: its directory, namespace and main objects (a DNS label)")
    .addOption(new Option("--image <repository:tag>", "its image (default: podinfo, the demo's image)"))
    .addOption(
      new Option("--port <port>", "the port it listens on (default: 9898 for podinfo, else 8080)").argParser(parsePort),
    )
    .addOption(
      new Option(
        "--envs <env,env>",
        "the environments it runs in (default: all); the others get no file, so it is absent there",
      ).argParser(parseEnvs),
    )
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples([
        "new app api --image ghcr.io/stefanprodan/podinfo:6.7.1 --port 9898 --envs staging --json",
        "api, in staging only",
      ]) + "\nExit codes: 0 written, 2 bad input (nothing written).",
    )
    .exitOverride()
    .action(async (name: string, options: NewAppCommandOptions) => {
      const [{ newApp }, { PROJECT_ROOT }] = await Promise.all([import("../scaffold/new-app"), import("../../stack")]);
      const result = newApp({
        rootDir: PROJECT_ROOT,
        name,
        image: options.image,
        port: options.port,
        envs: options.envs,
      });
      if (options.json) writeJson(result);
      else {
        const cli = cliInvocation();
        writeData(
          [
            `new app ${result.app}:`,
            ...result.written.map((f) => `  + ${f}`),
            ...result.namespacesAdded.map((f) => `  ~ ${f}: gitops-platform:platform.appNamespaces += ${result.app}`),
            "",
            "Next:",
            ...result.envs.map((env) => `  ${cli} hydrate --env ${env}          # render it into ${env}'s state repo`),
            `  ${cli} bump-image --app ${result.app} --env ${result.envs[0]} --tag <tag>   # deploy a new image`,
            `  git add gitops/apps/${result.app} ${result.namespacesAdded.join(" ")}`.trimEnd(),
          ].join("\n"),
        );
      }
      process.exitCode = ExitCode.Ok;
    });

  const env = new Command("env")
    .description("Add an environment: its config file copied from another one, with that environment's names changed")
    .argument("<name>", "the new environment's name (it names the stacks <layer>-<name> and Pulumi.<name>.yaml)")
    .addOption(new Option("--from <env>", "the environment to copy").argParser(parseEnv).makeOptionMandatory())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(["new env qa --from staging --json", "Pulumi.qa.yaml and each app's qa.yaml, from staging's"]) +
        "\nComments and formatting are kept; the values that name the source environment are renamed, and the\n" +
        "tier, promotion order, account, network, admin roles and hosted zones are listed for review. Every\n" +
        "command knows the new environment at once: environments are discovered from their config files.\n" +
        "Exit codes: 0 written, 2 bad input (nothing written).",
    )
    .exitOverride()
    .action(async (name: string, options: { from: Environment; json?: boolean }) => {
      const [{ newEnv }, { PROJECT_ROOT }] = await Promise.all([import("../scaffold/new-env"), import("../../stack")]);
      const result = newEnv(PROJECT_ROOT, name, options.from);
      if (options.json) writeJson(result);
      else {
        writeData(
          [
            `new env ${result.env} (from ${result.from}):`,
            ...result.written.map((f) => `  + ${f}`),
            "",
            `Renamed in ${result.written[0]}:`,
            ...result.renamed.map((c) => `  ${c.path}: ${c.before} -> ${c.after}`),
            "",
            `Copied unchanged from ${result.from}; a new environment usually sets its own:`,
            ...result.review.map((key) => `  ${key}`),
            "",
            `Next: review those keys, create its state repo, then commit the files; every command finds ${result.env}`,
            `from its file (${cliInvocation()} synth --env ${result.env} shows what it declares).`,
          ].join("\n"),
        );
      }
      process.exitCode = ExitCode.Ok;
    });

  return new Command("new")
    .description("Scaffold an app of the catalog or an environment")
    .addCommand(app)
    .addCommand(env)
    .addHelpText(
      "after",
      examples(
        ["new app --help", "the app scaffold's options"],
        ["new env --help", "the environment scaffold's options"],
      ) + "\nExit codes: 0 written, 2 bad input (nothing written).",
    );
}
