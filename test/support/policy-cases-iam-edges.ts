import { UNKNOWN_MARKER } from "../../config";
import { declared, iamPolicy } from "./policy";
import { cannotJudge, fails, one, passes, RuleCase } from "./policy-cases";

const POLICY = "aws:iam/policy:Policy";
const UNKNOWN = "is unknown until deployed, so this cannot be judged";
const ADMIN = "arn:aws:iam::aws:policy/IAMFullAccess";

const allow = (statement: Record<string, unknown>) =>
  one(POLICY, { policy: iamPolicy({ Effect: "Allow", ...statement }) });

/** IAM documents and statements: each shape a policy can take, and each way one cannot be read. */
export const iamEdgeCases: RuleCase[] = [
  fails(
    "iam-no-wildcard-actions",
    'fails "*" and every service wildcard of a statement in one message',
    allow({ Action: ["*", "s3:GetObject", "EC2:*"], Resource: "*" }),
    'policy Statement[0] allows "*", "EC2:*"',
  ),
  cannotJudge(
    "iam-no-wildcard-actions",
    "cannot judge an action unknown offline",
    allow({ Action: ["s3:GetObject", UNKNOWN_MARKER], Resource: "*" }),
    `an Action of policy Statement[0] ${UNKNOWN}`,
  ),
  passes("iam-no-wildcard-actions", "passes a policy with no document, and one statement given as an object", {
    resources: [
      declared(POLICY, "empty", {}),
      declared(POLICY, "single", { policy: { Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" } } }),
    ],
  }),
  cannotJudge(
    "iam-no-wildcard-actions",
    "cannot judge a document that is not JSON, not an object, or not a document at all",
    {
      resources: [
        declared(POLICY, "not-json", { policy: "{" }),
        declared(POLICY, "array", { policy: "[]" }),
        declared(POLICY, "number", { policy: 7 }),
      ],
    },
    "policy is not valid JSON, so this cannot be judged",
    "policy is not a JSON object, so this cannot be judged",
    "policy is not a policy document, so this cannot be judged",
  ),
  cannotJudge(
    "iam-no-wildcard-actions",
    "cannot judge a role whose inline policies are unknown offline",
    one("aws:iam/role:Role", { assumeRolePolicy: "{}", inlinePolicies: UNKNOWN_MARKER }),
    `inlinePolicies ${UNKNOWN}`,
  ),
  fails(
    "iam-no-wildcard-actions",
    "judges each statement of a list, skipping entries that are not statements, by their index",
    one(POLICY, {
      policy: {
        Statement: ["junk", { Effect: "Allow", Action: "s3:GetObject" }, { Effect: "Allow", Action: "iam:*" }],
      },
    }),
    'policy Statement[1] allows "iam:*"',
  ),

  fails(
    "iam-route53-scoped",
    "fails record changes on NotResource and without a Resource",
    {
      resources: [
        declared(POLICY, "not-resource", {
          policy: iamPolicy({ Effect: "Allow", Action: "route53:ChangeResourceRecordSets", NotResource: "arn:x" }),
        }),
        declared(POLICY, "no-resource", {
          policy: iamPolicy({ Effect: "Allow", Action: "route53:ChangeResourceRecordSets" }),
        }),
      ],
    },
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" on NotResource',
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" without a Resource',
  ),
  cannotJudge(
    "iam-route53-scoped",
    "cannot judge a zone ARN unknown offline",
    allow({ Action: "route53:ChangeResourceRecordSets", Resource: UNKNOWN_MARKER }),
    `a Resource of policy Statement[0] ${UNKNOWN}`,
  ),
  fails(
    "iam-route53-scoped",
    "names every broad resource of a statement",
    allow({ Action: "route53:ChangeResourceRecordSets", Resource: ["*", "arn:aws:route53:::hostedzone/*"] }),
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" on "*", "arn:aws:route53:::hostedzone/*", not named hosted zones',
  ),

  passes(
    "iam-no-wildcard-actions",
    'passes a prefix wildcard within a service ("s3:Get*") and a wildcard inside an action name',
    allow({ Action: ["s3:Get*", "s3:*Object"], Resource: "*" }),
  ),
  passes(
    "iam-route53-scoped",
    "judges only the route53 service: another service whose name ends in route53 is not it",
    allow({ Action: "notroute53:ChangeResourceRecordSets", Resource: "*" }),
  ),
  passes(
    "iam-route53-scoped",
    "passes a named hosted zone of another partition",
    allow({ Action: "route53:ChangeResourceRecordSets", Resource: "arn:aws-cn:route53:::hostedzone/Z0123456789ABC" }),
  ),
  fails(
    "iam-route53-scoped",
    "fails a resource that only starts like a hosted zone ARN",
    allow({ Action: "route53:ChangeResourceRecordSets", Resource: "arn:aws:route53:::hostedzone/Z0123/*" }),
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" on "arn:aws:route53:::hostedzone/Z0123/*", not named hosted zones',
  ),
  passes(
    "iam-logs-scoped",
    "judges only the logs service: another service whose name ends in logs is not it",
    allow({ Action: "notlogs:PutLogEvents", Resource: "*" }),
  ),
  fails(
    "iam-route53-scoped",
    "fails a resource that only ends like a hosted zone ARN",
    allow({
      Action: "route53:ChangeResourceRecordSets",
      Resource: "arn:aws:s3:::bucket/arn:aws:route53:::hostedzone/Z0123456789ABC",
    }),
    'policy Statement[0] grants "route53:ChangeResourceRecordSets" on "arn:aws:s3:::bucket/arn:aws:route53:::hostedzone/Z012345..., not named hosted zones',
  ),
  passes(
    "iam-logs-scoped",
    "passes log groups of another partition and a log stream inside a named group; judges only the logs service",
    allow({
      Action: ["logs:PutLogEvents", "cloudwatchlogs:PutLogEvents"],
      Resource: [
        "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/gitops/*",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/gitops/x:log-stream:*",
      ],
    }),
  ),
  fails(
    "iam-logs-scoped",
    "fails a resource that only ends like a log group ARN, and one broken by a line break",
    allow({
      Action: "logs:PutLogEvents",
      Resource: [
        "arn:aws:s3:::b/arn:aws:logs:eu-west-1:123456789012:log-group:/x",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/x:a\nb",
      ],
    }),
    'policy Statement[0] grants "logs:PutLogEvents" on "arn:aws:s3:::b/arn:aws:logs:eu-west-1:123456789012:log-g..., "arn:aws:logs:eu-west-1:123456789012:log-group:/x:a\\nb", not named log groups',
  ),
  passes(
    "iam-no-admin-policies",
    "passes a managed policy whose name only starts like a broad one",
    one("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {
      group: "admins",
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
    }),
  ),
  fails(
    "iam-no-admin-policies",
    "fails IAMFullAccess attached to a user, a group or by a policy attachment",
    {
      resources: [
        declared("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user", { policyArn: ADMIN }),
        declared("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group", { policyArn: ADMIN }),
        declared("aws:iam/policyAttachment:PolicyAttachment", "any", { policyArn: ADMIN }),
      ],
    },
    `policyArn attaches "${ADMIN}"`,
    `policyArn attaches "${ADMIN}"`,
    `policyArn attaches "${ADMIN}"`,
  ),
  fails(
    "iam-no-wildcard-actions",
    "fails wildcards in a user's and a group's inline policy",
    {
      resources: [
        declared("aws:iam/userPolicy:UserPolicy", "user", { policy: iamPolicy({ Effect: "Allow", Action: "*" }) }),
        declared("aws:iam/groupPolicy:GroupPolicy", "group", { policy: iamPolicy({ Effect: "Allow", Action: "*" }) }),
      ],
    },
    'policy Statement[0] allows "*"',
    'policy Statement[0] allows "*"',
  ),
  passes(
    "iam-no-admin-policies",
    "passes a role with narrow managed policies and one this program declares (unknown offline)",
    one("aws:iam/role:Role", {
      assumeRolePolicy: "{}",
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", UNKNOWN_MARKER],
    }),
  ),
  fails(
    "iam-no-admin-policies",
    "fails a role's managed PowerUserAccess, naming managedPolicyArns",
    one("aws:iam/role:Role", {
      assumeRolePolicy: "{}",
      managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
    }),
    'managedPolicyArns attaches "arn:aws:iam::aws:policy/PowerUserAccess"',
  ),
  cannotJudge(
    "iam-no-admin-policies",
    "cannot judge a role's managed policy list unknown offline",
    one("aws:iam/role:Role", { assumeRolePolicy: "{}", managedPolicyArns: UNKNOWN_MARKER }),
    `managedPolicyArns ${UNKNOWN}`,
  ),
];
