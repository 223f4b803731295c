import { Command } from "commander";
import { buildProgram } from "../../automation/cli";

/** Wide enough for a table of options, narrow enough to read in a code block on GitHub. */
const HELP_WIDTH = 100;

/** `--help` of the program and of every command, as the CLI prints it without a terminal. */
export function cliHelp(): string {
  const program = buildProgram();
  return [program, ...program.commands]
    .map((command) => {
      const heading = command === program ? "`gitops-platform`" : `\`${command.name()}\``;
      return `### ${heading}\n\n\`\`\`text\n${helpOf(command).trimEnd()}\n\`\`\``;
    })
    .join("\n\n");
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
