import { DeclaredResource } from "./model";
import { describeOpaque, isOpaque, isRecord, listAt, Opaque } from "./values";

/**
 * IAM permission policies as declared: a JSON string or an object, on a Policy, an inline
 * RolePolicy/UserPolicy/GroupPolicy, or a Role's inlinePolicies. Trust policies
 * (`assumeRolePolicy`) are not permission grants and are not read here.
 */

export const POLICY_DOCUMENT_TYPES = [
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:iam/role:Role",
];

/** One statement, with Action/Resource normalised to lists. */
export interface Statement {
  /** Where it was declared, for messages: `policy Statement[1]`. */
  readonly where: string;
  readonly allow: boolean;
  readonly actions: readonly unknown[];
  readonly notAction: boolean;
  readonly resources: readonly unknown[];
  readonly notResource: boolean;
}

export type Documents = { statements: Statement[]; unreadable: string[] };

/** Every statement of every permission policy `resource` declares, and what could not be read. */
export function statementsOf(resource: DeclaredResource): Documents {
  const result: Documents = { statements: [], unreadable: [] };
  const documents: [string, unknown][] =
    resource.type === "aws:iam/role:Role"
      ? inlinePolicies(resource.inputs.inlinePolicies)
      : [["policy", resource.inputs.policy]];
  for (const [where, raw] of documents) {
    if (isOpaque(raw)) {
      result.unreadable.push(describeOpaque(where, raw));
      continue;
    }
    const document = parseDocument(raw);
    if (typeof document === "string") result.unreadable.push(`${where} ${document}, so this cannot be judged`);
    else result.statements.push(...statementList(where, document));
  }
  return result;
}

function inlinePolicies(value: unknown): [string, unknown][] {
  const list = listAt(value);
  if (isOpaque(list)) return [["inlinePolicies", list]];
  return list.map((p, n) => [`inlinePolicies[${n}].policy`, isRecord(p) ? p.policy : undefined]);
}

/** The parsed document, or a string saying why it cannot be read. */
function parseDocument(raw: unknown): Record<string, unknown> | string {
  if (raw === undefined) return {};
  if (isRecord(raw)) return raw;
  if (typeof raw !== "string") return "is not a policy document";
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : "is not a JSON object";
  } catch {
    return "is not valid JSON";
  }
}

function statementList(where: string, document: Record<string, unknown>): Statement[] {
  const raw = document.Statement;
  // Stryker disable next-line ConditionalExpression,ArrayDeclaration: [undefined] or a string entry is dropped by the isRecord filter as [] is
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined ? [] : [raw];
  return list.filter(isRecord).map((s, n) => ({
    where: `${where} Statement[${n}]`,
    allow: s.Effect === "Allow",
    actions: asList(s.Action ?? s.NotAction),
    notAction: s.NotAction !== undefined,
    resources: asList(s.Resource ?? s.NotResource),
    notResource: s.NotResource !== undefined,
  }));
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

/** The first opaque action or resource of a statement: the statement cannot be fully judged. */
export function opaqueIn(values: readonly unknown[]): Opaque | undefined {
  return values.find(isOpaque);
}

/** `service:Action` with `*` globs, matched case-insensitively as IAM does. */
export function actionMatches(action: string, pattern: RegExp): boolean {
  return pattern.test(action.toLowerCase());
}
