import { pulumiSdk } from "../config";
import { StackIdentity } from "../stack";
import { stackReferenceName } from "../layer-outputs";
import { OWNERS_OUTPUT, parsePlatformRun, PHASE_OUTPUT, PlatformRun } from "./phase";

/**
 * The engine's built-in function behind StackReference: it reads a stack's outputs from the
 * backend's last checkpoint (readStackReference in pulumi/pulumi pkg/resource/deploy/builtins.go),
 * which for the stack being updated holds the outputs of its last completed up.
 */
const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

/**
 * The platform stack's previous run, read from its own outputs; undefined when it has none (never
 * deployed). Read with the function rather than a StackReference resource: a reference keeps what it
 * read in the stack's state, which for the stack itself is one run old once the run ends, so every
 * refresh after a phase change would report it as drift.
 *
 * Awaited before anything is declared, so the phase is plain data by the time it decides which
 * resources exist.
 */
export async function previousPlatformRun(stack: StackIdentity): Promise<PlatformRun | undefined> {
  const read = (await pulumiSdk().runtime.invoke(READ_STACK_OUTPUTS, { name: stackReferenceName(stack) })) as {
    outputs?: Record<string, unknown>;
  };
  const outputs = read.outputs ?? {};
  return parsePlatformRun(
    { [PHASE_OUTPUT]: outputs[PHASE_OUTPUT], [OWNERS_OUTPUT]: outputs[OWNERS_OUTPUT] },
    stack.name,
  );
}
