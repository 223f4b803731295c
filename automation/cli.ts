import { Command, CommanderError } from "commander";
import { InputError, truncated } from "../config";
import { commands } from "./commands";
import { examples } from "./commands/help";
import { ExitCode } from "./exit-codes";
import { endQuietlyWhenStdoutCloses, logProgress } from "./output";
import { versionText } from "./versions";

/**
 * `gitops-platform <command>`: the CLI and CI driver. Data goes to stdout, progress and logs to
 * stderr. Exit codes: 0 ok, 1 failure, 2 bad input or usage, 3 changes or drift found.
 */
export function buildProgram(): Command {
  const output = {
    writeOut: (s: string) => process.stdout.write(s),
    writeErr: (s: string) => process.stderr.write(s),
    // Commander quotes a refused argument whole in its usage errors; cut it like every other received value.
    outputError: (s: string, write: (text: string) => void) => write(s.replace(/[^\s'"…]{201,}/g, truncated)),
  };
  const program = new Command("gitops-platform")
    .description(
      "GitOps on EKS with Pulumi: doctor, synth, hydrate, preview, up, destroy, drift, status, bump-image, promote, new and ci",
    )
    .version(versionText(), "-V, --version", "print the version of gitops-platform and the Pulumi SDK and CLI it pins")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput(output)
    .exitOverride();
  for (const command of commands) program.addCommand(command().configureOutput(output).exitOverride());
  program.addHelpText(
    "after",
    examples(
      ["doctor", "what real use needs, and what is missing"],
      ["synth --env staging --layer infra", "every resource a layer declares, offline"],
      ["status --env staging --json", "what Argo CD runs, per app"],
    ) + "\nExit codes: 0 ok, 1 failure, 2 bad input or usage, 3 changes or drift found.",
  );
  return program;
}

/** Runs the CLI and returns its exit code. This is the only top-level catch. */
export async function main(argv: readonly string[]): Promise<number> {
  process.exitCode = ExitCode.Ok;
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
    return Number(process.exitCode ?? ExitCode.Ok);
  } catch (err) {
    return exitCodeOf(err);
  }
}

async function exitCodeOf(err: unknown): Promise<number> {
  if (err instanceof CommanderError) {
    // Commander has already printed the usage error; --help and --version end here too.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  }
  // A program's own bad input, reported by the SDK; its errors module is loaded only on this path.
  const isRunError = (value: unknown) => import("@pulumi/pulumi/errors").then((e) => e.RunError.isInstance(value));
  if (err instanceof InputError || (await isRunError(err))) {
    logProgress(`error: ${(err as Error).message}`);
    return ExitCode.BadInput;
  }
  logProgress(`error: ${err instanceof Error ? (process.env.DEBUG ? err.stack : err.message) : String(err)}`);
  return ExitCode.Failure;
}

if (require.main === module) {
  endQuietlyWhenStdoutCloses();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`fatal: ${String(err)}\n`);
      process.exitCode = ExitCode.Failure;
    },
  );
}
