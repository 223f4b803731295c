import type {
  Policies,
  PolicyProviderResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import type { Tier } from "../environments";
import { configFileOf, Environment, PROJECT_NAME, splitStackName } from "../stack";
import { GuardrailsConfig } from "./config";
import { suppressionFor, Target } from "./engine";
import { DeclaredResource, Outcome, resourceRef, Rule, RuleContext, Subject } from "./model";
import { UNKNOWN_MARKER } from "../config";
import { refOfUrn, stackOfUrn } from "./urn";

/**
 * The adapter between the rules and `@pulumi/policy`, as pure functions: policy/index.ts is the only
 * file that constructs the PolicyPack (which starts a gRPC server). Tests call these directly.
 *
 * What the pack sees differs from synth, and the adapter says so rather than guessing:
 * - Values unknown during a preview throw `UnknownValueError` when read; they become `[unknown]`, so
 *   rules report them as undetermined, exactly as offline.
 * - `retainOnDelete`, `deletedWith` and `dependsOn` are not part of the analyzer's resource options:
 *   they are `[unknown]` here, and the rules that need them cannot judge in the pack.
 * - The analyzer does not say whether a resource is custom; a resource with a provider is taken as
 *   custom (components have none; remote components such as eks.Cluster do, but no rule that
 *   looks at `custom` judges their package).
 */

/**
 * The environment of a `<layer>-<env>` stack. The program refuses any other stack name; should the
 * pack meet one anyway, it judges it as the environment named production.
 */
export function envOfStack(stack: string): Environment {
  return splitStackName(stack)?.env ?? "production";
}

/** A deep plain copy of the analyzer's proxied props, with each unknown value as `[unknown]`. */
export function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let n = 0; n < value.length; n++) items.push(readKnown(value, n));
    return items;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = readKnown(value, key);
  return copy;
}

function readKnown(container: object, key: string | number): unknown {
  try {
    return plainValue((container as Record<string | number, unknown>)[key]);
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN_MARKER;
    throw err;
  }
}

/** What the analyzer tells about one resource (ResourceValidationArgs and PolicyResource share it). */
export interface AnalyzedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly opts: PolicyResourceOptions;
  readonly provider?: PolicyProviderResource;
}

export function declaredOf(r: AnalyzedResource): DeclaredResource {
  const stack = stackOfUrn(r.urn);
  return {
    type: r.type,
    name: r.name,
    parent: r.opts.parent ? refOfUrn(r.opts.parent) : `pulumi:pulumi:Stack::${PROJECT_NAME}-${stack}`,
    custom: r.provider !== undefined,
    inputs: plainValue(r.props) as Record<string, unknown>,
    options: {
      protect: r.opts.protect,
      retainOnDelete: UNKNOWN_MARKER,
      ignoreChanges: [...r.opts.ignoreChanges],
      deletedWith: UNKNOWN_MARKER,
      dependsOn: UNKNOWN_MARKER,
      provider: r.provider ? `${r.provider.type}::${r.provider.name}` : null,
    },
  };
}

export type GuardrailsOf = (env: Environment) => GuardrailsConfig;

/** The declared tier of an environment (its `gitops-platform:tier`). */
export type TierOf = (env: Environment) => Tier;

/**
 * Pulumi policies for `rules`: one per rule, named by its ID, enforced at its severity. Without
 * `tierOf`, every environment is judged by the strictest tier's rules.
 */
export function policiesFor(
  rules: readonly Rule[],
  guardrailsOf: GuardrailsOf,
  tierOf: TierOf = () => "production",
): Policies {
  const cache = new Map<Environment, GuardrailsConfig>();
  const guardrails = (env: Environment): GuardrailsConfig => {
    if (!cache.has(env)) cache.set(env, guardrailsOf(env));
    return cache.get(env) as GuardrailsConfig;
  };
  const tiers = new Map<Environment, Tier>();
  const tier = (env: Environment): Tier => {
    if (!tiers.has(env)) tiers.set(env, tierOf(env));
    return tiers.get(env) as Tier;
  };
  return rules.map((rule) => {
    const base = {
      name: rule.id,
      description: `${rule.title}. ${rule.rationale}`,
      enforcementLevel: rule.severity,
      remediationSteps: rule.fix,
    };
    if (rule.crossSubject) {
      const policy: StackValidationPolicy = {
        ...base,
        validateStack: (args, report) => {
          const subjects = args.resources.map((r) => subjectOf(r));
          if (subjects.length === 0) return;
          const env = envOfStack(subjects[0].stack);
          const ctx: RuleContext = { env, tier: tier(env), subjects };
          let reported = 0;
          const quiet = subjects.flatMap((s, n) => {
            if (!rule.appliesTo(s)) return [];
            return reportOutcomes(rule, rule.check(s, ctx), s, guardrails(env), (message) => {
              reported++;
              report(message, args.resources[n].urn);
            });
          });
          // "Not applicable" covers the whole stack, so it is only said when nothing was reported.
          if (quiet.length && reported === 0) args.notApplicable(quiet.join("; "));
        },
      };
      return policy;
    }
    const policy: ResourceValidationPolicy = {
      ...base,
      validateResource: (args, report) => {
        const subject = subjectOf(args);
        if (!rule.appliesTo(subject)) return;
        const env = envOfStack(subject.stack);
        const ctx: RuleContext = { env, tier: tier(env), subjects: [subject] };
        const quiet = reportOutcomes(rule, rule.check(subject, ctx), subject, guardrails(env), report);
        if (quiet.length) args.notApplicable(quiet.join("; "));
      },
    };
    return policy;
  });
}

function subjectOf(r: AnalyzedResource): Extract<Subject, { source: "resource" }> {
  return { source: "resource", stack: stackOfUrn(r.urn), resource: declaredOf(r) };
}

/**
 * Reports a subject's violations, unless config suppresses the rule for it. Returns why nothing was
 * reported when that is so (suppressed, or undetermined), for the pack's "not applicable" note;
 * an empty list when there was nothing to say or a violation was reported.
 */
export function reportOutcomes(
  rule: Rule,
  outcomes: readonly Outcome[],
  subject: Extract<Subject, { source: "resource" }>,
  guardrails: GuardrailsConfig,
  report: ReportViolation,
): string[] {
  if (outcomes.length === 0) return [];
  const ref = resourceRef(subject.resource);
  const target: Target = { resource: ref, stack: subject.stack };
  const suppression = suppressionFor(guardrails, rule.id, target);
  const file = configFileOf(envOfStack(subject.stack));
  if (suppression) return [`${ref}: suppressed in ${file} (gitops-platform:guardrails): ${suppression.reason}`];
  const violations = outcomes.filter((o) => o.level === "violation");
  for (const v of violations) report(`${ref}: ${v.message}`);
  if (violations.length) return [];
  return outcomes.map((o) => `${ref}: ${o.message}`);
}
