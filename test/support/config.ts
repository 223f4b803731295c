import { REPO_ROOT } from "../../automation/synth/synth";
import { Environment, EnvironmentConfig, readEnvironmentConfig } from "../../stack";

/** The real, shipped config file of `env`. */
export function shippedConfig(env: Environment): EnvironmentConfig {
  return readEnvironmentConfig(REPO_ROOT, env);
}

/** A copy of `config` with one key replaced: how tests feed a layer bad input. */
export function withValue(config: EnvironmentConfig, key: string, value: unknown): EnvironmentConfig {
  const values: Record<string, unknown> = structuredClone({ ...config.values });
  if (value === undefined) delete values[key];
  else values[key] = value;
  return { ...config, values };
}

/** A deep copy of one structured section, for a test to edit before `withValue`. */
export function sectionOf(config: EnvironmentConfig, key: string): Record<string, unknown> {
  return structuredClone(config.values[key]) as Record<string, unknown>;
}
