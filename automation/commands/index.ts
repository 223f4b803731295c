import { Command } from "commander";
import { bumpImageCommand } from "./bump-image";
import { ciCommand } from "./ci";
import { destroyCommand } from "./destroy";
import { doctorCommand } from "./doctor";
import { driftCommand } from "./drift";
import { hydrateCommand } from "./hydrate";
import { newCommand } from "./new";
import { previewCommand } from "./preview";
import { promoteCommand } from "./promote";
import { statusCommand } from "./status";
import { synthCommand } from "./synth";
import { upCommand } from "./up";

/** Every CLI command, in the order `--help` lists them. One line each. */
export const commands: readonly (() => Command)[] = [
  doctorCommand, //
  synthCommand,
  hydrateCommand,
  previewCommand,
  upCommand,
  destroyCommand,
  driftCommand,
  statusCommand,
  bumpImageCommand,
  promoteCommand,
  newCommand,
  ciCommand,
];
