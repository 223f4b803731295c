import { pulumiSdk } from "../config";
import { StackIdentity, stackReferenceName } from "../stack";
import { OWNERS_OUTPUT, parsePlatformRun, PHASE_OUTPUT, PlatformRun } from "./phase";

/**
 * The platform stack's previous run, read from its own outputs through a StackReference to itself:
 * the engine answers a StackReference from the backend's last checkpoint (readStackReference in
 * pulumi/pulumi pkg/resource/deploy/builtins.go), which for the stack being updated holds the outputs
 * of its last completed up. A stack that never completed one has no outputs: undefined.
 *
 * Awaited before anything is declared, so the phase is plain data by the time it decides which
 * resources exist.
 */
export async function previousPlatformRun(stack: StackIdentity): Promise<PlatformRun | undefined> {
  const self = new (pulumiSdk().StackReference)("previous-run", { name: stackReferenceName(stack) });
  const [phase, owners] = (await Promise.all([
    self.getOutputValue(PHASE_OUTPUT),
    self.getOutputValue(OWNERS_OUTPUT),
  ])) as unknown[];
  return parsePlatformRun({ [PHASE_OUTPUT]: phase, [OWNERS_OUTPUT]: owners }, stack.name);
}
