import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { CONFIG_NAMESPACE, InputError, parseConfig, pulumiSdk } from "./config";
import { checkPromotionOrder } from "./promotion";
import {
  configFileOf,
  discoverEnvironments,
  Environment,
  ENVIRONMENT_NAME_RULE,
  EnvironmentConfig,
  isEnvironmentName,
  PROJECT_ROOT,
  readEnvironmentConfig,
  StackIdentity,
} from "./stack";

/**
 * Environments are data (DESIGN.md, "Environments are data"): each `Pulumi.<env>.yaml` declares its
 * environment's tier and where it promotes from, beside the sections the layers read:
 *
 *     gitops-platform:environment: prod-eu
 *     gitops-platform:tier: production
 *     gitops-platform:promotesFrom: staging
 *
 * What differs by strictness follows the tier, never the name. The fleet (every environment of the
 * project) is checked as a whole: a promotion order without cycles or unknown names, and no two
 * environments sharing a cluster or a state repo.
 */

/** Strictest first. */
export const TIERS = ["production", "staging", "development"] as const;
export type Tier = (typeof TIERS)[number];

export const TIER_KEY = `${CONFIG_NAMESPACE}:tier`;
export const PROMOTES_FROM_KEY = `${CONFIG_NAMESPACE}:promotesFrom`;
const ENVIRONMENT_KEY = `${CONFIG_NAMESPACE}:environment`;

export interface EnvironmentDeclaration {
  readonly name: Environment;
  /** `Pulumi.<env>.yaml` */
  readonly file: string;
  readonly tier: Tier;
  /** The environments a change passes through before this one; empty for a first stage. */
  readonly promotesFrom: readonly Environment[];
  /** `gitops-platform:infra.clusterName`, when set. */
  readonly clusterName?: string;
  /** `gitops-platform:platform.stateRepo.url`, when set. */
  readonly stateRepoUrl?: string;
}

export const tierSchema = z.enum(TIERS);

/** One name or a list of names; either way a list once parsed. */
const promotesFromSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    const names: unknown[] | undefined = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
    if (names === undefined || names.some((n) => typeof n !== "string")) {
      ctx.addIssue({ code: "custom", message: "an environment name or a list of them" });
      return;
    }
    names.forEach((name, i) => {
      if (!isEnvironmentName(name as string)) {
        ctx.addIssue({
          code: "custom",
          path: typeof value === "string" ? [] : [i],
          message: `an environment name, ${ENVIRONMENT_NAME_RULE}`,
        });
      }
    });
  })
  .transform((value): Environment[] =>
    value === undefined ? [] : typeof value === "string" ? [value] : [...new Set(value as string[])],
  );

/** The declaration of `config`'s environment; `env` is the name its file name gives it. */
export function parseEnvironmentDeclaration(env: Environment, config: EnvironmentConfig): EnvironmentDeclaration {
  const { file, values } = config;
  const declared = values[ENVIRONMENT_KEY];
  if (declared !== env) {
    const received = declared === undefined ? "nothing (the key is missing)" : JSON.stringify(declared);
    throw new InputError(
      `${file}: ${ENVIRONMENT_KEY}: received ${received}; expected "${env}", the environment its file name declares`,
    );
  }
  const tier = parseConfig(tierSchema, values[TIER_KEY], { file, key: TIER_KEY });
  const promotesFrom = parseConfig(promotesFromSchema, values[PROMOTES_FROM_KEY], { file, key: PROMOTES_FROM_KEY });
  const clusterName = stringAt(values[`${CONFIG_NAMESPACE}:infra`], ["clusterName"]);
  const stateRepoUrl = stringAt(values[`${CONFIG_NAMESPACE}:platform`], ["stateRepo", "url"]);
  return {
    name: env,
    file,
    tier,
    promotesFrom,
    ...(clusterName ? { clusterName } : {}),
    ...(stateRepoUrl ? { stateRepoUrl } : {}),
  };
}

function stringAt(value: unknown, keys: readonly string[]): string | undefined {
  let node = value;
  for (const key of keys) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "string" && node.length > 0 ? node : undefined;
}

/** Every environment of a project, declared and checked as a whole. */
export interface Fleet {
  readonly rootDir: string;
  /** Sorted by name. */
  readonly environments: readonly EnvironmentDeclaration[];
}

/**
 * Reads and checks every environment of the project at `rootDir`. Every problem of every file is
 * reported in one InputError, each line naming the file(s), the key, what was received and what was
 * expected; callers load the fleet before writing anything.
 */
