import { z } from "zod";

/**
 * Schema helpers of the gitops layer whose errors read as expectations: the config formatter prints
 * `received X; expected <message>`, and a regular expression is a poor expectation to print.
 */

/**
 * A string matching `pattern`; errors print `expectation` rather than the regular expression. The
 * pattern is also recorded as JSON Schema metadata, which a refinement alone would not show (the
 * config reference in docs/config.md is generated from it).
 */
export function matching(pattern: RegExp, expectation: string): z.ZodString {
  return z
    .string()
    .refine((v) => pattern.test(v), expectation)
    .meta({ pattern: pattern.source });
}

/** A map whose keys match `pattern`; a bad key is reported with `expectation`. */
export function recordOf<V extends z.ZodType>(pattern: RegExp, expectation: string, value: V) {
  return z.record(z.string().regex(pattern), value, {
    error: (issue) => (issue.code === "invalid_key" ? expectation : undefined),
  });
}
