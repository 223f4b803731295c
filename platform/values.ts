/**
 * Helm values as plain data: layering (base -> env -> injected) and the key paths a values tree
 * sets, in the notation of `chart-keys.ts`. Pure functions, no Pulumi.
 */

export type Values = { readonly [key: string]: unknown };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Deep-merges values layers, later layers winning, as Helm merges `-f` files: maps merge key by
 * key, while lists and scalars replace what came before.
 */
export function mergeValues(...layers: readonly Values[]): Values {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const previous = merged[key];
      merged[key] = isPlainObject(previous) && isPlainObject(value) ? mergeValues(previous, value) : value;
    }
  }
  return merged;
}

/** Formats a path in chart-keys notation: `a.b`, with odd keys quoted (`cm["admin.enabled"]`). */
export function formatPath(segments: readonly string[]): string {
  return segments
    .map((key, i) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${i ? "." : ""}${key}` : `[${JSON.stringify(key)}]`))
    .join("");
}

/** Every leaf a values tree sets, as path segments: maps are walked, lists and scalars are leaves. */
export function leafSegments(values: Values): string[][] {
  const leaves: string[][] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (isPlainObject(node) && Object.keys(node).length > 0) {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    } else {
      leaves.push(path);
    }
  };
  walk(values, []);
  return leaves;
}

/** Every leaf path a values tree sets, in chart-keys notation. */
export function keyPaths(values: Values): string[] {
  return leafSegments(values).map(formatPath);
}

/** Whether `path` is one of `known`, or lies inside a free-form map `known` ends with `.*`. */
export function isKnownPath(path: string, known: readonly string[]): boolean {
  return known.some((k) => {
    if (!k.endsWith(".*")) return k === path;
    const map = k.slice(0, -2);
    return path === map || path.startsWith(`${map}.`) || path.startsWith(`${map}[`);
  });
}

/** The paths of `values` that `known` does not list. */
export function unknownPaths(values: Values, known: readonly string[]): string[] {
  return keyPaths(values).filter((p) => !isKnownPath(p, known));
}
