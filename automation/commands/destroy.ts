import * as readline from "node:readline/promises";
import { Command, Option } from "commander";
import { InputError } from "../../config";
import { Environment } from "../../stack";
import type { ClusterTeardownFactory } from "../driver/cluster-teardown";
import type { DestroyStep } from "../driver/destroy";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption } from "../options";
import { cliDeps, CommandDeps, preflight } from "./deps";
import { examples } from "./help";

export interface DestroyOptions {
  readonly env: Environment;
  readonly yes?: boolean;
  readonly json?: boolean;
}

/** Asks on the terminal; resolves true only for the exact answer. */
export type Confirm = (question: string, expected: string) => Promise<boolean>;

export function destroyCommand(): Command {
  return new Command("destroy")
    .description("Tear an environment down in the safe order: gitops and Applications, load balancers, platform, infra")
    .addOption(envOption())
    .addOption(new Option("-y, --yes", "do not ask for confirmation (required without a terminal)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["destroy --env staging", "asks you to type the environment's name first"],
        ["destroy --env staging --yes --json", "without asking (CI), the steps as JSON"],
      ) +
        "\nOrder: gitops-<env> (Applications, while Argo CD runs), remaining Applications (waiting for their\n" +
        "finalizers), LoadBalancer Services and Ingresses (so AWS load balancers do not block the VPC),\n" +
        "platform-<env>, infra-<env>. Every step is safe to repeat: after a failure, run the same command.\n" +
        "The cluster steps need kubectl and the aws CLI (doctor checks them).\n" +
        "Exit codes: 0 destroyed, 1 a step failed, 2 bad input, a missing prerequisite or not confirmed.",
    )
    .action(async (options: DestroyOptions) => {
      const { defaultClusterTeardown } = await import("../driver/cluster-teardown");
      process.exitCode = await runDestroyCommand(options, await cliDeps(), defaultClusterTeardown, terminalConfirm);
    });
}

export async function runDestroyCommand(
  options: DestroyOptions,
  deps: CommandDeps,
  clusterTeardown: ClusterTeardownFactory,
  confirm: Confirm,
): Promise<ExitCode> {
  await preflight("destroy", options.env, deps);
  if (!options.yes) {
    const question =
      `This destroys every resource of ${options.env}: its cluster, its apps, its network. ` +
      `Type the environment name (${options.env}) to go on: `;
    if (!(await confirm(question, options.env))) {
      throw new InputError(
        `destroy --env ${options.env}: not confirmed; expected the answer "${options.env}" or --yes`,
      );
    }
  }
  const [{ DestroyStoppedError, runDestroy }, { describeCounts }] = await Promise.all([
    import("../driver/destroy"),
    import("../driver/up"),
  ]);
  const renderDestroy = (steps: readonly DestroyStep[]): string => {
    const lines = [`destroy ${options.env}:`];
    for (const step of steps) {
      lines.push(
        step.kind === "stack"
          ? `  ${step.stack.padEnd(22)} ${describeCounts(step.changes)}`
          : `  ${step.what.padEnd(22)} ${step.deleted.length > 0 ? step.deleted.join(", ") : "none"}`,
      );
    }
    return `${lines.join("\n")}\n`;
  };
  const report = (steps: readonly DestroyStep[], error?: string) =>
    options.json
      ? JSON.stringify({ env: options.env, steps, ...(error ? { error } : {}) }, null, 2)
      : renderDestroy(steps);
  try {
    deps.write(report(await runDestroy(options.env, deps.context, clusterTeardown)));
    return ExitCode.Ok;
  } catch (err) {
    if (!(err instanceof DestroyStoppedError)) throw err;
    deps.context.log(err.message);
    deps.write(report(err.done, err.message));
    return ExitCode.Failure;
  }
}

const terminalConfirm: Confirm = async (question, expected) => {
  if (!process.stdin.isTTY) {
    throw new InputError("destroy: no terminal to ask for confirmation on; expected --yes");
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim() === expected;
  } finally {
    rl.close();
  }
};
