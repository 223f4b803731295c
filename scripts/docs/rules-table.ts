import { RULES } from "../../policy/rules";
import { code, table } from "./markdown";

/** The guardrails table: every rule with its severity, what it requires and why, in RULES' order. */
export function rulesTable(): string {
  return table(
    ["ID", "severity", "what", "why"],
    RULES.map((rule) => [code(rule.id), rule.severity, rule.title, rule.rationale]),
  );
}
