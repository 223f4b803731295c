import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stack";
import { evaluatePolicy } from "../policy/engine";
import { Subject } from "../policy/model";
import { RULE_IDS, RULES, ruleById } from "../policy/rules";
import { RuleCase } from "./support/policy-cases";
import { argocdEdgeCases } from "./support/policy-cases-argocd-edges";
import { awsCases } from "./support/policy-cases-aws";
import { eksEdgeCases } from "./support/policy-cases-aws-edges";
import { iamEdgeCases } from "./support/policy-cases-iam-edges";
import { kubeCases } from "./support/policy-cases-kube";
import { pulumiCases } from "./support/policy-cases-pulumi";
import { workloadEdgeCases } from "./support/policy-cases-workload-edges";

const cases: RuleCase[] = [
  ...awsCases,
  ...eksEdgeCases,
  ...iamEdgeCases,
  ...kubeCases,
  ...argocdEdgeCases,
  ...workloadEdgeCases,
  ...pulumiCases,
];

function subjectsOf(c: RuleCase): Subject[] {
  return [
    ...c.resources.map((resource): Subject => ({ source: "resource", stack: "test-production", resource })),
    ...c.manifests.map((manifest): Subject => ({ source: "manifest", manifest })),
  ];
}

/** The "## Rules" section of docs/guardrails.md, up to the next heading: other tables are not rules. */
function rulesTable(): string {
  const page = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "guardrails.md"), "utf8");
  const start = page.search(/^## Rules$/m);
  assert.ok(start >= 0, 'docs/guardrails.md has no "## Rules"');
  const rest = page.slice(page.indexOf("\n", start) + 1);
  const end = rest.search(/^#{2,3} /m);
  return end < 0 ? rest : rest.slice(0, end);
}

describe("guardrail rules", () => {
  // The table's own checks come first: a mutation run stops at the first failing test (test/mutation).
  it("has a passing and a failing case for every rule", () => {
    const missing = RULES.flatMap((r) => {
      const own = cases.filter((c) => c.rule === r.id);
      return [
        own.some((c) => c.expect === "pass") ? [] : [`${r.id}: no passing case`],
        own.some((c) => c.expect === "violation") ? [] : [`${r.id}: no failing case`],
      ].flat();
    });
    assert.deepEqual(missing, []);
  });

  it("gives every rule a unique kebab-case ID, a severity, a one-line rationale and a fix", () => {
    assert.ok(RULES.length >= 25, `only ${RULES.length} rules`);
    assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
    for (const r of RULES) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)+$/);
      assert.ok(["mandatory", "advisory"].includes(r.severity), r.id);
      for (const text of [r.title, r.rationale, r.fix]) assert.ok(text.length > 10 && !text.includes("\n"), r.id);
    }
  });

  it("files every rule under the area its ID prefix names", () => {
    const areas: Record<string, string> = {
      eks: "eks",
      ec2: "aws",
      kms: "aws",
      iam: "aws",
      helm: "helm",
      argocd: "argocd",
      k8s: "workload",
      pulumi: "pulumi",
    };
    assert.deepEqual(
      RULES.filter((r) => areas[r.id.split("-")[0]] !== r.area).map((r) => `${r.id}: ${r.area}`),
      [],
    );
  });

  it("judges across the group exactly the rules that read other subjects: the policy pack runs them per stack", () => {
    assert.deepEqual(
      RULES.filter((r) => r.crossSubject).map((r) => r.id),
      [
        "argocd-project-no-cluster-resources",
        "argocd-handoff-single-owner",
        "argocd-handoff-release-retained",
        "argocd-handoff-definitions-agree",
        "k8s-pdb-for-replicas",
        "pulumi-deleted-with-cluster",
      ],
    );
  });

  it("tells how to fix missing control plane logs by naming every log type", () => {
    assert.equal(
      ruleById("eks-control-plane-logs")?.fix,
      "Set enabledClusterLogTypes to api, audit, authenticator, controllerManager, scheduler.",
    );
  });

  it("lists every rule in the docs/guardrails.md table with its severity, what and why", () => {
    const rows = new Map(
      [...rulesTable().matchAll(/^\| `([a-z0-9-]+)` +\| (\w+) +\| (.+?) +\| (.+?) +\|$/gm)].map((m) => [
        m[1],
        m.slice(2, 5).map((cell) => cell.replace(/\\([|*])/g, "$1")),
      ]),
    );
    assert.deepEqual([...rows.keys()], RULE_IDS);
    for (const r of RULES) assert.deepEqual(rows.get(r.id), [r.severity, r.title, r.rationale], r.id);
  });

  for (const c of cases) {
    it(`${c.rule} ${c.what}`, () => {
      const rule = ruleById(c.rule);
      assert.ok(rule, `no rule ${c.rule}`);
      // A passing case proves nothing unless the rule actually judged something in it.
      assert.ok(
        subjectsOf(c).some((s) => rule.appliesTo(s)),
        `${c.rule} judges none of the inputs`,
      );
      const report = evaluatePolicy({
        env: "any-name",
        tier: c.tier,
        stacks: [{ stack: "test-production", resources: c.resources }],
        manifests: c.manifests,
        rules: [rule],
      });
      const findings = c.expect === "undetermined" ? report.undetermined : report.violations;
      const others = c.expect === "undetermined" ? report.violations : report.undetermined;
      assert.deepEqual(
        findings.map((f) => f.message),
        c.messages,
      );
      assert.deepEqual(others, [], "unexpected findings of the other kind");
    });
  }
});
