/**
 * Orders two strings by their UTF-16 code units, as `Array.prototype.sort` does without a comparator:
 * the same order on every machine, where `localeCompare` follows the locale. For sorting records by a
 * text key, so that generated files, diffs and comments list things in one order everywhere.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
