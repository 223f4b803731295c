import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import {
  guardrailsConfigSchema,
  NO_GUARDRAILS,
  parseGuardrailsConfig,
  readGuardrailsConfig,
  severityIn,
} from "../policy/config";
import { policyPackConfig } from "../policy/pack-config";
import { RULE_IDS } from "../policy/rules";
import { documentedKeyTable, generatedKeyTable } from "./support/config";
import { removeTempDirs, tempDir } from "./support/temp";

const FILE = "Pulumi.production.yaml";
const suppression = {
  rule: "argocd-project-no-cluster-resources",
  resource: "kubernetes:argoproj.io/v1alpha1:AppProject::platform",
  reason: "the platform project installs CRDs and ClusterRoles for the ops releases",
};

function errorOf(raw: unknown): string {
  try {
    parseGuardrailsConfig(raw, FILE);
  } catch (err) {
    assert.equal((err as Error).name, "InputError");
    return (err as Error).message;
  }
  assert.fail("expected the parse to fail");
}

describe("guardrails config", () => {
  after(removeTempDirs);

  it("parses suppressions by resource and by manifest file", () => {
    const file = {
      rule: "k8s-image-pinned",
      file: "apps/legacy/deployment-legacy.yaml",
      reason: "vendor ships latest",
    };
    assert.deepEqual(parseGuardrailsConfig({ suppressions: [suppression, file] }, FILE), {
      severity: {},
      suppressions: [suppression, file],
    });
  });

  const cases: [string, unknown, string][] = [
    [
      "an empty reason",
      { suppressions: [{ ...suppression, reason: "" }] },
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].reason: received ""; expected a written reason why the rule does not apply here',
    ],
    [
      "a reason of blanks",
      { suppressions: [{ ...suppression, reason: "   " }] },
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].reason: received "   "; expected a written reason why the rule does not apply here',
    ],
    [
      "a missing reason",
      { suppressions: [{ rule: suppression.rule, resource: suppression.resource }] },
      "Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].reason: received nothing (the key is missing); expected a string",
    ],
    [
      "an unknown rule",
      { suppressions: [{ ...suppression, rule: "no-bugs" }] },
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].rule: received "no-bugs"; expected a rule ID from the guardrails table in docs/guardrails.md',
    ],
    [
      "a resource that is not type::name",
      { suppressions: [{ ...suppression, resource: "platform" }] },
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].resource: received "platform"; expected type::name of a declared resource, as synth prints it',
    ],
    [
      "both a resource and a file",
      { suppressions: [{ ...suppression, file: "apps/x/y.yaml" }] },
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].file: received "apps/x/y.yaml"; expected exactly one of resource (type::name) or file (a manifest path)',
    ],
    [
      "neither a resource nor a file",
      { suppressions: [{ rule: suppression.rule, reason: suppression.reason }] },
      "Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].resource: received nothing (the key is missing); expected exactly one of resource (type::name) or file (a manifest path)",
    ],
    [
      "an unknown key",
      { suppressions: [{ ...suppression, until: "2026-01-01" }] },
      "Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].until: unknown key; expected one of the known keys: file, reason, resource, rule",
    ],
    [
      "a mandatory rule lowered for the environment",
      { severity: { "k8s-read-only-root-fs": "advisory" }, suppressions: [] },
      'Pulumi.production.yaml: gitops-platform:guardrails.severity.k8s-read-only-root-fs: received "advisory"; expected "mandatory": k8s-read-only-root-fs is mandatory in every environment (suppress it for one resource or file, with a reason)',
    ],
    [
      "a severity for an unknown rule",
      { severity: { "read-only-root-filesystem": "mandatory" }, suppressions: [] },
      'Pulumi.production.yaml: gitops-platform:guardrails.severity.read-only-root-filesystem: received "mandatory"; expected a key that is a rule ID from the guardrails table',
    ],
    [
      "a severity that is neither mandatory nor advisory",
      { severity: { "k8s-drop-all-capabilities": "error" }, suppressions: [] },
      'Pulumi.production.yaml: gitops-platform:guardrails.severity.k8s-drop-all-capabilities: received "error"; expected one of "mandatory", "advisory"',
    ],
    [
      "a missing section",
      undefined,
      "Pulumi.production.yaml: gitops-platform:guardrails: received nothing (the key is missing); expected a map of keys",
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(`fails with one clear error for ${what}`, () => assert.equal(errorOf(raw), message));
  }

  const refusedResources: [string, string][] = [
    ["a blank before the type", " kubernetes:apps/v1:Deployment::web"],
    ["no name after ::", "kubernetes:apps/v1:Deployment::"],
    ["a blank for a name", "kubernetes:apps/v1:Deployment:: web"],
    ["a type of two parts", "kubernetes:Deployment::web"],
  ];
  for (const [what, resource] of refusedResources) {
    it(`fails on a resource with ${what}`, () => {
      assert.equal(
        errorOf({ suppressions: [{ ...suppression, resource }] }),
        `Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].resource: received ${JSON.stringify(resource)}; ` +
          "expected type::name of a declared resource, as synth prints it",
      );
    });
  }

  it("fails on an empty manifest path", () => {
    assert.equal(
      errorOf({ suppressions: [{ rule: suppression.rule, file: "", reason: suppression.reason }] }),
      'Pulumi.production.yaml: gitops-platform:guardrails.suppressions[0].file: received ""; expected at least 1 character(s)',
    );
  });

  it("accepts resources of every type form synth prints", () => {
    const resources = [
      "pulumi:providers:kubernetes::default",
      "aws:s3/bucket:Bucket::logs",
      "gitops-platform:infra:Cluster::gitops-staging",
      "kubernetes:apps/v1:Deployment::web",
    ];
    const parsed = parseGuardrailsConfig(
      { suppressions: resources.map((resource) => ({ ...suppression, resource })) },
      FILE,
    );
    assert.deepEqual(
      parsed.suppressions.map((s) => s.resource),
      resources,
    );
  });

  it("is the same without a guardrails section as with an empty one", () => {
    assert.deepEqual(NO_GUARDRAILS, parseGuardrailsConfig({ suppressions: [] }, FILE));
  });

  it("keeps each rule at its own severity when the environment says so again", () => {
    const severity = { "k8s-read-only-root-fs": "mandatory", "k8s-drop-all-capabilities": "advisory" };
    assert.deepEqual(parseGuardrailsConfig({ severity, suppressions: [] }, FILE).severity, severity);
  });

  it("gives a rule the table's severity, raised where the environment says, and mandatory in a production tier", () => {
    const raised = parseGuardrailsConfig(
      { severity: { "k8s-drop-all-capabilities": "mandatory" }, suppressions: [] },
      FILE,
    );
    const advisory = { id: "ec2-imds-hop-limit", severity: "advisory" } as const;
    const mandatory = { id: "kms-key-rotation", severity: "mandatory" } as const;
    assert.equal(severityIn(raised, advisory, "staging"), "advisory");
    assert.equal(severityIn(raised, mandatory, "development"), "mandatory");
    assert.equal(severityIn(raised, { id: "k8s-drop-all-capabilities", severity: "advisory" }, "staging"), "mandatory");
    assert.equal(severityIn(raised, advisory, "production"), "mandatory");
  });

  it("documents every key of the schema in docs/config.md's generated table", () => {
    assert.deepEqual(generatedKeyTable(guardrailsConfigSchema), documentedKeyTable("guardrails-keys"));
  });

  it("raises an advisory rule to mandatory for one environment", () => {
    const raised = parseGuardrailsConfig(
      { severity: { "k8s-drop-all-capabilities": "mandatory" }, suppressions: [] },
      FILE,
    );
    assert.deepEqual(raised.severity, { "k8s-drop-all-capabilities": "mandatory" });
  });

  it("reads the section from an environment's config file, as the policy pack does", () => {
    const dir = tempDir("guardrails");
    fs.writeFileSync(
      path.join(dir, FILE),
      [
        "config:",
        "  gitops-platform:environment: production",
        "  gitops-platform:guardrails:",
        "    suppressions:",
        `      - rule: ${suppression.rule}`,
        `        resource: ${suppression.resource}`,
        `        reason: ${suppression.reason}`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(readGuardrailsConfig(dir, "production"), { severity: {}, suppressions: [suppression] });
    assert.throws(() => readGuardrailsConfig(dir, "staging"), {
      name: "InputError",
      message: /^Pulumi\.staging\.yaml: not found in \S+; expected the config file of the staging stacks$/,
    });
  });
});

describe("the policy pack's config per environment", () => {
  it("gives every rule its environment's severity, so a production tier's rules all block in a real preview too", () => {
    const staging = policyPackConfig(readGuardrailsConfig(REPO_ROOT, "staging"), "staging");
    const production = policyPackConfig(readGuardrailsConfig(REPO_ROOT, "production"), "production");
    assert.deepEqual(Object.keys(staging), RULE_IDS);
    assert.deepEqual(staging["ec2-imds-hop-limit"], { enforcementLevel: "advisory" });
    assert.deepEqual(staging["kms-key-rotation"], { enforcementLevel: "mandatory" });
    assert.deepEqual(
      Object.entries(production).filter(([, c]) => c.enforcementLevel !== "mandatory"),
      [],
      "the production tier makes every rule mandatory",
    );
  });
});
