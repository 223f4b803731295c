import type { Tier } from "../environments";
import { GuardrailsConfig, severityIn } from "./config";
import { Severity } from "./model";
import { RULES } from "./rules";

/**
 * The policy pack's config for one environment, in the JSON shape `--policy-pack-config` reads: one
 * entry per policy, `{ "<policy>": { "enforcementLevel": ... } }`
 * (https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/configuration/). @pulumi/policy
 * fixes each policy's level when the pack starts, before it knows the stack, so the environment's
 * severities (an advisory rule raised to mandatory) reach a real preview only through this file.
 * Every rule is listed, so the pack enforces exactly the severities the offline engine applies
 * (a production-tier environment: every rule mandatory).
 */
export type PolicyPackConfig = Readonly<Record<string, { readonly enforcementLevel: Severity }>>;

export function policyPackConfig(guardrails: GuardrailsConfig, tier: Tier): PolicyPackConfig {
  return Object.fromEntries(RULES.map((rule) => [rule.id, { enforcementLevel: severityIn(guardrails, rule, tier) }]));
}
