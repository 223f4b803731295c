import * as pulumi from "@pulumi/pulumi";
import { SECRET_MARKER, UNKNOWN_MARKER } from "../../config";
import { compareCodeUnits } from "../../order";

/** How synth names a resource wherever another one refers to it. */
export function refOf(type: string, name: string): string {
  return `${type}::${name}`;
}

export type ResourceRefs = WeakMap<pulumi.Resource, string>;

export interface NormalizeOptions {
  /**
   * Keep secrets' values instead of the `[secret]` marker. Only for a run whose secrets are
   * placeholders and whose objects must keep their shape: the e2e tier sends them to a real
   * kube-apiserver, where a marker in place of a map (a Secret's stringData) is a wrong type.
   */
  readonly revealSecrets?: boolean;
}

/**
 * Turns what the mock engine hands over into plain, stable JSON: unknowns and secrets become
 * markers, resource references become `type::name`, and object keys are sorted so that two runs of
 * the same program print the same bytes.
 */
export async function normalizeValue(
  value: unknown,
  refs: ResourceRefs,
  options: NormalizeOptions = {},
): Promise<unknown> {
  const recurse = (v: unknown) => normalizeValue(v, refs, options);
  if (pulumi.isUnknown(value)) return UNKNOWN_MARKER;
  if (pulumi.Output.isInstance(value)) return normalizeOutput(value, refs, options);
  if (value === null || typeof value !== "object") return value;
  if (isSecretEnvelope(value)) {
    return options.revealSecrets ? recurse((value as Record<string, unknown>).value) : SECRET_MARKER;
  }
  if (pulumi.Resource.isInstance(value)) return refs.get(value) ?? UNKNOWN_MARKER;
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return "[asset]";
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(recurse));
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => compareCodeUnits(a, b));
  const normalized: Record<string, unknown> = {};
  for (const [k, v] of entries) normalized[k] = await recurse(v);
  return normalized;
}

async function normalizeOutput(
  output: pulumi.Output<unknown>,
  refs: ResourceRefs,
  options: NormalizeOptions,
): Promise<unknown> {
  const internals = output as unknown as { isKnown: Promise<boolean>; promise(): Promise<unknown> };
  if (!options.revealSecrets && (await pulumi.isSecret(output))) return SECRET_MARKER;
  if (!(await internals.isKnown)) return UNKNOWN_MARKER;
  return normalizeValue(await internals.promise(), refs, options);
}

function isSecretEnvelope(value: object): boolean {
  return (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}
