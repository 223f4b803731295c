import { z } from "zod";
import { STACK_REF_MARKER_PREFIX } from "../../config";
import { infraOutputs } from "../../infra/outputs";
import { platformOutputs } from "../../platform/outputs";
import { Layer, parseStackName } from "../../stack";
import { ReferencedStack } from "./mock-engine";

/** The output contracts other stacks read, by the layer that exports them. */
const contracts: Partial<
  Record<Layer, { readonly schema: { readonly shape: object }; readonly secrets: readonly string[] }>
> = {
  infra: infraOutputs,
  platform: platformOutputs,
};

/** Marks a value that, in a real run, comes from another stack's outputs. */
export function stackRefPlaceholder(stackName: string, outputPath: string): string {
  return `${STACK_REF_MARKER_PREFIX}${stackName}:${outputPath}]`;
}

/**
 * Answers a StackReference offline: every output of the referenced layer's contract is a clearly
 * marked placeholder of the right shape, never a made-up value.
 */
export function placeholderStack(fullName: string): ReferencedStack {
  const stackName = fullName.split("/").pop() ?? fullName;
  const contract = contracts[parseStackName(stackName).layer];
  if (!contract) throw new Error(`stack ${stackName} has no output contract, so no stack may reference it`);
  const outputs: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(contract.schema.shape)) {
    outputs[key] = placeholderOf(schema as z.ZodType, stackName, key);
  }
  return { outputs, secretOutputNames: [...contract.secrets] };
}

function placeholderOf(schema: z.ZodType, stackName: string, outputPath: string): unknown {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable)
    return placeholderOf(schema.unwrap() as z.ZodType, stackName, outputPath);
  if (schema instanceof z.ZodString || schema instanceof z.ZodEnum) return stackRefPlaceholder(stackName, outputPath);
  if (schema instanceof z.ZodArray) return [placeholderOf(schema.element as z.ZodType, stackName, `${outputPath}[0]`)];
  if (schema instanceof z.ZodObject) {
    return Object.fromEntries(
      Object.entries(schema.shape).map(([k, s]) => [k, placeholderOf(s as z.ZodType, stackName, `${outputPath}.${k}`)]),
    );
  }
  throw new Error(`output ${stackName}:${outputPath} must be a string, a list or a map to have an offline placeholder`);
}
