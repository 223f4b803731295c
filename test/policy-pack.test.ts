import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import * as assert from "node:assert/strict";
import { GuardrailsConfig, NO_GUARDRAILS } from "../policy/config";
import { UNKNOWN_MARKER } from "../config";
import { declaredOf, envOfStack, plainValue, policiesFor } from "../policy/pack";
import { refOfUrn, stackOfUrn } from "../policy/urn";
import { RULES } from "../policy/rules";
import { argoCdApplication, argoCdRelease } from "./support/policy";

/** @pulumi/policy's own proxy (its typings omit these runtime exports): what analyzed props look like. */
const proxy = policyProxy as unknown as {
  unknownCheckingProxy<T>(value: T): T;
  unknownStringValue: string;
  unknownArrayValue: string;
};

const URN = "urn:pulumi:infra-production::gitops-platform::aws:kms/key:Key::secrets";
const PROVIDER = { type: "pulumi:providers:aws", name: "aws-production", urn: "urn:x", props: {} };

class NotApplicable extends Error {}

/** Arguments as the analyzer passes them; notApplicable throws, as the real one does. */
function resourceArgs(type: string, name: string, props: Record<string, unknown>, urn = URN): ResourceValidationArgs {
  return {
    type,
    name,
    urn,
    props: proxy.unknownCheckingProxy(props),
    opts: {
      protect: true,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    provider: PROVIDER,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

function policy(id: string, guardrails: GuardrailsConfig = NO_GUARDRAILS) {
  const found = policiesFor(RULES, () => guardrails).find((p) => p.name === id);
  assert.ok(found, id);
  return found;
}

/** Runs a resource policy; returns the violations reported, or the not-applicable reason. */
function validate(id: string, args: ResourceValidationArgs, guardrails?: GuardrailsConfig): string[] | string {
  const reported: string[] = [];
  try {
    const validateResource = (policy(id, guardrails) as ResourceValidationPolicy).validateResource;
    if (typeof validateResource !== "function") assert.fail("expected one validateResource function");
    void validateResource(args, (message) => reported.push(message));
  } catch (err) {
    if (err instanceof NotApplicable) return `not applicable: ${err.message}`;
    throw err;
  }
  return reported;
}

describe("policy pack adapter", () => {
  it("reads the stack, the environment and the type::name from URNs", () => {
    assert.equal(stackOfUrn(URN), "infra-production");
    assert.equal(envOfStack("platform-staging"), "staging");
    assert.equal(envOfStack("dev"), "production", "an unknown stack is judged by the stricter rules");
    assert.equal(
      refOfUrn(
        "urn:pulumi:infra-production::gitops-platform::eks:index:Cluster$aws:eks/cluster:Cluster::cluster-eksCluster",
      ),
      "aws:eks/cluster:Cluster::cluster-eksCluster",
    );
  });

  it("turns values unknown during preview into [unknown], at any depth", () => {
    const props = proxy.unknownCheckingProxy({
      name: "a",
      vpcConfig: { subnetIds: [proxy.unknownStringValue, "subnet-1"], publicAccessCidrs: proxy.unknownArrayValue },
    });
    assert.deepEqual(plainValue(props), {
      name: "a",
      vpcConfig: { subnetIds: [UNKNOWN_MARKER, "subnet-1"], publicAccessCidrs: UNKNOWN_MARKER },
    });
  });

  it("describes an analyzed resource in synth's shape, with the options it cannot see as unknown", () => {
    assert.deepEqual(declaredOf(resourceArgs("aws:kms/key:Key", "secrets", { enableKeyRotation: true })), {
      type: "aws:kms/key:Key",
      name: "secrets",
      parent: "pulumi:pulumi:Stack::gitops-platform-infra-production",
      custom: true,
      inputs: { enableKeyRotation: true },
      options: {
        protect: true,
        retainOnDelete: UNKNOWN_MARKER,
        ignoreChanges: [],
        deletedWith: UNKNOWN_MARKER,
        dependsOn: UNKNOWN_MARKER,
        provider: "pulumi:providers:aws::aws-production",
      },
    });
  });

  it("makes one policy per rule, named by its ID, enforced at its severity, with its fix", () => {
    const policies = policiesFor(RULES, () => NO_GUARDRAILS);
    assert.deepEqual(
      policies.map((p) => [p.name, p.enforcementLevel]),
      RULES.map((r) => [r.id, r.severity]),
    );
    assert.equal(policies[0].remediationSteps, RULES[0].fix);
    const crossSubject = policies.filter((p) => "validateStack" in p).map((p) => p.name);
    assert.deepEqual(
      crossSubject,
      RULES.filter((r) => r.crossSubject).map((r) => r.id),
    );
  });

  it("reports a violation on the resource", () => {
    assert.deepEqual(validate("kms-key-rotation", resourceArgs("aws:kms/key:Key", "secrets", {})), [
      "aws:kms/key:Key::secrets: enableKeyRotation is unset",
    ]);
  });

  it("says nothing about a resource the rule does not judge", () => {
    assert.deepEqual(validate("kms-key-rotation", resourceArgs("aws:iam/role:Role", "r", {})), []);
  });

  it("notes a suppression as not applicable, with the reason from the config file", () => {
    const guardrails: GuardrailsConfig = {
      severity: {},
      suppressions: [{ rule: "kms-key-rotation", resource: "aws:kms/key:Key::secrets", reason: "imported key" }],
    };
    assert.equal(
      validate("kms-key-rotation", resourceArgs("aws:kms/key:Key", "secrets", {}), guardrails),
      "not applicable: aws:kms/key:Key::secrets: suppressed in Pulumi.production.yaml (gitops-platform:guardrails): imported key",
    );
  });

  it("notes a value unknown during preview as not applicable instead of failing", () => {
    const args = resourceArgs("aws:kms/key:Key", "secrets", { enableKeyRotation: proxy.unknownStringValue });
    assert.equal(
      validate("kms-key-rotation", args),
      "not applicable: aws:kms/key:Key::secrets: enableKeyRotation is unknown until deployed, so this cannot be judged",
    );
  });

  const releaseUrn = "urn:pulumi:platform-production::gitops-platform::kubernetes:helm.sh/v3:Release::argocd";
  const appUrn = "urn:pulumi:platform-production::gitops-platform::kubernetes:argoproj.io/v1alpha1:Application::argocd";

  /** Runs a stack policy over the bootstrap release and its Application; violations with URNs, or the note. */
  function validateStack(id: string, release: Record<string, unknown>): [string, string | undefined][] | string {
    const resources: PolicyResource[] = [
      resourceArgs("kubernetes:helm.sh/v3:Release", "argocd", release, releaseUrn),
      resourceArgs("kubernetes:argoproj.io/v1alpha1:Application", "argocd", argoCdApplication, appUrn),
    ].map((r) => ({ ...r, dependencies: [], propertyDependencies: {} }));
    const reported: [string, string | undefined][] = [];
    const args = {
      resources,
      stackTags: new Map(),
      getConfig: () => ({}),
      notApplicable: (reason?: string) => {
        throw new NotApplicable(reason);
      },
    } as unknown as StackValidationArgs;
    try {
      void (policy(id) as StackValidationPolicy).validateStack(args, (m, urn) => reported.push([m, urn]));
    } catch (err) {
      if (err instanceof NotApplicable) return `not applicable: ${err.message}`;
      throw err;
    }
    return reported;
  }

  it("runs rules that need the whole stack once per stack, reporting on each resource's URN", () => {
    assert.deepEqual(validateStack("argocd-handoff-definitions-agree", { ...argoCdRelease, version: "7.7.2" }), [
      [
        'kubernetes:helm.sh/v3:Release::argocd: version of Application argocd (spec.source): the release has "7.7.2", the Application "7.7.3"',
        releaseUrn,
      ],
    ]);
  });

  it("notes an option the analyzer does not send (retainOnDelete) as not applicable for the stack", () => {
    assert.equal(
      validateStack("argocd-handoff-release-retained", argoCdRelease),
      "not applicable: kubernetes:helm.sh/v3:Release::argocd: retainOnDelete is not visible here, so this cannot be judged",
    );
  });
});
