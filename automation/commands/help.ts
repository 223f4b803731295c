import { CHECKOUT_INVOCATION } from "../invocation";

/**
 * The Examples section of a command's --help: each example as a user types it in a checkout, with
 * what it does. A test runs every example (test/cli-help.test.ts), so none of them can rot.
 */
export function examples(...lines: readonly (readonly [args: string, what: string])[]): string {
  const shown = lines.map(([args, what]) => `  $ ${CHECKOUT_INVOCATION} ${args}\n      ${what}`);
  return `\nExamples:\n${shown.join("\n")}\n`;
}

/** The examples of a command's help, as argument lists: what the help test runs. */
export function examplesOf(helpText: string): string[][] {
  const prefix = `  $ ${CHECKOUT_INVOCATION} `;
  return helpText
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .map((line) => splitArgs(line.slice(prefix.length)));
}

/** Splits a command line on spaces, keeping "double-quoted" arguments whole. */
function splitArgs(line: string): string[] {
  return (line.match(/"[^"]*"|\S+/g) ?? []).map((a) => (a.startsWith('"') ? a.slice(1, -1) : a));
}
