import * as path from "node:path";
import { InputError } from "../../config";
import { configFileOf, Environment, readEnvironmentConfig } from "../../stack";

/**
 * The state backend and secrets provider the driver's stacks use, decided from the environment and
 * the config file alone: `doctor` and the commands' preflight read them without loading the
 * Automation API.
 */

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
