import * as fs from "node:fs";
import * as path from "node:path";
import {
  assertKnownConfigKeys,
  CONFIG_NAMESPACE,
  InputError,
  keyPath,
  SECRET_CONFIG_KEYS,
  SECRET_MARKER,
  shownValue,
} from "./config";
import { readYamlFile } from "./input-files";

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

/**
 * An environment's name: the `<env>` of its file `Pulumi.<env>.yaml` and of its stacks. Which
 * environments exist is data (the files present, see discoverEnvironments), so this is a plain string.
 */
export type Environment = string;

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
  const settings = settingsOf(readYamlFile(fullPath, rootDir, { file, expected: "a Pulumi stack config file" }), file);
  const config = settings.config ?? {};
  if (!isRecord(config)) {
    throw new InputError(`${file}: config: received ${shownValue(config)}; expected a map of keys`);
  }
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    const { value, secretAt } = redactSecure(rawValue, []);
    values[key] = value;
    if (secretAt) {
      assertSecretKey(file, key, secretAt);
      secretKeys.push(key);
    }
  }
  assertKnownConfigKeys(Object.keys(values), file);
  assertConfigEnvironment(env, values[`${CONFIG_NAMESPACE}:environment`], { file });
  const secretsProvider =
    typeof settings.secretsprovider === "string" && settings.secretsprovider
      ? settings.secretsprovider
      : settings.encryptionsalt
        ? "passphrase"
        : undefined;
  return { file, values, secretKeys, ...(secretsProvider ? { secretsProvider } : {}) };
}

interface StackSettings {
  readonly config?: unknown;
  readonly secretsprovider?: unknown;
  readonly encryptionsalt?: unknown;
}

/** The file's top level: a map, which an empty file or a YAML list is not. */
function settingsOf(document: unknown, file: string): StackSettings {
  if (document === null || document === undefined) {
    throw new InputError(`${file}: received an empty file; expected a Pulumi stack config file with a config: map`);
  }
  if (!isRecord(document)) {
    const what = Array.isArray(document) ? "a YAML list" : `the scalar ${shownValue(document)}`;
    throw new InputError(`${file}: received ${what} at the top level; expected a map with a config: key`);
  }
  return document;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A `secure:` value belongs in a secret key of its own, never inside a section: the tools that run
 * outside Pulumi (synth, hydrate) read the sections and cannot decrypt it, and an error would have
 * to quote around it.
 */
function assertSecretKey(file: string, key: string, at: readonly PropertyKey[]): void {
  const prefix = `${CONFIG_NAMESPACE}:`;
  if (!key.startsWith(prefix) || (key.slice(prefix.length) in SECRET_CONFIG_KEYS && at.length === 0)) return;
  throw new InputError(
    `${file}: ${keyPath(key, at)}: received a secure: value; expected secrets only in their own keys ` +
      `(${Object.keys(SECRET_CONFIG_KEYS)
        .map((k) => `${CONFIG_NAMESPACE}:${k}`)
        .join(", ")}), never inside a section`,
  );
}

function redactSecure(value: unknown, at: readonly PropertyKey[]): { value: unknown; secretAt?: PropertyKey[] } {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => redactSecure(item, [...at, i]));
    return { value: items.map((i) => i.value), secretAt: items.find((i) => i.secretAt)?.secretAt };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "secure") return { value: SECRET_MARKER, secretAt: [...at] };
    const redacted = entries.map(([k, v]) => [k, redactSecure(v, [...at, k])] as const);
    return {
      value: Object.fromEntries(redacted.map(([k, r]) => [k, r.value])),
      secretAt: redacted.find(([, r]) => r.secretAt)?.[1].secretAt,
    };
  }
  return { value };
}

export function stackIdentity(layer: Layer, env: Environment): StackIdentity {
  return { name: `${layer}-${env}`, layer, env, configFile: configFileOf(env) };
}

/** The command that runs `stack` correctly; every error about stack selection ends with it. */
export function upCommand(stack: StackIdentity): string {
  return `pulumi up -s ${stack.name} --config-file ${stack.configFile}`;
}

/**
 * A DNS-1123 label (RFC 1123, as Kubernetes names namespaces): lower-case letters, digits and "-",
 * starting and ending with a letter or digit, at most 63 characters. An environment's name ends up
 * in stack names, AWS tags, Argo CD labels and state repo paths, which all accept this form.
 */
const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const ENVIRONMENT_NAME_RULE =
  'a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

export function isEnvironmentName(value: string): boolean {
  return ENVIRONMENT_NAME.test(value);
}

const CONFIG_FILE = /^Pulumi\.(.+)\.(yaml|yml)$/;

/**
 * The environments of the project at `rootDir`, sorted: one per `Pulumi.<env>.yaml`. A file whose
 * `<env>` is not a DNS-1123 label is refused, naming it. `Pulumi.<layer>-<env>.yaml` of an existing
 * environment is a stack's own file, which `pulumi stack init` writes (and .gitignore ignores): it
 * is not an environment, so no environment may be named `<layer>-...`.
 */
