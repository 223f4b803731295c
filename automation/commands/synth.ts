import { Command, Option } from "commander";
import { Environment, Layer } from "../../stack";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption, layerOption, layersOf } from "../options";
import { colorEnabled, logProgress, painter, writeData, writeJson } from "../output";
import { synthesizeAtRef } from "../synth/at-ref";
import { diffSynth, renderSynthDiff } from "../synth/diff";
import { renderSynthTree } from "../synth/render-tree";
import { REPO_ROOT, synthesize, SynthResult } from "../synth/synth";

interface SynthOptions {
  readonly env: Environment;
  readonly layer?: Layer;
  readonly json?: boolean;
  readonly diff?: string;
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
      new Option("--diff <git-ref>", "compare with the synth of another commit; exits 3 when anything changed"),
    )
    .action(async (options: SynthOptions) => {
      process.exitCode = await runSynth(options);
    });
}

async function runSynth(options: SynthOptions): Promise<ExitCode> {
  const layers = layersOf(options.layer);
  const paint = painter(colorEnabled());
  if (options.diff) {
    logProgress(`synth: ${layers.join(", ")} for ${options.env} at ${options.diff}, for comparison`);
    const base = synthesizeAtRef(REPO_ROOT, options.diff, options.env, layers);
    const diff = diffSynth(base, await synthesizeHere(options.env, layers), options.diff);
    if (options.json) writeJson(diff);
    else writeData(renderSynthDiff(diff, paint));
    return diff.hasChanges ? ExitCode.Changes : ExitCode.Ok;
  }
  const result = await synthesizeHere(options.env, layers);
  if (options.json) writeJson(result);
  else writeData(renderSynthTree(result, paint));
  return ExitCode.Ok;
}

function synthesizeHere(env: Environment, layers: readonly Layer[]): Promise<SynthResult> {
  logProgress(`synth: ${layers.join(", ")} for ${env} under the mock engine`);
  return synthesize({ env, layers });
}
