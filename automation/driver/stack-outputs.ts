import { type OutputMap, type Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { StackIdentity } from "../../stack";
import type { DriverContext } from "./stack-operation";

/** Outputs as plain values: what `pulumi stack output --show-secrets` prints. */
export function outputValues(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
}

/**
 * Each stack's outputs as this command last saw them: read from the backend, or returned by an up
 * it ran. Reading them again costs two `pulumi stack output` runs (the SDK asks once masked and once
 * with `--show-secrets`), and the platform's phases read the infra and platform outputs several
 * times in one `up`. Keyed by the Stack object, so it lasts as long as the context's stacks do
 * (openEachStackOnce): one command.
 */
const seenOutputs = new WeakMap<Stack, Readonly<Record<string, unknown>>>();

/** What an up just left as the stack's outputs; a destroy leaves them unknown until read again. */
export function rememberOutputs(stack: Stack, outputs: Readonly<Record<string, unknown>> | undefined): void {
  if (outputs) seenOutputs.set(stack, outputs);
  else seenOutputs.delete(stack);
}

/**
 * A stack's outputs as plain values (secret ones in plaintext: `pulumi stack output --show-secrets`),
 * or undefined when the stack does not exist. Reading never creates a stack.
 */
export async function readStackOutputValues(
  target: StackIdentity,
  context: DriverContext,
): Promise<Readonly<Record<string, unknown>> | undefined> {
  try {
    const stack = await context.openStack(target, "select");
    const known = seenOutputs.get(stack);
    if (known) return known;
    const outputs = outputValues(await stack.outputs());
    seenOutputs.set(stack, outputs);
    return outputs;
  } catch (err) {
    if (err instanceof StackNotFoundError) return undefined;
    throw err;
  }
}
