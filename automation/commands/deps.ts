import type { CheckContext } from "../doctor/probe";
import type { ManifestDiffSource, PolicySource, SynthDiffSource } from "../driver/preview";
import type { DriverContext } from "../driver/stack-operation";
import { writeData } from "../output";
import type { Environment } from "../../stack";

/**
 * Runs the checks `command` needs for `env` and stops it, listing every failure at once, when one
 * of them stops it (automation/doctor).
 */
export async function preflight(
  command: "up" | "preview" | "drift" | "destroy",
  env: Environment,
  deps: CommandDeps,
  options: { readonly offline?: boolean } = {},
): Promise<void> {
  const { assertPreflight, preflightRows } = await import("../doctor/run");
  const rows = await preflightRows(command, env, deps.checks, options);
  assertPreflight(command, rows, `${deps.context.invocation} doctor --env ${env}`);
}

/** What the driver's commands run with; tests pass a context over the fake `pulumi`. */
export interface CommandDeps {
  readonly context: DriverContext;
  readonly env: NodeJS.ProcessEnv;
  /** Data, to stdout. */
  readonly write: (text: string) => void;
  /** The offline stand-in for a cloud preview. */
  readonly synthDiff: SynthDiffSource;
  /** The rendered catalog against a commit: the manifest diff that needs no state repo. */
  readonly manifestDiff: ManifestDiffSource;
  /** The guardrails' verdict per environment, listed by preview. */
  readonly policy: PolicySource;
  /** What the preflight checks look at (doctor's checks): tools on PATH, credentials, the state repo. */
  readonly checks: CheckContext;
  /** Replaces the network for GitHub's API (tests). */
  readonly fetch?: typeof fetch;
}

/** The deps the CLI runs with, loaded when a command runs: the driver pulls in the Automation API. */
export async function cliDeps(): Promise<CommandDeps> {
  const [
    { cliDriverContext },
    { defaultManifestDiff, defaultPolicySource, defaultSynthDiff },
    { processCheckContext },
  ] = await Promise.all([import("../driver/cli-context"), import("../driver/preview"), import("../doctor/probe")]);
  const context = cliDriverContext();
  return {
    context,
    env: process.env,
    write: writeData,
    synthDiff: defaultSynthDiff(context.rootDir),
    manifestDiff: defaultManifestDiff(context.rootDir),
    policy: defaultPolicySource(context.rootDir),
    checks: processCheckContext(context.rootDir),
  };
}
