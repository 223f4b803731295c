import * as assert from "node:assert/strict";
import { ResourceRecord } from "../../automation/synth/mock-engine";
import { COMPONENTS, Owner } from "../../platform/components";
import { PlatformPhase } from "../../platform/phase-names";
import { Environment, EnvironmentConfig } from "../../stack";
import { sectionOf, shippedConfig, withValue } from "./config";
import { synth } from "./engine";

export const PLATFORM_KEY = "gitops-platform:platform";

type Section = Record<string, unknown> & {
  releases: Record<string, Record<string, unknown>>;
  stateRepo: Record<string, unknown>;
};

/** The shipped config of `env` with its platform section changed by `edit` (a deep copy). */
export function platformConfig(env: Environment, edit: (section: Section) => void = () => {}): EnvironmentConfig {
  const section = sectionOf(shippedConfig(env), PLATFORM_KEY) as Section;
  edit(section);
  return withValue(shippedConfig(env), PLATFORM_KEY, section);
}

/** Every release owned by `owner`. */
export function allOwnedBy(owner: Owner): (section: Section) => void {
  return (section) => {
    for (const c of COMPONENTS) section.releases[c].owner = owner;
  };
}

/** `config` with secret config keys set, as the Pulumi CLI passes decrypted secrets to a program. */
export function withSecrets(config: EnvironmentConfig, secrets: Record<string, string>): EnvironmentConfig {
  const values = { ...config.values };
  for (const [key, value] of Object.entries(secrets)) values[`gitops-platform:${key}`] = value;
  const secretKeys = [...config.secretKeys, ...Object.keys(secrets).map((k) => `gitops-platform:${k}`)];
  return { ...config, values, secretKeys };
}

/** Runs the platform layer of `env` with `config`, in `phase` (the steady state by default), and returns what it declared. */
export async function synthPlatform(
  env: Environment,
  config: EnvironmentConfig,
  phase?: PlatformPhase,
): Promise<readonly ResourceRecord[]> {
  const result = await synth({ env, layers: ["platform"], config, platformPhase: phase });
  return result.stacks[0].resources;
}

export function find(resources: readonly ResourceRecord[], type: string, name: string): ResourceRecord {
  const found = resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `${type}::${name} not declared; got ${resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
  return found;
}

export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
export const APPLICATION_TYPE = "kubernetes:argoproj.io/v1alpha1:Application";
export const APP_PROJECT_TYPE = "kubernetes:argoproj.io/v1alpha1:AppProject";
export const SECRET_TYPE = "kubernetes:core/v1:Secret";

/** The child Applications the root Application renders, by name, as registered. */
export function childApplications(resources: readonly ResourceRecord[]): Record<string, Record<string, unknown>> {
  const root = find(resources, APPLICATION_TYPE, "argocd-root").inputs;
  return dig(root, "spec", "source", "helm", "valuesObject", "applications") as Record<string, Record<string, unknown>>;
}

/** The value at `path` inside a registered JSON value (undefined where the path stops). */
export function dig(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The values a child Application hands to Helm. */
export function applicationValues(app: Record<string, unknown>): unknown {
  return dig(app, "source", "helm", "valuesObject");
}
