import { z } from "zod";
import { CONFIG_NAMESPACE, parseConfig } from "../config";
import { Environment, readEnvironmentConfig } from "../stack";
import type { Tier } from "../environments";
import { Severity } from "./model";
import { RULE_IDS, ruleById } from "./rules";

/**
 * The `gitops-platform:guardrails` section of Pulumi.<env>.yaml: the environment's severity per
 * rule, and which rules are suppressed for which resource or manifest, and why. A suppression
 * without a written reason is an error, and every suppression that applies is reported, never silent.
 */

export const GUARDRAILS_KEY = `${CONFIG_NAMESPACE}:guardrails`;

/** `type::name` as synth prints it, e.g. `kubernetes:apps/v1:Deployment::web`. */
const RESOURCE_REF = /^[A-Za-z0-9-]+:[A-Za-z0-9./-]*:[A-Za-z0-9]+::\S/;

const suppressionSchema = z
  .strictObject({
    rule: z
      .string()
      .refine((id) => RULE_IDS.includes(id), "a rule ID from the guardrails table in docs/guardrails.md")
      .describe("The rule's ID, as in the rules table of docs/guardrails.md."),
    resource: z
      .string()
      .refine((ref) => RESOURCE_REF.test(ref), "type::name of a declared resource, as synth prints it")
      .optional()
      .describe("A declared resource, by `type::name` as synth prints it (any layer of the environment)."),
    file: z
      .string()
      .min(1)
      .optional()
      .describe("A hydrated manifest, by its path in the state repo, e.g. `apps/demo/deployment-demo.yaml`."),
    reason: z
      .string()
      .refine((reason) => reason.trim().length > 0, "a written reason why the rule does not apply here")
      .describe("Why the rule does not apply here, never empty: shown wherever the suppression is reported."),
  })
  .superRefine((s, ctx) => {
    if ((s.resource === undefined) === (s.file === undefined)) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [s.file === undefined ? "resource" : "file"],
        message: "exactly one of resource (type::name) or file (a manifest path)",
      });
    }
  });

/**
 * Per-environment severity: an advisory rule may be raised to mandatory. A mandatory rule cannot be
 * lowered, because that would switch it off for every resource of the environment at once; the way
 * out for one resource or file is a suppression with its reason.
 */
const severitySchema = z.record(z.string(), z.enum(["mandatory", "advisory"])).superRefine((severities, ctx) => {
  for (const [id, severity] of Object.entries(severities)) {
    const rule = ruleById(id);
    if (!rule) {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [id],
        message: "a key that is a rule ID from the guardrails table",
      });
    } else if (rule.severity === "mandatory" && severity !== "mandatory") {
      ctx.addIssue({
        // Stryker disable next-line StringLiteral: formatIssues shows an issue of a code it does not name by its message, as it shows "custom"
        code: "custom",
        path: [id],
        message: `"mandatory": ${id} is mandatory in every environment (suppress it for one resource or file, with a reason)`,
      });
    }
  }
});

export const guardrailsConfigSchema = z.strictObject({
  severity: severitySchema
    .default({})
    .describe(
      "Advisory rules this environment enforces as mandatory, by rule ID, e.g. " +
        "`k8s-drop-all-capabilities: mandatory`; a mandatory rule cannot be lowered.",
    ),
  suppressions: z
    .array(suppressionSchema)
    .describe("Rules suppressed for one resource or one manifest each: exactly one of `resource` or `file`."),
});

export type GuardrailsConfig = z.output<typeof guardrailsConfigSchema>;
export type Suppression = GuardrailsConfig["suppressions"][number];

export const NO_GUARDRAILS: GuardrailsConfig = { severity: {}, suppressions: [] };

/**
 * A rule's severity in an environment: mandatory for every rule in a production-tier environment;
 * elsewhere the table's, unless the guardrails section raises it.
 */
export function severityIn(
  guardrails: GuardrailsConfig,
  rule: { id: string; severity: Severity },
  tier: Tier,
): Severity {
  if (tier === "production") return "mandatory";
  return guardrails.severity[rule.id] ?? rule.severity;
}

export function parseGuardrailsConfig(raw: unknown, file: string): GuardrailsConfig {
  return parseConfig(guardrailsConfigSchema, raw, { file, key: GUARDRAILS_KEY });
}

/**
 * Reads the section straight from `<rootDir>/Pulumi.<env>.yaml`: the policy pack runs in its own
 * process, where no stack config is loaded.
 */
export function readGuardrailsConfig(rootDir: string, env: Environment): GuardrailsConfig {
  const config = readEnvironmentConfig(rootDir, env);
  return parseGuardrailsConfig(config.values[GUARDRAILS_KEY], config.file);
}
