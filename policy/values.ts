import { SECRET_MARKER, STACK_REF_MARKER_PREFIX, UNKNOWN_MARKER } from "../config";

/**
 * Reading declared values that may be opaque offline. An opaque value is one a rule cannot judge:
 * `[unknown]` (only the cloud knows it), `[secret]` (never shown) or a StackReference placeholder.
 * A rule that needs one reports `undetermined`; a rule that only needs to know that a value is SET
 * (an ARN computed from another resource) may count an opaque value as present.
 */

export type Opaque = string & { readonly __opaque: true };

export function isOpaque(value: unknown): value is Opaque {
  return (
    typeof value === "string" &&
    (value === UNKNOWN_MARKER || value === SECRET_MARKER || value.startsWith(STACK_REF_MARKER_PREFIX))
  );
}

/** How a message names an opaque value, true both offline (synth) and in a real preview (the pack). */
export function describeOpaque(path: string, value: Opaque): string {
  const what =
    value === SECRET_MARKER ? "secret" : value === UNKNOWN_MARKER ? "unknown until deployed" : `${value} offline`;
  return `${path} is ${what}, so this cannot be judged`;
}

export type PathKey = string | number;

/**
 * The value at `path` under `root`. An opaque value on the way is returned as is (the whole
 * subtree is unknown); a missing step gives undefined.
 */
export function valueAt(root: unknown, ...path: readonly PathKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (isOpaque(value)) return value;
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PathKey, unknown>)[key];
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A list, an opaque value (the whole list is unknown), or an empty list for anything else. */
export function listAt(root: unknown, ...path: readonly PathKey[]): unknown[] | Opaque {
  const value = valueAt(root, ...path);
  if (isOpaque(value)) return value;
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** True for `true` and for `"true"`: some AWS inputs (launch template EBS, network interfaces) are strings. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A `MAJOR.MINOR.PATCH` version with optional pre-release and build: nothing a registry could move. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export function isExactVersion(value: unknown): boolean {
  return typeof value === "string" && EXACT_VERSION.test(value);
}

/**
 * JSON text of a value for a message, cut short. The policy pack sees secrets in plaintext, so rules
 * show only values that are never secret: CIDRs, versions, image names, modes. Undefined reads "unset".
 */
export function show(value: unknown): string {
  if (value === undefined) return "unset";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
