import { Command, Option } from "commander";
import { PLATFORM_PHASES, PlatformPhase } from "../../platform/phase-names";
import { Environment, EnvironmentConfig, Layer, PROJECT_ROOT, readEnvironmentConfig } from "../../stack";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption, layerOption, layersOf } from "../options";
import { colorEnabled, logProgress, painter, writeData, writeJson } from "../output";
import { examples } from "./help";
import type { SynthResult } from "../synth/synth";
import type { EnvironmentManifestDiff } from "../manifest-diff/at-ref";

interface SynthOptions {
  readonly env: Environment;
  readonly layer?: Layer;
  readonly json?: boolean;
  readonly diff?: string;
  readonly policy?: boolean;
  readonly platformPhase?: PlatformPhase;
}

export function synthCommand(): Command {
  return new Command("synth")
    .description(
      "Run each layer's real program under Pulumi's mock engine and print every resource it declares (offline)",
    )
    .addOption(envOption())
    .addOption(layerOption())
    .addOption(jsonOption())
    .addOption(
      new Option(
        "--diff <git-ref>",
        "compare with the synth of another commit and, with the gitops layer, the catalog rendered there; exits 3 when anything changed",
      ),
    )
    .addOption(
      new Option(
        "--platform-phase <phase>",
        "the platform stack's phase: bootstrap (the first up on a new cluster) or handoff (every later up)",
      )
        .choices(PLATFORM_PHASES)
        .default("handoff")
        .conflicts("diff"),
    )
    .addOption(
      new Option(
        "--policy",
        "judge the synth (and, with the gitops layer, the hydrated catalog) with the guardrails; exits 1 on a mandatory violation",
      ).conflicts("diff"),
    )
    .addHelpText(
      "after",
      examples(
        ["synth --env staging --layer infra", "every resource infra-staging declares, as a tree"],
        [
          "synth --env production --policy --layer infra --json",
          "the guardrails' verdict on infra-production, as JSON",
        ],
        ["synth --env staging --diff HEAD --json", "what changed since a commit (here: nothing), as JSON"],
      ) +
        "\nOffline: the real programs run under Pulumi's mock engine; values only the cloud knows show as [unknown].\n" +
        "Exit codes: 0 done, 1 a mandatory guardrail violated (--policy), 2 bad input, 3 changes found (--diff).",
    )
    .action(async (options: SynthOptions) => {
      process.exitCode = await runSynth(options);
    });
}

async function runSynth(options: SynthOptions): Promise<ExitCode> {
  const layers = layersOf(options.layer);
  const paint = painter(colorEnabled());
  if (options.diff) {
    const [{ synthesizeAtRef }, { diffSynth, renderSynthDiff, withManifests }] = await Promise.all([
      import("../synth/at-ref"),
      import("../synth/diff"),
    ]);
    // This checkout's config is read first: bad input fails in a moment, not after the other commit's synth.
    const config = readEnvironmentConfig(PROJECT_ROOT, options.env);
    logProgress(`synth: ${layers.join(", ")} for ${options.env} at ${options.diff}, for comparison`);
    const base = synthesizeAtRef(PROJECT_ROOT, options.diff, options.env, layers);
    const stacks = diffSynth(base, await synthesizeHere(options.env, layers, undefined, config), options.diff);
    const diff = layers.includes("gitops")
      ? withManifests(stacks, await manifestDiff(options.env, options.diff))
      : stacks;
    if (options.json) writeJson(diff);
    else writeData(renderSynthDiff(diff, paint));
    return diff.hasChanges ? ExitCode.Changes : ExitCode.Ok;
  }
  if (options.policy) return runPolicy(options.env, layers, options.json === true, options.platformPhase);
  const result = await synthesizeHere(options.env, layers, options.platformPhase);
  if (options.json) writeJson(result);
  else writeData((await import("../synth/render-tree")).renderSynthTree(result, paint));
  return ExitCode.Ok;
}

/** The gitops layer's other half: the environment's catalog rendered at `ref` and here (hydrate --diff). */
async function manifestDiff(env: Environment, ref: string): Promise<EnvironmentManifestDiff> {
  const { diffManifestsAtRef } = await import("../manifest-diff/at-ref");
  logProgress(`synth: the ${env} catalog rendered at ${ref} and here, for comparison`);
  const report = await diffManifestsAtRef({ rootDir: PROJECT_ROOT, ref, envs: [env], command: "synth --diff" });
  const [manifests] = report.environments;
  return { ...manifests, notes: [...report.notes, ...manifests.notes] };
}

async function synthesizeHere(
  env: Environment,
  layers: readonly Layer[],
  platformPhase?: PlatformPhase,
  config?: EnvironmentConfig,
): Promise<SynthResult> {
  const { synthesize } = await import("../synth/synth");
  logProgress(`synth: ${layers.join(", ")} for ${env} under the mock engine`);
  return synthesize({ env, layers, platformPhase, config });
}

/**
 * Judges every declared resource, and with the gitops layer the hydrated catalog, with every rule;
 * severities and suppressions come from the same config file.
 */
async function runPolicy(
  env: Environment,
  layers: readonly Layer[],
  json: boolean,
  platformPhase?: PlatformPhase,
): Promise<ExitCode> {
  const [{ evaluateEnvironment }, { blocksChange }, { renderPolicyReport }] = await Promise.all([
    import("../synth/policy"),
    import("../../policy/engine"),
    import("../../policy/report"),
  ]);
  logProgress(`synth: ${layers.join(", ")} for ${env} under the mock engine, judged by the guardrails`);
  const report = await evaluateEnvironment({ env, layers, platformPhase });
  if (json) writeJson(report);
  else writeData(renderPolicyReport(report, painter(colorEnabled())));
  return blocksChange(report) ? ExitCode.Failure : ExitCode.Ok;
}
