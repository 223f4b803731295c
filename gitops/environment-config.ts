import { CONFIG_NAMESPACE } from "../config";
import { parsePlatformConfig, PlatformConfig } from "../platform/config";
import { Environment, readEnvironmentConfig } from "../stack";
import { GitopsConfig, parseGitopsConfig } from "./config";

/** The two sections of an environment's config file that hydration needs. */
export interface HydrationConfig {
  readonly file: string;
  readonly gitops: GitopsConfig;
  /** Owns the state repo (`stateRepo.url`, `stateRepo.targetRevision`) and the app namespaces. */
  readonly platform: PlatformConfig;
}

/**
 * Reads `Pulumi.<env>.yaml` from `rootDir` and parses its gitops and platform sections. Hydration runs
 * outside Pulumi (from the CLI and CI), so it reads the file the stacks read. Neither section ever
 * holds a secret (docs/config.md).
 */
export function readHydrationConfig(env: Environment, rootDir: string): HydrationConfig {
  const { file, values } = readEnvironmentConfig(rootDir, env);
  return {
    file,
    gitops: parseGitopsConfig(values[`${CONFIG_NAMESPACE}:gitops`], file),
    platform: parsePlatformConfig(values[`${CONFIG_NAMESPACE}:platform`], file),
  };
}