export function discoverEnvironments(rootDir: string = PROJECT_ROOT): Environment[] {
  const candidates: { file: string; name: string; extension: string }[] = [];
  for (const file of fs.readdirSync(rootDir)) {
    const match = CONFIG_FILE.exec(file);
    if (match) candidates.push({ file, name: match[1], extension: match[2] });
  }
  const names = new Set(candidates.map((c) => c.name));
  const environments: Environment[] = [];
  for (const { file, name, extension } of candidates) {
    const layer = LAYERS.find((l) => name.startsWith(`${l}-`));
    if (layer && names.has(name.slice(layer.length + 1))) continue;
    if (extension !== "yaml") {
      throw new InputError(`${file}: received a .${extension} config file; expected Pulumi.${name}.yaml`);
    }
    if (!isEnvironmentName(name)) {
      throw new InputError(
        `${file}: environment name "${name}" is invalid; expected ${ENVIRONMENT_NAME_RULE} (it names the stacks <layer>-<env>)`,
      );
    }
    if (layer) {
      throw new InputError(
        `${file}: environment name "${name}" starts with the layer name "${layer}-"; expected a name that does not ` +
          `(Pulumi.${layer}-<env>.yaml is the file pulumi stack init writes for the stack ${layer}-<env>; ` +
          `delete it if ${name.slice(layer.length + 1)} no longer exists)`,
      );
    }
    environments.push(name);
  }
  // Stryker disable next-line MethodExpression: readdirSync's names come sorted (libuv's scandir sorts with strcmp on Unix); the sort states the contract
  return environments.sort();
}

export function isLayer(value: string): value is Layer {
  return (LAYERS as readonly string[]).includes(value);
}

/** `<layer>-<env>` split by its form alone (no file is read); undefined when it has another form. */
export function splitStackName(name: string): { readonly layer: Layer; readonly env: Environment } | undefined {
  const [layer, ...rest] = name.split("-");
  const env = rest.join("-");
  return isLayer(layer) && isEnvironmentName(env) ? { layer, env } : undefined;
}

/** The stack `name` of the project at `rootDir`, whose environment must exist there. */
export function parseStackName(name: string, rootDir: string = PROJECT_ROOT): StackIdentity {
  const split = splitStackName(name);
  const environments = discoverEnvironments(rootDir);
  if (split && environments.includes(split.env)) return stackIdentity(split.layer, split.env);
  const layers = `the layer must be one of ${LAYERS.join(", ")}`;
  if (environments.length === 0) {
    throw new InputError(
      `Stack "${name}" is not named <layer>-<env>: ${layers}, and the project has no environment yet; expected a ` +
        `Pulumi.<env>.yaml in ${rootDir}`,
    );
  }
  const valid = environments.flatMap((e) => LAYERS.map((l) => `${l}-${e}`)).join(", ");
  throw new InputError(
    `Stack "${name}" is not named <layer>-<env>: ${layers} and the env one of ${environments.join(", ")} ` +
      `(a Pulumi.<env>.yaml each). Valid stacks: ${valid}. For example: ${upCommand(stackIdentity("infra", environments[0]))}`,
  );
}

/**
 * Parses the stack name and checks that the config passed in belongs to the same environment.
 * A missing `environment` is the classic "forgot --config-file" run: the CLI then reads the empty
 * `Pulumi.<layer>-<env>.yaml` instead of the environment's file.
 */
export function selectStack(stackName: string, configuredEnv: string | undefined): StackIdentity {
  const stack = parseStackName(stackName);
  assertConfigEnvironment(stack.env, configuredEnv, { stack });
  return stack;
}

/**
 * The guard against running one environment with another's config (DESIGN.md, "Stacks"), in one
 * place for both readers of `gitops-platform:environment`: a stack's program, given its config by
 * the Pulumi CLI, and the tools that read `Pulumi.<env>.yaml` themselves (synth, hydrate, the
 * driver), whose file must name the environment it is named for.
 */
export function assertConfigEnvironment(
  env: Environment,
  configuredEnv: unknown,
  reader: { readonly stack: StackIdentity } | { readonly file: string },
): void {
  if (configuredEnv === env) return;
  const key = `${CONFIG_NAMESPACE}:environment`;
  if ("file" in reader) {
    const received = configuredEnv === undefined ? "nothing (the key is missing)" : shownValue(configuredEnv);
    throw new InputError(
      `${reader.file}: ${key}: received ${received}; expected "${env}": this file holds the config of the ${env} ` +
        "stacks and must say so",
    );
  }
  const { stack } = reader;
  if (!configuredEnv) {
    throw new InputError(
      `Stack "${stack.name}" ran without its environment's config file (${key} is not set). ` +
        `Pass the file explicitly, on every command: ${upCommand(stack)}`,
    );
  }
  throw new InputError(
    `Stack "${stack.name}" belongs to ${stack.env}, but the config passed in is for ${shownValue(configuredEnv)} ` +
      `(${key}). Pass the ${stack.env} file: ${upCommand(stack)}`,
  );
}
