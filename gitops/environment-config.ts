import { CONFIG_NAMESPACE } from "../config";
import { parseInfraConfig } from "../infra/config";
import { parsePlatformConfig, PlatformConfig } from "../platform/config";
import { Environment, readEnvironmentConfig } from "../stack";
import { GitopsConfig, parseGitopsConfig } from "./config";
import { StateRepoIdentity } from "./state-repo/identity";

/** The sections of an environment's config file that hydration needs. */
export interface HydrationConfig {
  readonly file: string;
  readonly gitops: GitopsConfig;
  /** Owns the state repo (`stateRepo.url`, `stateRepo.targetRevision`) and the app namespaces. */
  readonly platform: PlatformConfig;
  /** The environment and cluster the state repo belongs to (its recorded identity). */
  readonly identity: StateRepoIdentity;
  /** Where the state repo is configured, for errors: `gitops-platform:platform.stateRepo.url in <file>`. */
  readonly stateRepoKey: string;
}

/**
 * Reads `Pulumi.<env>.yaml` from `rootDir` and parses its gitops, platform and infra sections (infra
 * for the cluster's name only). Hydration runs outside Pulumi (from the CLI and CI), so it reads the
 * file the stacks read. None of these sections ever holds a secret (docs/config.md).
 */
export function readHydrationConfig(env: Environment, rootDir: string): HydrationConfig {
  const { file, values } = readEnvironmentConfig(rootDir, env);
  const infra = parseInfraConfig(values[`${CONFIG_NAMESPACE}:infra`], file);
  return {
    file,
    gitops: parseGitopsConfig(values[`${CONFIG_NAMESPACE}:gitops`], file),
    platform: parsePlatformConfig(values[`${CONFIG_NAMESPACE}:platform`], file),
    identity: { environment: env, cluster: infra.clusterName },
    stateRepoKey: `${CONFIG_NAMESPACE}:platform.stateRepo.url in ${file}`,
  };
}
