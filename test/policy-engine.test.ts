import * as assert from "node:assert/strict";
import { SynthResult } from "../automation/synth/synth";
import { GuardrailsConfig } from "../policy/config";
import type { Tier } from "../environments";
import { blocksChange, evaluatePolicy, PolicyReport, PolicyViolationError } from "../policy/engine";
import { DeclaredStack, Subject } from "../policy/model";
import { UNKNOWN_MARKER } from "../config";
import { policyNotes, renderPolicyReport } from "../policy/report";
import { ruleById } from "../policy/rules";
import { declared, declaredObject, deployment, eksCluster, manifest, patch, pdb } from "./support/policy";

const plain = (_style: string, text: string): string => text;
const latest = patch(deployment, "spec.template.spec.containers.0.image", "nginx:latest");
const keyWithoutRotation = declared("aws:kms/key:Key", "secrets", {}, { protect: true });

function stack(...resources: ReturnType<typeof declared>[]): DeclaredStack {
  return { stack: "infra-production", resources };
}

describe("guardrails engine", () => {
  it("reports a violation with its rule, severity, target and message, and blocks on it", () => {
    const report = evaluatePolicy({ env: "production", tier: "production", stacks: [stack(keyWithoutRotation)] });
    assert.deepEqual(report.violations, [
      {
        rule: "kms-key-rotation",
        severity: "mandatory",
        resource: "aws:kms/key:Key::secrets",
        stack: "infra-production",
        message: "enableKeyRotation is unset",
      },
    ]);
    assert.equal(blocksChange(report), true);
  });

  it("does not block on advisory violations", () => {
    const report = evaluatePolicy({
      env: "staging",
      tier: "staging",
      manifests: [manifest(patch(deployment, "spec.template.spec.containers.0.securityContext.capabilities", {}))],
    });
    assert.deepEqual(
      report.violations.map((v) => [v.rule, v.severity, "file" in v && v.file]),
      [["k8s-drop-all-capabilities", "advisory", "apps/demo/deployment-demo.yaml"]],
    );
    assert.equal(blocksChange(report), false);
  });

  it("enforces every rule as mandatory in a production-tier environment, whatever its name", () => {
    const capabilities = manifest(
      patch(deployment, "spec.template.spec.containers.0.securityContext.capabilities", {}),
    );
    const severity = (env: string, tier: Tier) =>
      evaluatePolicy({ env, tier, manifests: [capabilities] }).violations.map((v) => [v.rule, v.severity]);
    assert.deepEqual(severity("live-eu", "production"), [["k8s-drop-all-capabilities", "mandatory"]]);
    assert.deepEqual(severity("production", "staging"), [["k8s-drop-all-capabilities", "advisory"]]);
    assert.deepEqual(severity("production", "development"), [["k8s-drop-all-capabilities", "advisory"]]);
  });

  it("blocks on an advisory rule the environment raises to mandatory", () => {
    const report = evaluatePolicy({
      env: "staging",
      tier: "staging",
      manifests: [manifest(patch(deployment, "spec.template.spec.containers.0.securityContext.capabilities", {}))],
      guardrails: { severity: { "k8s-drop-all-capabilities": "mandatory" }, suppressions: [] },
    });
    assert.deepEqual(
      report.violations.map((v) => [v.rule, v.severity]),
      [["k8s-drop-all-capabilities", "mandatory"]],
    );
    assert.equal(blocksChange(report), true);
  });

  it("judges each app's manifests apart, and lists only stale suppressions of what it judged", () => {
    const replicated = patch(deployment, "spec.replicas", 3);
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [
        { rule: "kms-key-rotation", resource: "aws:kms/key:Key::secrets", reason: "not judged here: no stacks" },
        { rule: "k8s-image-pinned", file: "apps/gone/deployment-gone.yaml", reason: "removed app" },
      ],
    };
    const report = evaluatePolicy({
      env: "staging",
      tier: "staging",
      // The other app's PDB selects the same labels, in the same namespace, but lives in another app's directory.
      manifests: [
        manifest(replicated, "apps/web/deployment-web.yaml"),
        manifest(pdb, "apps/api/poddisruptionbudget-api.yaml"),
      ],
      guardrails,
    });
    assert.deepEqual(
      report.violations.map((v) => [v.rule, "file" in v && v.file]),
      [["k8s-pdb-for-replicas", "apps/web/deployment-web.yaml"]],
    );
    assert.deepEqual(report.unusedSuppressions, [guardrails.suppressions[1]]);
  });

  it("reports a suppressed violation with its reason instead of failing", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [
        {
          rule: "kms-key-rotation",
          resource: "aws:kms/key:Key::secrets",
          reason: "imported key, rotated by the security team",
        },
      ],
    };
    const report = evaluatePolicy({
      env: "production",
      tier: "production",
      stacks: [stack(keyWithoutRotation)],
      guardrails,
    });
    assert.deepEqual(report.violations, []);
    assert.deepEqual(report.suppressed, [
      {
        rule: "kms-key-rotation",
        severity: "mandatory",
        resource: "aws:kms/key:Key::secrets",
        stack: "infra-production",
        message: "enableKeyRotation is unset",
        level: "violation",
        reason: "imported key, rotated by the security team",
      },
    ]);
    assert.equal(blocksChange(report), false);
  });

  it("suppresses one rule for one resource only: the same rule still blocks on every other resource", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [{ rule: "kms-key-rotation", resource: "aws:kms/key:Key::secrets", reason: "imported key" }],
    };
    const otherKey = declared("aws:kms/key:Key", "backups", {}, { protect: true });
    const report = evaluatePolicy({
      env: "production",
      tier: "production",
      stacks: [stack(keyWithoutRotation, otherKey)],
      guardrails,
    });
    assert.deepEqual(
      report.violations.map((v) => [v.rule, "resource" in v && v.resource]),
      [["kms-key-rotation", "aws:kms/key:Key::backups"]],
    );
    assert.deepEqual(
      report.suppressed.map((v) => [v.rule, "resource" in v && v.resource]),
      [["kms-key-rotation", "aws:kms/key:Key::secrets"]],
    );
    assert.equal(blocksChange(report), true);
  });

  it("refuses with an error that lists each mandatory violation, its target and its fix", () => {
    const fix = "Set enableKeyRotation: true on the aws.kms.Key.";
    const refusal = (...keys: string[]) =>
      new PolicyViolationError(
        evaluatePolicy({
          env: "production",
          tier: "production",
          stacks: [stack(...keys.map((k) => declared("aws:kms/key:Key", k, {}, { protect: true })))],
        }),
      );
    assert.equal(refusal("secrets").name, "PolicyViolationError");
    assert.equal(
      refusal("secrets").message,
      `policy (production): 1 mandatory violation:\n  - kms-key-rotation infra-production aws:kms/key:Key::secrets: enableKeyRotation is unset. Fix: ${fix}`,
    );
    assert.equal(
      refusal("secrets", "backups").message,
      "policy (production): 2 mandatory violations:\n" +
        `  - kms-key-rotation infra-production aws:kms/key:Key::secrets: enableKeyRotation is unset. Fix: ${fix}\n` +
        `  - kms-key-rotation infra-production aws:kms/key:Key::backups: enableKeyRotation is unset. Fix: ${fix}`,
    );
  });

  it("suppresses one rule for one manifest file only, and lists suppressions that matched nothing", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [
        { rule: "k8s-image-pinned", file: "apps/legacy/deployment-legacy.yaml", reason: "vendor ships only latest" },
        { rule: "k8s-image-pinned", file: "apps/gone/deployment-gone.yaml", reason: "removed app" },
      ],
    };
    const report = evaluatePolicy({
      env: "staging",
      tier: "staging",
      manifests: [
        manifest(latest, "apps/legacy/deployment-legacy.yaml"),
        manifest(latest, "apps/demo/deployment-demo.yaml"),
      ],
      guardrails,
    });
    assert.deepEqual(
      report.violations.map((v) => [v.rule, "file" in v && v.file]),
      [["k8s-image-pinned", "apps/demo/deployment-demo.yaml"]],
    );
    assert.deepEqual(
      report.suppressed.map((s) => [s.rule, "file" in s && s.file, s.reason]),
      [["k8s-image-pinned", "apps/legacy/deployment-legacy.yaml", "vendor ships only latest"]],
    );
    assert.deepEqual(report.unusedSuppressions, [guardrails.suppressions[1]]);
  });

  it("reports a value unknown offline as undetermined: neither a pass nor a block", () => {
    const cluster = declared("eks:index:Cluster", "cluster", patch(eksCluster, "authenticationMode", UNKNOWN_MARKER), {
      protect: true,
    });
    const report = evaluatePolicy({ env: "production", tier: "production", stacks: [stack(cluster)] });
    assert.deepEqual(report.violations, []);
    assert.deepEqual(
      report.undetermined.map((u) => [u.rule, u.message]),
      [["eks-auth-mode-api", "authenticationMode is unknown until deployed, so this cannot be judged"]],
    );
    assert.equal(blocksChange(report), false);
  });

  it("judges each stack apart: deletedWith is only required in the cluster's own stack", () => {
    const addon = declared("aws:eks/addon:Addon", "coredns", {
      addonName: "coredns",
      addonVersion: "v1.11.4-eksbuild.2",
    });
    const cluster = declared("eks:index:Cluster", "cluster", eksCluster, { protect: true });
    const report = evaluatePolicy({
      env: "production",
      tier: "production",
      stacks: [stack(cluster), { stack: "platform-production", resources: [addon] }],
    });
    assert.deepEqual(report.violations, []);
  });

  it("judges hydrated manifests only where a rule is about Git (no kind: Secret)", () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "cluster", namespace: "argocd" } };
    const rule = ruleById("k8s-no-plain-secret");
    const declaredSecret: Subject = {
      source: "resource",
      stack: "platform-production",
      resource: declaredObject(secret),
    };
    assert.equal(rule?.appliesTo(declaredSecret), false);
    assert.equal(rule?.appliesTo({ source: "manifest", manifest: manifest(secret) }), true);
  });

  it("leaves components to their children when checking providers", () => {
    const component: Subject = {
      source: "resource",
      stack: "infra-production",
      resource: declared("eks:index:Cluster", "c", {}),
    };
    assert.equal(ruleById("pulumi-explicit-provider")?.appliesTo(component), false);
  });

  it("takes synth's stacks as they are", () => {
    const synth: SynthResult = {
      env: "production",
      stacks: [{ layer: "infra", stack: "infra-production", resources: [], outputs: {} }],
    };
    const report: PolicyReport = evaluatePolicy({ env: synth.env, tier: "production", stacks: synth.stacks });
    assert.deepEqual(report.subjects, { resources: 0, manifests: 0 });
  });

  it("renders findings with their fix and reason, and the verdict last", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [{ rule: "k8s-image-pinned", file: "apps/demo/deployment-demo.yaml", reason: "demo only" }],
    };
    const report = evaluatePolicy({
      env: "production",
      tier: "production",
      stacks: [stack(keyWithoutRotation)],
      manifests: [manifest(latest)],
      guardrails,
    });
    assert.equal(
      renderPolicyReport(report, plain),
      [
        `policy (production): ${report.evaluated.length} rules over 1 resources and 1 manifests`,
        "",
        "violations (1)",
        "  mandatory  kms-key-rotation  infra-production aws:kms/key:Key::secrets",
        "      enableKeyRotation is unset",
        "      fix: Set enableKeyRotation: true on the aws.kms.Key.",
        "",
        "suppressed (1)",
        "  k8s-image-pinned  apps/demo/deployment-demo.yaml",
        '      violation: container "web" image "nginx:latest" has the latest tag',
        "      reason: demo only",
        "",
        "1 mandatory violation: blocked",
        "",
      ].join("\n"),
    );
  });

  it("notes what a passing run should still say on stderr: advisory findings, suppressions, stale ones, undetermined", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [
        { rule: "k8s-image-pinned", file: "apps/demo/deployment-demo.yaml", reason: "demo only" },
        { rule: "k8s-image-pinned", file: "apps/gone/deployment-gone.yaml", reason: "removed app" },
      ],
    };
    const cluster = declared("eks:index:Cluster", "cluster", patch(eksCluster, "authenticationMode", UNKNOWN_MARKER), {
      protect: true,
    });
    const report = evaluatePolicy({
      env: "staging",
      tier: "staging",
      stacks: [stack(cluster)],
      manifests: [manifest(patch(latest, "spec.template.spec.containers.0.securityContext.capabilities", {}))],
      guardrails,
    });
    assert.deepEqual(policyNotes(report), [
      'policy: advisory k8s-drop-all-capabilities apps/demo/deployment-demo.yaml: container "web" does not drop ALL. Fix: Set securityContext.capabilities.drop: ["ALL"] and add back only what is needed.',
      'policy: suppressed k8s-image-pinned apps/demo/deployment-demo.yaml: container "web" image "nginx:latest" has the latest tag (reason: demo only)',
      "policy: suppression matched nothing: k8s-image-pinned apps/gone/deployment-gone.yaml",
      "policy: 1 finding(s) undetermined offline",
    ]);
  });
});
