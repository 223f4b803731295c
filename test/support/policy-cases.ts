import { DeclaredOptions, DeclaredResource, HydratedManifest } from "../../policy/model";
import type { Tier } from "../../environments";
import { declared } from "./policy";

/** One row of the rule tables: inputs, and what one rule must say about them. */
export interface RuleCase {
  readonly rule: string;
  readonly what: string;
  /** The tier of the environment judged (its name plays no part). */
  readonly tier: Tier;
  readonly resources: readonly DeclaredResource[];
  readonly manifests: readonly HydratedManifest[];
  readonly expect: "pass" | "violation" | "undetermined";
  /** Exactly the messages the rule reports (violations or undetermined), in order. */
  readonly messages: readonly string[];
}

export interface Given {
  readonly resources?: readonly DeclaredResource[];
  readonly manifests?: readonly HydratedManifest[];
  readonly tier?: Tier;
}

/** One declared resource, as most resource cases need. */
export function one(type: string, inputs: Record<string, unknown>, options: Partial<DeclaredOptions> = {}): Given {
  return { resources: [declared(type, "subject", inputs, options)] };
}

function row(rule: string, what: string, given: Given, expect: RuleCase["expect"], messages: string[]): RuleCase {
  return {
    rule,
    what,
    tier: given.tier ?? "production",
    resources: given.resources ?? [],
    manifests: given.manifests ?? [],
    expect,
    messages,
  };
}

export function passes(rule: string, what: string, given: Given): RuleCase {
  return row(rule, what, given, "pass", []);
}

export function fails(rule: string, what: string, given: Given, ...messages: string[]): RuleCase {
  return row(rule, what, given, "violation", messages);
}

export function cannotJudge(rule: string, what: string, given: Given, ...messages: string[]): RuleCase {
  return row(rule, what, given, "undetermined", messages);
}
