import { Rule } from "../model";
import { argocdRules } from "./argocd";
import { eksRules } from "./eks";
import { handoffRules } from "./handoff";
import { helmRules } from "./helm";
import { iamRules } from "./iam";
import { nodeRules } from "./nodes";
import { objectRules } from "./objects";
import { pulumiRules } from "./pulumi";
import { workloadRules } from "./workloads";

/** Every guardrail, in the order the table in docs/guardrails.md and reports list them. */
export const RULES: readonly Rule[] = [
  ...eksRules,
  ...nodeRules,
  ...iamRules,
  ...helmRules,
  ...argocdRules,
  ...handoffRules,
  ...workloadRules,
  ...objectRules,
  ...pulumiRules,
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
