import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { z } from "zod";
import { CONFIG_NAMESPACE, InputError, isValueMarker, pulumiSdk, SECRET_MARKER } from "./config";

/**
 * The stack scheme (DESIGN.md, "Stacks"): one project, three layers per environment, stacks named
 * `<layer>-<env>`, and every stack of an environment reading the one file `Pulumi.<env>.yaml`, passed
 * with `--config-file`. The Pulumi CLI cannot override the project name, so the stack name is the
 * only thing that can tell the layers apart.
 */

export const PROJECT_NAME = "gitops-platform";

/** The project's directory: Pulumi.yaml, the config files of its stacks and the entry point. */
export const PROJECT_ROOT = __dirname;

/** Layers in deployment order: each reads the outputs of the ones before it. */
export const LAYERS = ["infra", "platform", "gitops"] as const;
export type Layer = (typeof LAYERS)[number];

export const ENVIRONMENTS = ["staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface StackIdentity {
  /** `<layer>-<env>`, e.g. `infra-staging`. */
  readonly name: string;
  readonly layer: Layer;
  readonly env: Environment;
  /** The config file every stack of this environment reads, e.g. `Pulumi.staging.yaml`. */
  readonly configFile: string;
}

export function configFileOf(env: Environment): string {
  return `Pulumi.${env}.yaml`;
}

/** An environment's config file, read as the Pulumi CLI hands it to the program of each of its stacks. */
export interface EnvironmentConfig {
  readonly file: string;
  /** Fully qualified key (`gitops-platform:infra`) to value; `secure:` values replaced by SECRET_MARKER. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys whose value is or contains a secret. */
  readonly secretKeys: readonly string[];
  /** The secrets provider the file records for its stacks: `secretsprovider:`, or `passphrase` for an `encryptionsalt:`. */
  readonly secretsProvider?: string;
}

/**
 * Reads `Pulumi.<env>.yaml` from `rootDir`: what every stack of `env` runs with, and what the tools
 * that run outside Pulumi (synth, hydrate, the driver) read instead. Only the Pulumi CLI can decrypt
 * a `secure:` value, so those are replaced by a marker. Errors name the file and say what is wrong.
 */
export function readEnvironmentConfig(rootDir: string, env: Environment): EnvironmentConfig {
  const file = configFileOf(env);
  const fullPath = path.join(rootDir, file);
  if (!fs.existsSync(fullPath)) {
    throw new InputError(`${file}: not found in ${rootDir}; expected the config file of the ${env} stacks`);
  }
  let document: unknown;
  try {
    document = parse(fs.readFileSync(fullPath, "utf8"));
  } catch (err) {
    throw new InputError(
      `${file}: received invalid YAML (${(err as Error).message.split("\n")[0]}); expected a Pulumi stack config file`,
    );
  }
  const settings = (document ?? {}) as { config?: unknown; secretsprovider?: unknown; encryptionsalt?: unknown };
  const config = settings.config ?? {};
  if (typeof config !== "object" || Array.isArray(config) || config === null) {
    throw new InputError(`${file}: config: received ${JSON.stringify(config)}; expected a map of keys`);
  }
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    const { value, secret } = redactSecure(rawValue);
    values[key] = value;
    if (secret) secretKeys.push(key);
  }
  const secretsProvider =
    typeof settings.secretsprovider === "string" && settings.secretsprovider
      ? settings.secretsprovider
      : settings.encryptionsalt
        ? "passphrase"
        : undefined;
  return { file, values, secretKeys, ...(secretsProvider ? { secretsProvider } : {}) };
}

function redactSecure(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(redactSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "secure") return { value: SECRET_MARKER, secret: true };
    const redacted = entries.map(([k, v]) => [k, redactSecure(v)] as const);
    return {
      value: Object.fromEntries(redacted.map(([k, r]) => [k, r.value])),
      secret: redacted.some(([, r]) => r.secret),
    };
  }
  return { value, secret: false };
}

export function stackIdentity(layer: Layer, env: Environment): StackIdentity {
  return { name: `${layer}-${env}`, layer, env, configFile: configFileOf(env) };
}

/** The command that runs `stack` correctly; every error about stack selection ends with it. */
export function upCommand(stack: StackIdentity): string {
  return `pulumi up -s ${stack.name} --config-file ${stack.configFile}`;
}

export function isEnvironment(value: string): value is Environment {
  return (ENVIRONMENTS as readonly string[]).includes(value);
}

export function isLayer(value: string): value is Layer {
  return (LAYERS as readonly string[]).includes(value);
}

