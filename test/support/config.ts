import { readStackConfigFile, StackConfigFile } from "../../automation/config-file";
import { REPO_ROOT } from "../../automation/synth/synth";
import { Environment } from "../../stack";

/** The real, shipped config file of `env`. */
export function shippedConfig(env: Environment): StackConfigFile {
  return readStackConfigFile(REPO_ROOT, env);
}

/** A copy of `config` with one key replaced: how tests feed a layer bad input. */
export function withValue(config: StackConfigFile, key: string, value: unknown): StackConfigFile {
  const values: Record<string, unknown> = structuredClone({ ...config.values });
  if (value === undefined) delete values[key];
  else values[key] = value;
  return { ...config, values };
}

/** A deep copy of one structured section, for a test to edit before `withValue`. */
export function sectionOf(config: StackConfigFile, key: string): Record<string, unknown> {
  return structuredClone(config.values[key]) as Record<string, unknown>;
}
