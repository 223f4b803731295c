import { defineRule } from "../define";
import { actionMatches, opaqueIn, POLICY_DOCUMENT_TYPES, Statement, statementsOf } from "../iam";
import { DeclaredResource, Outcome, Rule, undetermined, violation } from "../model";
import { describeOpaque, isOpaque, listAt, show } from "../values";

/**
 * Least privilege for the identities the infra layer creates (node role, Pod Identity roles for
 * external-dns and the log shipper). List/Describe calls that AWS only authorises on `*` are
 * exempt from resource scoping; writes are not.
 */

/** Runs `judge` over every Allow statement of the resource's permission policies. */
function overAllowStatements(r: DeclaredResource, judge: (s: Statement) => Outcome[]): Outcome[] {
  const { statements, unreadable } = statementsOf(r);
  return [...unreadable.map(undetermined), ...statements.filter((s) => s.allow).flatMap(judge)];
}

const SERVICE_WILDCARD = /^([a-z0-9-]+:)?\*$/;

const noWildcardActions = defineRule({
  id: "iam-no-wildcard-actions",
  severity: "mandatory",
  area: "aws",
  title: 'Permission policies grant no "*" or "service:*" actions',
  rationale: "A wildcard grants every future action of the service too; a leaked pod credential then owns it.",
  fix: "List the exact actions the workload calls.",
  resources: {
    types: POLICY_DOCUMENT_TYPES,
    check: (r) =>
      overAllowStatements(r, (s) => {
        if (s.notAction) return [violation(`${s.where} allows everything except NotAction`)];
        const opaque = opaqueIn(s.actions);
        if (opaque) return [undetermined(describeOpaque(`an Action of ${s.where}`, opaque))];
        const wild = s.actions.filter((a) => actionMatches(String(a), SERVICE_WILDCARD));
        return wild.length ? [violation(`${s.where} allows ${wild.map((a) => show(a)).join(", ")}`)] : [];
      }),
  },
});

/**
 * A statement whose actions include one matching `scoped` must name resources that all match
 * `allowedResource`: `*` and `NotResource` fail, opaque resources cannot be judged.
 */
function scopedResources(s: Statement, scoped: RegExp, allowedResource: RegExp, what: string): Outcome[] {
  const actions = s.actions.filter((a) => !isOpaque(a) && actionMatches(String(a), scoped));
  if (actions.length === 0) return [];
  if (s.notResource) return [violation(`${s.where} grants ${show(actions[0])} on NotResource`)];
  if (s.resources.length === 0) return [violation(`${s.where} grants ${show(actions[0])} without a Resource`)];
  const opaque = opaqueIn(s.resources);
  if (opaque) return [undetermined(describeOpaque(`a Resource of ${s.where}`, opaque))];
  const broad = s.resources.filter((res) => !allowedResource.test(String(res)));
  if (broad.length === 0) return [];
  return [violation(`${s.where} grants ${show(actions[0])} on ${broad.map((b) => show(b)).join(", ")}, not ${what}`)];
}

/** Route53 actions other than reads (List*, Get*), including wildcards that cover writes. */
const ROUTE53_WRITE = /^route53:(?!list|get)/;
const HOSTED_ZONE_ARN = /^arn:aws[a-z-]*:route53:::hostedzone\/[A-Za-z0-9]+$/;

const route53Scoped = defineRule({
  id: "iam-route53-scoped",
  severity: "mandatory",
  area: "aws",
  title: "Route53 record changes are allowed on named hosted zones only",
  rationale: "external-dns with route53:ChangeResourceRecordSets on * can rewrite every zone in the account.",
  fix: "Set Resource to arn:aws:route53:::hostedzone/<zone-id> for each zone external-dns manages.",
  resources: {
    types: POLICY_DOCUMENT_TYPES,
    check: (r) =>
      overAllowStatements(r, (s) => scopedResources(s, ROUTE53_WRITE, HOSTED_ZONE_ARN, "named hosted zones")),
  },
});

/** CloudWatch Logs actions other than Describe*, which only works on `*`. */
const LOGS_WRITE = /^logs:(?!describe)/;
/** A log group in a named region and account; a name prefix with a trailing `*` is fine, `log-group:*` is not. */
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^*:][^:]*(:.*)?$/;

const logsScoped = defineRule({
  id: "iam-logs-scoped",
  severity: "mandatory",
  area: "aws",
  title: "CloudWatch Logs writes are allowed on named log groups only",
  rationale: "A log shipper allowed to write or delete any log group can erase the audit trail of everything else.",
  fix: "Set Resource to arn:aws:logs:<region>:<account>:log-group:<cluster prefix>* for the log shipper.",
  resources: {
    types: POLICY_DOCUMENT_TYPES,
    check: (r) => overAllowStatements(r, (s) => scopedResources(s, LOGS_WRITE, LOG_GROUP_ARN, "named log groups")),
  },
});

const ATTACHMENT_TYPES = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
];
const BROAD_MANAGED_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

const noAdminPolicies = defineRule({
  id: "iam-no-admin-policies",
  severity: "mandatory",
  area: "aws",
  title: "No identity gets AdministratorAccess, PowerUserAccess or IAMFullAccess",
  rationale: "These AWS-managed policies are account takeover in one step if the identity leaks.",
  fix: "Attach a policy with the exact actions and resources instead.",
  resources: {
    types: [...ATTACHMENT_TYPES, "aws:iam/role:Role"],
    check: (r) => {
      const arns = r.type === "aws:iam/role:Role" ? listAt(r.inputs.managedPolicyArns) : [r.inputs.policyArn];
      const path = r.type === "aws:iam/role:Role" ? "managedPolicyArns" : "policyArn";
      if (isOpaque(arns)) return [undetermined(describeOpaque(path, arns))];
      return arns.flatMap((arn): Outcome[] => {
        // AWS-managed policy ARNs are literal constants; an unknown ARN is a policy this program
        // declares, whose document the rules above judge.
        // Stryker disable next-line ConditionalExpression: no marker matches BROAD_MANAGED_POLICIES either; this says so on purpose
        if (isOpaque(arn)) return [];
        return BROAD_MANAGED_POLICIES.test(String(arn)) ? [violation(`${path} attaches ${show(arn)}`)] : [];
      });
    },
  },
});

export const iamRules: readonly Rule[] = [noWildcardActions, route53Scoped, logsScoped, noAdminPolicies];
