import type { Tier } from "../environments";
import { Environment } from "../stack";
import { GuardrailsConfig, NO_GUARDRAILS, severityIn, Suppression } from "./config";
import { DeclaredStack, HydratedManifest, Outcome, resourceRef, Rule, RuleContext, Severity, Subject } from "./model";
import { RULES, ruleById } from "./rules";

/**
 * The one rule engine: `synth --policy`, hydrate, the preview comment and the Pulumi policy pack
 * all run these rules through it (the pack through policy/pack.ts, one resource at a time).
 */

export interface PolicyInput {
  readonly env: Environment;
  /** The environment's declared tier (Pulumi.<env>.yaml, gitops-platform:tier). */
  readonly tier: Tier;
  /** Declared resources, stack by stack (synth's `stacks` fit). */
  readonly stacks?: readonly DeclaredStack[];
  /**
   * Hydrated manifests of the environment's state repo, judged one directory (one app) at a time:
   * an app's objects refer only to each other, in the app's own namespace, and small groups keep
   * the rules that look across objects (a PDB for a Deployment) linear in the catalog's size.
   */
  readonly manifests?: readonly HydratedManifest[];
  readonly guardrails?: GuardrailsConfig;
  readonly rules?: readonly Rule[];
}

/** What a finding is about: a declared resource of a stack, or a manifest file. */
export type Target = { readonly resource: string; readonly stack: string } | { readonly file: string };

export type Finding = {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
} & Target;

export type SuppressedFinding = Finding & {
  readonly level: Outcome["level"];
  readonly reason: string;
};

export interface PolicyReport {
  readonly env: Environment;
  /** The ID of every rule that ran, in table order. */
  readonly evaluated: readonly string[];
  readonly subjects: { readonly resources: number; readonly manifests: number };
  readonly violations: readonly Finding[];
  /** Findings a rule could not judge: a value unknown until deployed, secret, or another stack's (docs/guardrails.md). */
  readonly undetermined: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  /**
   * Suppressions of what was evaluated (resources when stacks were given, files when manifests were)
   * that matched nothing: stale, or for a layer not evaluated.
   */
  readonly unusedSuppressions: readonly Suppression[];
}

export function targetOf(subject: Subject): Target {
  return subject.source === "resource"
    ? { resource: resourceRef(subject.resource), stack: subject.stack }
    : { file: subject.manifest.path };
}

/** The suppression of `rule` for `target`, if config has one. */
export function suppressionFor(guardrails: GuardrailsConfig, rule: string, target: Target): Suppression | undefined {
  return guardrails.suppressions.find(
    (s) => s.rule === rule && ("resource" in target ? s.resource === target.resource : s.file === target.file),
  );
}

function groupsOf(input: PolicyInput): Subject[][] {
  const groups: Subject[][] = (input.stacks ?? []).map((s) =>
    s.resources.map((resource): Subject => ({ source: "resource", stack: s.stack, resource })),
  );
  const byDirectory = new Map<string, Subject[]>();
  for (const manifest of input.manifests ?? []) {
    const directory = manifest.path.slice(0, manifest.path.lastIndexOf("/") + 1);
    const group = byDirectory.get(directory) ?? [];
    if (group.length === 0) byDirectory.set(directory, group);
    group.push({ source: "manifest", manifest });
  }
  return [...groups, ...byDirectory.values()];
}

export function evaluatePolicy(input: PolicyInput): PolicyReport {
  const rules = input.rules ?? RULES;
  const guardrails = input.guardrails ?? NO_GUARDRAILS;
  const violations: Finding[] = [];
  const undetermined: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const used = new Set<Suppression>();
  const groups = groupsOf(input);
  for (const rule of rules) {
    const severity = severityIn(guardrails, rule, input.tier);
    for (const subjects of groups) {
      const ctx: RuleContext = { env: input.env, tier: input.tier, subjects };
      for (const subject of subjects) {
        if (!rule.appliesTo(subject)) continue;
        const target = targetOf(subject);
        for (const outcome of rule.check(subject, ctx)) {
          const finding: Finding = { rule: rule.id, severity, ...target, message: outcome.message };
          const suppression = suppressionFor(guardrails, rule.id, target);
          if (suppression) {
            used.add(suppression);
            suppressed.push({ ...finding, level: outcome.level, reason: suppression.reason });
          } else (outcome.level === "violation" ? violations : undetermined).push(finding);
        }
      }
    }
  }
  const manifests = input.manifests?.length ?? 0;
  return {
    env: input.env,
    evaluated: rules.map((r) => r.id),
    subjects: { resources: groups.reduce((n, g) => n + g.length, 0) - manifests, manifests },
    violations,
    undetermined,
    suppressed,
    unusedSuppressions: guardrails.suppressions.filter(
      (s) => !used.has(s) && (s.resource === undefined ? input.manifests !== undefined : input.stacks !== undefined),
    ),
  };
}

export function mandatoryViolations(report: PolicyReport): readonly Finding[] {
  return report.violations.filter((v) => v.severity === "mandatory");
}

/** A mandatory violation blocks: synth --policy exits 1, hydrate writes nothing, preview fails. */
export function blocksChange(report: PolicyReport): boolean {
  return mandatoryViolations(report).length > 0;
}

/** How one-line texts (errors, warnings, the PR comment) name what a finding is about. */
export function targetText(finding: Finding): string {
  return "resource" in finding ? `${finding.stack} ${finding.resource}` : finding.file;
}

/** Unsuppressed mandatory violations: the CLI exits 1 (a failure, not bad input), and nothing is written. */
export class PolicyViolationError extends Error {
  override readonly name = "PolicyViolationError";
  constructor(readonly report: PolicyReport) {
    const blocking = mandatoryViolations(report);
    super(
      `policy (${report.env}): ${blocking.length} mandatory violation${blocking.length === 1 ? "" : "s"}:\n` +
        blocking
          .map((f) => `  - ${f.rule} ${targetText(f)}: ${f.message}. Fix: ${ruleById(f.rule)?.fix ?? ""}`)
          .join("\n"),
    );
  }
}
