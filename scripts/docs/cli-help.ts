import { Command } from "commander";
import { buildProgram } from "../../automation/cli";

/** Wide enough for a table of options, narrow enough to read in a code block on GitHub. */
const HELP_WIDTH = 100;

/** `--help` of the program and of every command and subcommand (`new app`), as the CLI prints it without a terminal. */
export function cliHelp(): string {
  const program = buildProgram();
  return withSubcommands(program, [])
    .map(({ command, path }) => {
      const heading = path.length === 0 ? "`gitops-platform`" : `\`${path.join(" ")}\``;
      return `### ${heading}\n\n\`\`\`text\n${helpOf(command).trimEnd()}\n\`\`\``;
    })
    .join("\n\n");
}

function withSubcommands(command: Command, path: readonly string[]): { command: Command; path: readonly string[] }[] {
  return [{ command, path }, ...command.commands.flatMap((sub) => withSubcommands(sub, [...path, sub.name()]))];
}

function helpOf(command: Command): string {
  let text = "";
  command.configureOutput({
    writeOut: (s) => (text += s),
    getOutHelpWidth: () => HELP_WIDTH,
    getOutHasColors: () => false,
  });
  command.outputHelp();
  return text;
}
