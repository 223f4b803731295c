import { InvalidArgumentError, Option } from "commander";
import { shownValue } from "../config";
import { ENVIRONMENTS, Environment, isEnvironment, isLayer, Layer, LAYERS } from "../stack";

/** `--env`, shared by every command that acts on one environment. */
export function envOption(): Option {
  return new Option("-e, --env <env>", `environment: ${ENVIRONMENTS.join(" | ")}`)
    .makeOptionMandatory()
    .argParser(parseEnv);
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

export function parseEnv(value: string): Environment {
  if (!isEnvironment(value))
    throw new InvalidArgumentError(`received ${shownValue(value)}; expected one of ${ENVIRONMENTS.join(", ")}.`);
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
