import { KubeObject, kubeObjectOf } from "./kube";
import { DeclaredResource, Outcome, Rule, RuleContext, RuleInfo, Subject } from "./model";

/**
 * How rule modules declare a rule: the resource types and/or Kubernetes kinds it judges, and a
 * pure check for each. A rule may judge both, e.g. chart versions on a Helm release and on an
 * Argo CD Application.
 */
export interface RuleSpec extends RuleInfo {
  readonly crossSubject?: boolean;
  readonly resources?: {
    /** Pulumi type tokens, e.g. `aws:eks/cluster:Cluster`, or a test on the resource. */
    readonly types: readonly string[] | ((resource: DeclaredResource) => boolean);
    check(resource: DeclaredResource, ctx: RuleContext): readonly Outcome[];
  };
  readonly objects?: {
    /** Kinds judged; every kind when absent. */
    readonly kinds?: readonly string[];
    /** Hydrated manifests only (e.g. no Secret in Git), or declared resources too (the default). */
    readonly manifestsOnly?: boolean;
    check(object: KubeObject, ctx: RuleContext, subject: Subject): readonly Outcome[];
  };
}

export function defineRule(spec: RuleSpec): Rule {
  const { resources, objects, crossSubject, ...info } = spec;
  const judges = (r: DeclaredResource): boolean =>
    !!resources && (typeof resources.types === "function" ? resources.types(r) : resources.types.includes(r.type));
  const resourceOf = (subject: Subject): DeclaredResource | undefined =>
    subject.source === "resource" && judges(subject.resource) ? subject.resource : undefined;
  const objectOf = (subject: Subject): KubeObject | undefined => {
    if (!objects || (objects.manifestsOnly && subject.source !== "manifest")) return undefined;
    const object = kubeObjectOf(subject);
    return object && (!objects.kinds || objects.kinds.includes(object.kind)) ? object : undefined;
  };
  return {
    ...info,
    crossSubject: crossSubject ?? false,
    appliesTo: (subject) => resourceOf(subject) !== undefined || objectOf(subject) !== undefined,
    check: (subject, ctx) => {
      const resource = resourceOf(subject);
      if (resource && resources) return resources.check(resource, ctx);
      const object = objectOf(subject);
      return object && objects ? objects.check(object, ctx, subject) : [];
    },
  };
}

/** Every Kubernetes object of the group (the stack, or the hydrated manifests) with its kind. */
export function objectsOfKind(ctx: RuleContext, kinds: readonly string[]): KubeObject[] {
  return ctx.subjects.map(kubeObjectOf).filter((o): o is KubeObject => o !== undefined && kinds.includes(o.kind));
}

/** Every declared resource of the group with one of `types`. */
export function resourcesOfType(ctx: RuleContext, types: readonly string[]): DeclaredResource[] {
  return ctx.subjects.flatMap((s) => (s.source === "resource" && types.includes(s.resource.type) ? [s.resource] : []));
}
