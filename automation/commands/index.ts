import { Command } from "commander";
import { hydrateCommand } from "./hydrate";
import { synthCommand } from "./synth";

/** Every CLI command, in the order `--help` lists them. One line each. */
export const commands: readonly (() => Command)[] = [
  synthCommand, //
  hydrateCommand,
];
