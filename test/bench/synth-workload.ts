import { LAYERS } from "../../stack";
import { synthesize } from "../../automation/synth/synth";

/** The synth benchmark's workload: all three layers of one env, serialized as the CLI would print them. */
export default async function synthAllLayers([env]: string[]): Promise<void> {
  const result = await synthesize({ env: env, layers: LAYERS });
  if (JSON.stringify(result).length === 0) throw new Error("empty synth");
}
