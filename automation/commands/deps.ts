import type { PolicySource, SynthDiffSource } from "../driver/preview";
import type { DriverContext } from "../driver/stack-operation";
import { writeData } from "../output";

/** What the driver's commands run with; tests pass a context over the fake `pulumi`. */
export interface CommandDeps {
  readonly context: DriverContext;
  readonly env: NodeJS.ProcessEnv;
  /** Data, to stdout. */
  readonly write: (text: string) => void;
  /** The offline stand-in for a cloud preview. */
  readonly synthDiff: SynthDiffSource;
  /** The guardrails' verdict per environment, listed by preview. */
  readonly policy: PolicySource;
  /** Replaces the network for GitHub's API (tests). */
  readonly fetch?: typeof fetch;
}

/** The deps the CLI runs with, loaded when a command runs: the driver pulls in the Automation API. */
export async function cliDeps(): Promise<CommandDeps> {
  const [{ cliDriverContext }, { defaultPolicySource, defaultSynthDiff }] = await Promise.all([
    import("../driver/cli-context"),
    import("../driver/preview"),
  ]);
  const context = cliDriverContext();
  return {
    context,
    env: process.env,
    write: writeData,
    synthDiff: defaultSynthDiff(context.rootDir),
    policy: defaultPolicySource(context.rootDir),
  };
}
