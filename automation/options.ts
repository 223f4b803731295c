import { InvalidArgumentError, Option } from "commander";
import { shownValue } from "../config";
import { loadFleet } from "../environments";
import { discoverEnvironments, Environment, isEnvironmentName, isLayer, Layer, LAYERS } from "../stack";

/** `--env`, shared by every command that acts on one environment; `mandatory: false` where it narrows a command over every one. */
export function envOption(mandatory = true): Option {
  const option = new Option("-e, --env <env>", `environment: ${environmentChoices()}`).argParser(parseEnv);
  return mandatory ? option.makeOptionMandatory() : option;
}

/** `--layer`; without it a command acts on every layer, in deployment order. */
export function layerOption(): Option {
  return new Option("-l, --layer <layer>", `one layer: ${LAYERS.join(" | ")} (default: all, in order)`).argParser(
    parseLayer,
  );
}

export function jsonOption(): Option {
  return new Option("--json", "machine-readable output on stdout");
}

/** The environments of this project (one per Pulumi.<env>.yaml), as help text lists them. */
function environmentChoices(): string {
  try {
    return discoverEnvironments().join(" | ");
  } catch {
    // A misnamed config file is reported when a command runs; help must still print.
    return "one per Pulumi.<env>.yaml";
  }
}

/**
 * An existing environment: one with its `Pulumi.<env>.yaml` in this project. The whole fleet is
 * checked first (docs/config.md, "Environments"), so no command starts on a broken set of files.
 */
export function parseEnv(value: string): Environment {
  const existing = loadFleet().environments.map((e) => e.name);
  if (!existing.includes(value)) {
    // The name goes into the file name only when it can be one: a long or odd value is quoted, cut.
    const why = isEnvironmentName(value) ? `which has no Pulumi.${value}.yaml` : "which is not an environment name";
    throw new InvalidArgumentError(`received ${shownValue(value)}, ${why}; expected one of ${existing.join(", ")}.`);
  }
  return value;
}

export function parseLayer(value: string): Layer {
  if (!isLayer(value))
    throw new InvalidArgumentError(`received ${shownValue(value)}; expected one of ${LAYERS.join(", ")}.`);
  return value;
}

export function layersOf(layer: Layer | undefined): readonly Layer[] {
  return layer ? [layer] : LAYERS;
}
