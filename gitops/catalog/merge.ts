/**
 * How an environment's overrides (`<env>.yaml`) combine with an app's base (`app.yaml`). The rules,
 * also in docs/catalog.md ("Merge rules"):
 *
 * 1. Two maps merge key by key, recursively, so an override names only what differs.
 * 2. Any other override value (a scalar, a list) replaces the base value whole. Lists are never
 *    concatenated or merged by position: `ports: [...]` in an env file is the env's full list.
 * 3. `null` removes the key, so the schema's default (or absence) applies: `ingress: null`.
 * 4. Keys only in the base, or only in the override, are kept as they are.
 */

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override === null ? undefined : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const next = key in base ? deepMerge(base[key], value) : value === null ? undefined : value;
    if (next === undefined) delete merged[key];
    else merged[key] = next;
  }
  return merged;
}

/**
 * Whether the value at `path` of the merged spec came from the override: it did when the override
 * holds that key, or replaced (or removed) a map or list on the way down to it.
 */
export function comesFromOverride(override: unknown, path: readonly PropertyKey[]): boolean {
  let node = override;
  for (const key of path) {
    if (!isMap(node)) return node !== undefined;
    // Stryker disable next-line ConditionalExpression: a missing key reads as undefined, which the next step answers false for too
    if (!(String(key) in node)) return false;
    node = node[String(key)];
  }
  return node !== undefined;
}
