import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { InputError, isValueMarker, pulumiSdk } from "./config";
import { Layer, PROJECT_NAME, StackIdentity, stackIdentity } from "./stack";

/**
 * The outputs that layers pass each other through StackReferences (DESIGN.md, "Stacks"): the Pulumi
 * side of the stack scheme, beside stack.ts's pure one.
 */

/**
 * The typed contract of one layer's stack outputs, defined once and used by both sides: the layer
 * that exports them and the layers that read them through a StackReference.
 */
export interface OutputContract<S extends z.ZodRawShape> {
  readonly layer: Layer;
  readonly schema: z.ZodObject<S>;
  /** Outputs exported as Pulumi secrets (a kubeconfig, a token): never shown in plaintext. */
  readonly secrets: readonly (keyof S & string)[];
}

/** What a layer program returns: every output of its contract, as a Pulumi input. */
export type StackOutputs<S extends z.ZodRawShape> = { [K in keyof S]: pulumi.Input<z.output<S[K]>> };

/** What a downstream layer sees: every output of the contract, typed and validated. */
export type StackOutputReader<S extends z.ZodRawShape> = { readonly [K in keyof S]: pulumi.Output<z.output<S[K]>> };

export function defineOutputContract<S extends z.ZodRawShape>(contract: OutputContract<S>): OutputContract<S> {
  return contract;
}

/**
 * Exports `values` with the contract's secret outputs wrapped as Pulumi secrets. An optional output
 * left undefined is omitted: the engine drops it anyway, with a warning on every run.
 */
export function exportOutputs<S extends z.ZodRawShape>(
  contract: OutputContract<S>,
  values: StackOutputs<S>,
): StackOutputs<S> {
  const exported: Record<string, unknown> = Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  );
  for (const key of contract.secrets) exported[key] = pulumiSdk().secret(values[key]);
  return exported as StackOutputs<S>;
}

/** The fully qualified name of another stack of this project. A self-hosted backend reports the org as `organization`. */
export function stackReferenceName(target: StackIdentity): string {
  return `${pulumiSdk().getOrganization()}/${PROJECT_NAME}/${target.name}`;
}

/**
 * Reads the outputs of `contract.layer` in the same environment as `stack`. Each output is parsed
 * with the contract's schema where it enters this program, so a drifted upstream fails loudly here.
 */
export function readStackOutputs<S extends z.ZodRawShape>(
  stack: StackIdentity,
  contract: OutputContract<S>,
  opts?: pulumi.CustomResourceOptions,
): StackOutputReader<S> {
  const target = stackIdentity(contract.layer, stack.env);
  const ref = new (pulumiSdk().StackReference)(target.name, { name: stackReferenceName(target) }, opts);
  const outputs: Record<string, pulumi.Output<unknown>> = {};
  for (const [key, schema] of Object.entries(contract.schema.shape)) {
    outputs[key] = ref.requireOutput(key).apply((value) => {
      // Offline (synth, the e2e tier), another stack's output is a marker, not a value to judge:
      // an enum output such as platformPhase would otherwise fail its contract on the placeholder.
      if (isValueMarker(value)) return value;
      const parsed = (schema as z.ZodType).safeParse(value);
      if (!parsed.success) {
        throw new InputError(
          `Output "${key}" of stack ${target.name} does not match its contract: ${parsed.error.issues[0].message}`,
        );
      }
      return parsed.data;
    });
  }
  return outputs as StackOutputReader<S>;
}
