import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, InputError } from "../config";
import { parsePlatformConfig, PlatformConfig } from "../platform/config";
import { configFileOf, Environment } from "../stack";
import { GitopsConfig, parseGitopsConfig } from "./config";

/** The two sections of an environment's config file that hydration needs. */
export interface HydrationConfig {
  readonly file: string;
  readonly gitops: GitopsConfig;
  /** Owns the state repo: `stateRepo.url` and `stateRepo.targetRevision`. */
  readonly platform: PlatformConfig;
}

/**
 * Reads `Pulumi.<env>.yaml` from `rootDir` and parses its gitops and platform sections. Hydration runs
 * outside Pulumi (from the CLI and CI), so it reads the file the stacks read. Neither section ever
 * holds a secret (README, "Stacks and config").
 */
export function readHydrationConfig(env: Environment, rootDir: string): HydrationConfig {
  const file = configFileOf(env);
  let document: unknown;
  try {
    document = parse(fs.readFileSync(path.join(rootDir, file), "utf8"));
  } catch (err) {
    throw new InputError(
      `${file}: could not be read from ${rootDir} (${(err as Error).message.split("\n")[0]}); expected the config file of the ${env} stacks`,
    );
  }
  const config = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
  return {
    file,
    gitops: parseGitopsConfig(config[`${CONFIG_NAMESPACE}:gitops`], file),
    platform: parsePlatformConfig(config[`${CONFIG_NAMESPACE}:platform`], file),
  };
}