export function loadFleet(rootDir: string = PROJECT_ROOT): Fleet {
  // Every stack of a synth and every CLI step loads the fleet; parsing 20 files costs ~300 ms, a stat each ~0.
  const signature = discoverEnvironments(rootDir)
    .map((env) => {
      const stat = fs.statSync(path.join(rootDir, configFileOf(env)));
      return `${env}:${stat.mtimeMs}:${stat.size}`;
    })
    .join(" ");
  const cached = fleetCache.get(rootDir);
  if (cached?.signature !== signature) fleetCache.set(rootDir, { signature, fleet: readFleet(rootDir) });
  const { fleet } = fleetCache.get(rootDir) as CachedFleet;
  if (fleet instanceof InputError) throw new InputError(fleet.message);
  return fleet;
}

interface CachedFleet {
  readonly signature: string;
  readonly fleet: Fleet | InputError;
}

const fleetCache = new Map<string, CachedFleet>();

function readFleet(rootDir: string): Fleet | InputError {
  const errors: string[] = [];
  const environments: EnvironmentDeclaration[] = [];
  for (const env of discoverEnvironments(rootDir)) {
    try {
      environments.push(parseEnvironmentDeclaration(env, readEnvironmentConfig(rootDir, env)));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length === 0) errors.push(...checkPromotionOrder(environments), ...sharedClaims(environments, rootDir));
  if (errors.length > 0) return new InputError(errors.join("\n"));
  return { rootDir, environments };
}

/** The declaration of `env`; an environment with no file is bad input naming those that exist. */
export function declarationOf(fleet: Fleet, env: Environment): EnvironmentDeclaration {
  const found = fleet.environments.find((e) => e.name === env);
  if (found) return found;
  throw new InputError(
    `environment "${env}": no ${configFileOf(env)} in ${fleet.rootDir}; expected one of the environments: ` +
      fleet.environments.map((e) => e.name).join(", "),
  );
}

/** Two environments claiming one cluster or one state repo would deploy over each other. */
function sharedClaims(environments: readonly EnvironmentDeclaration[], rootDir: string): string[] {
  const claims = [
    {
      key: `${CONFIG_NAMESPACE}:infra.clusterName`,
      what: "cluster name",
      of: (e: EnvironmentDeclaration) => e.clusterName,
      identity: (value: string) => value,
    },
    {
      key: `${CONFIG_NAMESPACE}:platform.stateRepo.url`,
      what: "state repo",
      of: (e: EnvironmentDeclaration) => e.stateRepoUrl,
      identity: (value: string) => repositoryIdentity(value, rootDir),
    },
  ];
  const errors: string[] = [];
  for (const claim of claims) {
    const owners = new Map<string, EnvironmentDeclaration[]>();
    for (const env of environments) {
      const value = claim.of(env);
      if (value === undefined) continue;
      const identity = claim.identity(value);
      owners.set(identity, [...(owners.get(identity) ?? []), env]);
    }
    for (const sharing of owners.values()) {
      if (sharing.length < 2) continue;
      errors.push(
        `${sharing.map((e) => e.file).join(", ")}: ${claim.key}: received ` +
          `${sharing.map((e) => `${JSON.stringify(claim.of(e))} (${e.name})`).join(", ")}; ` +
          `expected one ${claim.what} per environment (each environment is its own cluster with its own state repo)`,
      );
    }
  }
  return errors;
}

/**
 * What a state repo URL points at, so that spellings of one repository compare equal:
 * `https://github.com/org/repo.git`, `git@github.com:org/repo` and `ssh://git@github.com/org/repo/`
 * are all `github.com/org/repo`. Host names are case-insensitive (RFC 3986, 3.2.2); a path on disk is
 * resolved against the project, where hydration resolves it.
 */
export function repositoryIdentity(url: string, rootDir: string): string {
  const trimmed = url
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  if (/^file:\/\//i.test(trimmed)) return path.resolve(trimmed.slice("file://".length));
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?(\/.*)?$/i.exec(trimmed);
  if (withScheme) return `${withScheme[1].toLowerCase()}${withScheme[2] ?? ""}`;
  const scpLike = /^(?:[^@/:]+@)?([^/:]+):(?!\/)(.+)$/.exec(trimmed);
  if (scpLike) return `${scpLike[1].toLowerCase()}/${scpLike[2]}`;
  return path.resolve(rootDir, trimmed);
}

/**
 * The tier of the stack's environment, from the config the Pulumi CLI passed in (the program's
 * only view of its file). Only the layer programs call this; everything else reads the files.
 */
export function loadTier(stack: StackIdentity): Tier {
  const raw = new (pulumiSdk().Config)(CONFIG_NAMESPACE).get("tier");
  return parseConfig(tierSchema, raw === "" ? undefined : raw, { file: stack.configFile, key: TIER_KEY });
}
