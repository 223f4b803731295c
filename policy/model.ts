import { UNKNOWN_MARKER } from "../config";
import type { Tier } from "../environments";
import { Environment } from "../stack";

/**
 * What the guardrails judge, defined structurally so that policy/ depends on nothing above it:
 * synth's records (automation/synth), the Pulumi policy pack's resources (policy/pack.ts) and
 * hydrated manifests (gitops/) all fit these shapes without a conversion layer of their own.
 */

/**
 * Resource options as synth records them. The Pulumi policy pack cannot observe `retainOnDelete`,
 * `deletedWith` or `dependsOn`, so there they are `[unknown]` and rules that need them cannot judge.
 */
export interface DeclaredOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean | typeof UNKNOWN_MARKER;
  readonly ignoreChanges: readonly string[];
  /** `type::name` of the resource this one is deleted with, or null. */
  readonly deletedWith: string | null;
  readonly dependsOn: readonly string[] | typeof UNKNOWN_MARKER;
  /** `type::name` of the provider of a custom resource; null for components and default providers. */
  readonly provider: string | null;
}

/** One resource a Pulumi program declares: the shape of synth's records. */
export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent. */
  readonly parent: string;
  /** True for a custom resource (a cloud object), false for a component. */
  readonly custom: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: DeclaredOptions;
}

/** The resources of one stack (synth's `SynthStack` fits this shape). */
export interface DeclaredStack {
  /** The stack's name, e.g. `infra-production`. */
  readonly stack: string;
  readonly resources: readonly DeclaredResource[];
}

/** One hydrated Kubernetes object and the file it lives in, relative to the state repo's root. */
export interface HydratedManifest {
  /** e.g. `apps/demo/deployment-demo.yaml` */
  readonly path: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** Mandatory blocks a change; advisory is reported only. The same words as Pulumi's enforcement levels. */
export type Severity = "mandatory" | "advisory";

export type RuleArea = "eks" | "aws" | "helm" | "argocd" | "workload" | "pulumi";

/** What a rule says about itself: everything the table in docs/guardrails.md, the CLI and the policy pack show. */
export interface RuleInfo {
  /** Stable kebab-case ID; suppressions and the policy pack name rules by it. */
  readonly id: string;
  readonly severity: Severity;
  readonly area: RuleArea;
  /** What the rule requires, in one line. */
  readonly title: string;
  /** Why, in one line. */
  readonly rationale: string;
  /** How to fix a violation, in one line. */
  readonly fix: string;
}

/**
 * A rule's verdict on one subject. No outcome is a pass. `undetermined` means a value the rule
 * needs is unknown offline (`[unknown]`, `[secret]`, a StackReference placeholder): the rule says
 * so instead of passing or failing silently.
 */
export interface Outcome {
  readonly level: "violation" | "undetermined";
  readonly message: string;
}

/** Something a rule judges: a declared resource of one stack, or a hydrated manifest. */
export type Subject =
  | { readonly source: "resource"; readonly stack: string; readonly resource: DeclaredResource }
  | { readonly source: "manifest"; readonly manifest: HydratedManifest };

export interface RuleContext {
  readonly env: Environment;
  /** The environment's declared tier: what production-only rules look at, never the name. */
  readonly tier: Tier;
  /** Every subject of the same group: the whole stack, or every hydrated manifest. */
  readonly subjects: readonly Subject[];
}

export interface Rule extends RuleInfo {
  /**
   * True when the rule looks at other subjects of the group (ctx.subjects). The policy pack runs
   * such rules once per stack (validateStack), the others once per resource (validateResource).
   */
  readonly crossSubject: boolean;
  appliesTo(subject: Subject): boolean;
  /** Called only for subjects the rule applies to. */
  check(subject: Subject, ctx: RuleContext): readonly Outcome[];
}

export function violation(message: string): Outcome {
  return { level: "violation", message };
}

export function undetermined(message: string): Outcome {
  return { level: "undetermined", message };
}

/** How synth and suppressions name a resource. */
export function resourceRef(resource: Pick<DeclaredResource, "type" | "name">): string {
  return `${resource.type}::${resource.name}`;
}
