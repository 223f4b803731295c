import * as path from "node:path";
import { renderEnvironmentReportAsync } from "../../gitops/render/environment";
import { PlatformPhase } from "../../platform/phase-names";
import { GUARDRAILS_KEY, parseGuardrailsConfig } from "../../policy/config";
import { evaluatePolicy, PolicyReport } from "../../policy/engine";
import { parseEnvironmentDeclaration } from "../../environments";
import {
  discoverEnvironments,
  Environment,
  EnvironmentConfig,
  Layer,
  LAYERS,
  readEnvironmentConfig,
} from "../../stack";
import { MockEngine } from "./mock-engine";
import { REPO_ROOT, synthesize } from "./synth";

export interface EnvironmentPolicyArgs {
  readonly env: Environment;
  /** The layers to synthesize; all three by default. */
  readonly layers?: readonly Layer[];
  readonly rootDir?: string;
  /** The config to run with; by default the environment's config file. */
  readonly config?: EnvironmentConfig;
  readonly engine?: MockEngine;
  /** The platform stack's phase; the steady state (handoff) by default. */
  readonly platformPhase?: PlatformPhase;
}

/**
 * The guardrails' verdict on one environment, offline, with its `gitops-platform:guardrails`
 * section: every resource the synthesized layers declare and, when the gitops layer is among them,
 * the app catalog as hydrate renders it. What `synth --policy` prints and `preview` lists.
 */
export async function evaluateEnvironment(args: EnvironmentPolicyArgs): Promise<PolicyReport> {
  const { env } = args;
  const layers = args.layers ?? LAYERS;
  const rootDir = args.rootDir ?? REPO_ROOT;
  const config = args.config ?? readEnvironmentConfig(rootDir, env);
  const { tier } = parseEnvironmentDeclaration(env, config);
  const guardrails = parseGuardrailsConfig(config.values[GUARDRAILS_KEY], config.file);
  const synth = await synthesize({
    env,
    layers,
    rootDir,
    config,
    engine: args.engine,
    platformPhase: args.platformPhase,
  });
  const catalog = {
    catalogDir: path.join(rootDir, "gitops", "apps"),
    environments: discoverEnvironments(rootDir),
    rootDir,
  };
  const manifests = layers.includes("gitops")
    ? (await renderEnvironmentReportAsync(env, catalog)).manifests
    : undefined;
  return evaluatePolicy({ env, tier, stacks: synth.stacks, manifests, guardrails });
}
