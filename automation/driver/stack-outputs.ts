import { type OutputMap, StackNotFoundError } from "@pulumi/pulumi/automation";
import { StackIdentity } from "../../stack";
import type { DriverContext } from "./stack-operation";

/** Outputs as plain values: what `pulumi stack output --show-secrets` prints. */
export function outputValues(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value as unknown]));
}

/**
 * A stack's outputs as plain values (secret ones in plaintext: `pulumi stack output --show-secrets`),
 * or undefined when the stack does not exist. Reading never creates a stack.
 */
export async function readStackOutputValues(
  target: StackIdentity,
  context: DriverContext,
): Promise<Record<string, unknown> | undefined> {
  try {
    const stack = await context.openStack(target, "select");
    return outputValues(await stack.outputs());
  } catch (err) {
    if (err instanceof StackNotFoundError) return undefined;
    throw err;
  }
}
