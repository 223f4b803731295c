import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { InputError } from "../../config";
import { configFileOf, Environment, readEnvironmentConfig, StackIdentity } from "../../stack";

/**
 * The Automation API workspace over this repository, exactly as admins run it by hand: the local
 * program in the repo root (never `projectSettings`, which would overwrite Pulumi.yaml), stacks
 * `<layer>-<env>` created or selected, and `--config-file Pulumi.<env>.yaml` on every operation.
 * The workspace's setConfig/getConfig are never used: they ignore the config file.
 */

/**
 * The CLI installed when none is on PATH: the version of the SDK the lockfile pins, so the CLI and
 * the Automation API always match. Installing needs the internet (get.pulumi.com).
 */
export const PINNED_CLI_VERSION = sdkVersion;

export interface PulumiCommandSources {
  /** The `pulumi` on PATH. */
  readonly fromPath: () => Promise<PulumiCommand>;
  /** Downloads and installs PINNED_CLI_VERSION into ~/.pulumi/versions/, or fails offline. */
  readonly install: () => Promise<PulumiCommand>;
}

export const defaultCommandSources: PulumiCommandSources = {
  fromPath: () => PulumiCommand.get(),
  // Without a version, PulumiCommand.install installs the SDK's own version: PINNED_CLI_VERSION.
  install: () => PulumiCommand.install(),
};

/** The `pulumi` on PATH, else the pinned version installed with PulumiCommand.install. */
export async function resolvePulumiCommand(
  sources: PulumiCommandSources = defaultCommandSources,
  log: (message: string) => void = () => undefined,
): Promise<PulumiCommand> {
  try {
    return await sources.fromPath();
  } catch (pathError) {
    log(`pulumi: not found on PATH (${firstLine(pathError)}); installing v${PINNED_CLI_VERSION}`);
    try {
      return await sources.install();
    } catch (installError) {
      throw new Error(
        `the pulumi CLI is not on PATH, and installing v${PINNED_CLI_VERSION} with PulumiCommand.install failed ` +
          `(${firstLine(installError)}). Installing downloads from get.pulumi.com, so it cannot work offline: ` +
          `install the CLI (https://www.pulumi.com/docs/install/) and put it on PATH, then run again.`,
      );
    }
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l && !/^code: /.test(l));
  return (line ?? text).replace(/^stderr: /, "").slice(0, 300);
}

/** Where state lives and which secrets provider new stacks get. */
export interface BackendSettings {
  /** The backend URL; the CLI reads it from PULUMI_BACKEND_URL. */
  readonly url: string;
  /** True when nothing was configured and the embedded default (a file backend in `.pulumi/`) is used. */
  readonly embedded: boolean;
  /** Passed to `pulumi stack init`; undefined lets the backend choose its default. */
  readonly secretsProvider?: string;
}

/**
 * The backend from PULUMI_BACKEND_URL; with none set, the embedded default: a local file backend in
 * the project's git-ignored `.pulumi/` (the same place docs/operations.md's `pulumi login` points to), with a
 * passphrase secrets provider. The environment's config file decides the provider when it records
 * one (`secretsprovider:`, or `encryptionsalt:` for a passphrase), because its three stacks share it.
 */
export function backendSettings(
  rootDir: string,
  env: Environment,
  processEnv: NodeJS.ProcessEnv = process.env,
): BackendSettings {
  const recorded = readEnvironmentConfig(rootDir, env).secretsProvider;
  const configured = processEnv.PULUMI_BACKEND_URL;
  if (configured) return { url: configured, embedded: false, secretsProvider: recorded };
  return { url: `file://${path.join(rootDir, ".pulumi")}`, embedded: true, secretsProvider: recorded ?? "passphrase" };
}

/** Fails before any CLI call when a passphrase provider is in use but no passphrase is given. */
export function requirePassphrase(
  backend: BackendSettings,
  env: Environment,
  processEnv: NodeJS.ProcessEnv = process.env,
): void {
  if (backend.secretsProvider !== "passphrase") return;
  if (processEnv.PULUMI_CONFIG_PASSPHRASE !== undefined || processEnv.PULUMI_CONFIG_PASSPHRASE_FILE) return;
  const why = backend.embedded ? "the embedded file backend uses" : `${configFileOf(env)} records`;
  throw new InputError(
    `no passphrase: ${why} a passphrase secrets provider for the ${env} stacks; ` +
      "expected PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to be set",
  );
}

/**
 * On a GitHub Actions runner the embedded backend would be thrown away with the runner, and the
 * next deploy would create every resource again: there, a backend must be configured.
 */
export function requireDurableBackend(backend: BackendSettings, processEnv: NodeJS.ProcessEnv = process.env): void {
  if (!backend.embedded || processEnv.GITHUB_ACTIONS !== "true") return;
  throw new InputError(
    "PULUMI_BACKEND_URL: received nothing on a GitHub Actions runner, where the embedded file backend would be " +
      "discarded with the runner; expected a shared backend (s3://<bucket>, https://api.pulumi.com)",
  );
}

/** Everything needed to open the stacks of one environment. */
export interface WorkspaceContext {
  readonly rootDir: string;
  readonly pulumiCommand: PulumiCommand;
  readonly backend: BackendSettings;
  /** Extra environment for the CLI, beside the backend URL. */
  readonly envVars?: Readonly<Record<string, string>>;
}

/** How a stack is opened: `up` creates a missing stack; `preview`, `destroy` and `drift` only select. */
export type OpenMode = "create-or-select" | "select";

/** Opens one stack on the repo root's local program; "select" throws StackNotFoundError for a missing one. */
export async function openStack(
  target: StackIdentity,
  context: WorkspaceContext,
  mode: OpenMode = "create-or-select",
): Promise<Stack> {
  if (context.backend.embedded) fs.mkdirSync(path.join(context.rootDir, ".pulumi"), { recursive: true });
  const program = { stackName: target.name, workDir: context.rootDir };
  const options = {
    pulumiCommand: context.pulumiCommand,
    envVars: { ...context.envVars, PULUMI_BACKEND_URL: context.backend.url },
    ...(context.backend.secretsProvider ? { secretsProvider: context.backend.secretsProvider } : {}),
  };
  return mode === "select"
    ? LocalWorkspace.selectStack(program, options)
    : LocalWorkspace.createOrSelectStack(program, options);
}

/** `--config-file` for every operation on a stack of `env`. */
export function configFilePath(rootDir: string, env: Environment): string {
  return path.join(rootDir, configFileOf(env));
}