export function parseStackName(name: string): StackIdentity {
  const [layer, ...rest] = name.split("-");
  const env = rest.join("-");
  if (isLayer(layer) && isEnvironment(env)) return stackIdentity(layer, env);
  const valid = ENVIRONMENTS.flatMap((e) => LAYERS.map((l) => `${l}-${e}`)).join(", ");
  throw new InputError(
    `Stack "${name}" is not named <layer>-<env>: the layer must be one of ${LAYERS.join(", ")} and the env one of ` +
      `${ENVIRONMENTS.join(", ")}. Valid stacks: ${valid}. For example: ${upCommand(stackIdentity("infra", "staging"))}`,
  );
}

/**
 * Parses the stack name and checks that the config passed in belongs to the same environment.
 * A missing `environment` is the classic "forgot --config-file" run: the CLI then reads the empty
 * `Pulumi.<layer>-<env>.yaml` instead of the environment's file.
 */
export function selectStack(stackName: string, configuredEnv: string | undefined): StackIdentity {
  const stack = parseStackName(stackName);
  if (!configuredEnv) {
    throw new InputError(
      `Stack "${stack.name}" ran without its environment's config file (gitops-platform:environment is not set). ` +
        `Pass the file explicitly, on every command: ${upCommand(stack)}`,
    );
  }
  if (configuredEnv !== stack.env) {
    throw new InputError(
      `Stack "${stack.name}" belongs to ${stack.env}, but the config passed in is for "${configuredEnv}" ` +
        `(gitops-platform:environment). Pass the ${stack.env} file: ${upCommand(stack)}`,
    );
  }
  return stack;
}

/**
 * The typed contract of one layer's stack outputs, defined once and used by both sides: the layer
 * that exports them and the layers that read them through a StackReference.
 */
export interface OutputContract<S extends z.ZodRawShape> {
  readonly layer: Layer;
  readonly schema: z.ZodObject<S>;
  /** Outputs exported as Pulumi secrets (a kubeconfig, a token): never shown in plaintext. */
  readonly secrets: readonly (keyof S & string)[];
}

/** What a layer program returns: every output of its contract, as a Pulumi input. */
export type StackOutputs<S extends z.ZodRawShape> = { [K in keyof S]: pulumi.Input<z.output<S[K]>> };

/** What a downstream layer sees: every output of the contract, typed and validated. */
export type StackOutputReader<S extends z.ZodRawShape> = { readonly [K in keyof S]: pulumi.Output<z.output<S[K]>> };

export function defineOutputContract<S extends z.ZodRawShape>(contract: OutputContract<S>): OutputContract<S> {
  return contract;
}

/**
 * Exports `values` with the contract's secret outputs wrapped as Pulumi secrets. An optional output
 * left undefined is omitted: the engine drops it anyway, with a warning on every run.
 */
export function exportOutputs<S extends z.ZodRawShape>(
  contract: OutputContract<S>,
  values: StackOutputs<S>,
): StackOutputs<S> {
  const exported: Record<string, unknown> = Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  );
  for (const key of contract.secrets) exported[key] = pulumiSdk().secret(values[key]);
  return exported as StackOutputs<S>;
}

/** The fully qualified name of another stack of this project. A self-hosted backend reports the org as `organization`. */
export function stackReferenceName(target: StackIdentity): string {
  return `${pulumiSdk().getOrganization()}/${PROJECT_NAME}/${target.name}`;
}

/**
 * Reads the outputs of `contract.layer` in the same environment as `stack`. Each output is parsed
 * with the contract's schema where it enters this program, so a drifted upstream fails loudly here.
 */
export function readStackOutputs<S extends z.ZodRawShape>(
  stack: StackIdentity,
  contract: OutputContract<S>,
  opts?: pulumi.CustomResourceOptions,
): StackOutputReader<S> {
  const target = stackIdentity(contract.layer, stack.env);
  const ref = new (pulumiSdk().StackReference)(target.name, { name: stackReferenceName(target) }, opts);
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  for (const [key, schema] of Object.entries(contract.schema.shape)) {
    outputs[key] = ref.requireOutput(key).apply((value) => {
      // Offline (synth, the e2e tier), another stack's output is a marker, not a value to judge:
      // an enum output such as platformPhase would otherwise fail its contract on the placeholder.
      if (isValueMarker(value)) return value;
      const parsed = (schema as z.ZodType).safeParse(value);
      if (!parsed.success) {
        throw new InputError(
          `Output "${key}" of stack ${target.name} does not match its contract: ${parsed.error.issues[0].message}`,
        );
      }
      return parsed.data;
    });
  }
  return outputs as StackOutputReader<S>;
}
