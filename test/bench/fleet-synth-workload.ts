import * as fs from "node:fs";
import { synthesize } from "../../automation/synth/synth";
import { LAYERS } from "../../stack";

export interface FleetSynthResult {
  readonly stacks: number;
  readonly resources: number;
  /** After the first environment: the program is loaded, as in one synth run over the fleet. */
  readonly warmMsPerStack: number;
  /** CPU time of the whole run (user + system): its wall time on an otherwise idle core. */
  readonly cpuMs: number;
}

/** The fleet synth benchmark's workload, run inside the fleet project: every layer of every environment given. */
export default async function fleetSynthWorkload([resultFile, ...envs]: string[]): Promise<void> {
  let stacks = 0;
  let resources = 0;
  let warmStarted = 0;
  for (const [n, env] of envs.entries()) {
    if (n === 1) warmStarted = performance.now();
    const result = await synthesize({ env, layers: LAYERS });
    stacks += result.stacks.length;
    resources += result.stacks.reduce((sum, s) => sum + s.resources.length, 0);
  }
  const warmStacks = (envs.length - 1) * LAYERS.length;
  const outcome: FleetSynthResult = {
    stacks,
    resources,
    warmMsPerStack: warmStacks > 0 ? (performance.now() - warmStarted) / warmStacks : 0,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
  fs.writeFileSync(resultFile, JSON.stringify(outcome));
}
