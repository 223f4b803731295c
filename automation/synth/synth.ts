import * as path from "node:path";
import { PHASE_OUTPUT } from "../../platform/phase";
import { PlatformPhase } from "../../platform/phase-names";
import { Environment, EnvironmentConfig, Layer, PROJECT_ROOT, readEnvironmentConfig, stackIdentity } from "../../stack";
import { MockEngine, MockEngineOptions, ResourceRecord, RunOptions } from "./mock-engine";
import { placeholderStack } from "./stack-references";

/** The repository this code belongs to: its Pulumi entry point and config files. */
export const REPO_ROOT = PROJECT_ROOT;

export interface SynthStack {
  readonly layer: Layer;
  readonly stack: string;
  readonly resources: readonly ResourceRecord[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface SynthResult {
  readonly env: Environment;
  readonly stacks: readonly SynthStack[];
}

export interface SynthArgs {
  readonly env: Environment;
  readonly layers: readonly Layer[];
  readonly rootDir?: string;
  readonly engine?: MockEngine;
  /** The config to run with; by default the environment's config file. */
  readonly config?: EnvironmentConfig;
  /**
   * The phase the platform stack runs in (platform/phase.ts): `handoff`, every up after the first
   * (the default: what a deployed environment converges to), or `bootstrap`, the first up on a new cluster.
   */
  readonly platformPhase?: PlatformPhase;
}

/** The previous run that makes the platform program choose `phase`: none for a bootstrap. */
function previousRunFor(layer: Layer, phase: PlatformPhase): RunOptions {
  if (layer !== "platform" || phase === "bootstrap") return {};
  return { previousOutputs: { [PHASE_OUTPUT]: phase } };
}

/** The engine synth uses: StackReferences answered with placeholders, invokes refused. */
export function offlineEngine(overrides: Partial<MockEngineOptions> = {}): MockEngine {
  return new MockEngine({ stackReference: placeholderStack, ...overrides });
}

/** Runs the real Pulumi program of each layer under the mock engine, in deployment order. */
export async function synthesize(args: SynthArgs): Promise<SynthResult> {
  const rootDir = args.rootDir ?? REPO_ROOT;
  const engine = args.engine ?? offlineEngine();
  const config = args.config ?? readEnvironmentConfig(rootDir, args.env);
  const stacks: SynthStack[] = [];
  for (const layer of args.layers) {
    const stack = stackIdentity(layer, args.env);
    const run = await engine.run(
      stack,
      config,
      () => runEntryPoint(rootDir),
      previousRunFor(layer, args.platformPhase ?? "handoff"),
    );
    stacks.push({ layer, stack: stack.name, resources: run.resources, outputs: run.outputs });
  }
  return { env: args.env, stacks };
}

/**
 * Loads the Pulumi entry point afresh, exactly as the CLI's language host does: `require` the
 * program and take its exports as the stack outputs. The cache entry is dropped so that each stack
 * runs the program again; the modules it imports stay cached, which keeps three layers fast.
 */
export function runEntryPoint(rootDir: string = REPO_ROOT): unknown {
  const entry = require.resolve(path.join(rootDir, "index"));
  delete require.cache[entry];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(entry);
}
