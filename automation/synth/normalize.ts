import * as pulumi from "@pulumi/pulumi";
import { SECRET_MARKER, UNKNOWN_MARKER } from "../../config";

/** How synth names a resource wherever another one refers to it. */
export function refOf(type: string, name: string): string {
  return `${type}::${name}`;
}

export type ResourceRefs = WeakMap<pulumi.Resource, string>;

/**
 * Turns what the mock engine hands over into plain, stable JSON: unknowns and secrets become
 * markers, resource references become `type::name`, and object keys are sorted so that two runs of
 * the same program print the same bytes.
 */
export async function normalizeValue(value: unknown, refs: ResourceRefs): Promise<unknown> {
  if (pulumi.isUnknown(value)) return UNKNOWN_MARKER;
  if (pulumi.Output.isInstance(value)) return normalizeOutput(value, refs);
  if (value === null || typeof value !== "object") return value;
  if (isSecretEnvelope(value)) return SECRET_MARKER;
  if (pulumi.Resource.isInstance(value)) return refs.get(value) ?? UNKNOWN_MARKER;
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return "[asset]";
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map((v) => normalizeValue(v, refs)));
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const normalized: Record<string, unknown> = {};
  for (const [k, v] of entries) normalized[k] = await normalizeValue(v, refs);
  return normalized;
}

async function normalizeOutput(output: pulumi.Output<unknown>, refs: ResourceRefs): Promise<unknown> {
  const internals = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
  if (await pulumi.isSecret(output)) return SECRET_MARKER;
  if (!(await internals.isKnown)) return UNKNOWN_MARKER;
  return normalizeValue(await internals.promise(), refs);
}

function isSecretEnvelope(value: object): boolean {
  return (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}
