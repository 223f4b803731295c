import { defineRule, objectsOfKind } from "../define";
import { isClusterScoped, KubeObject, namespaceOf, nameOf, podLabelsOf, selects } from "../kube";
import { Outcome, Rule, RuleContext, undetermined, violation } from "../model";
import { describeOpaque, isOpaque, isRecord, show, valueAt } from "../values";
import { HELM_RELEASE } from "./helm";

/** Where objects live, what may sit in Git, and disruption budgets. */

function namespaceOutcome(path: string, namespace: unknown): Outcome[] {
  if (isOpaque(namespace)) return [undetermined(describeOpaque(path, namespace))];
  if (namespace === undefined || namespace === "") {
    return [violation(`${path} is unset: the object lands in whatever namespace applies it`)];
  }
  return namespace === "default" ? [violation(`${path} is "default"`)] : [];
}

const noDefaultNamespace = defineRule({
  id: "k8s-no-default-namespace",
  severity: "mandatory",
  area: "workload",
  title: "Namespaced objects and Helm releases name their namespace, and it is not `default`",
  rationale:
    "The default namespace has no owner, quota or policy; an implicit namespace depends on who applies the file.",
  fix: "Set metadata.namespace (or the release's namespace) to the app's own namespace.",
  resources: {
    types: [HELM_RELEASE],
    check: (r) => namespaceOutcome("namespace", r.inputs.namespace),
  },
  objects: {
    check: (o) => (isClusterScoped(o.kind) ? [] : namespaceOutcome("metadata.namespace", namespaceOf(o))),
  },
});

const noPlainSecret = defineRule({
  id: "k8s-no-plain-secret",
  severity: "mandatory",
  area: "workload",
  title: "The state repo holds no kind: Secret, only SealedSecrets",
  rationale: "A Secret in Git is a plaintext (base64) credential for everyone who can read the repo, forever.",
  fix: "Seal it with the cluster's sealed-secrets key and commit the SealedSecret instead.",
  objects: {
    manifestsOnly: true,
    check: (o) =>
      o.kind === "Secret" && o.apiVersion === "v1" ? [violation(`${show(nameOf(o))} is a plain Secret`)] : [],
  },
});

/** Workloads whose pods a PodDisruptionBudget protects during node drains and upgrades. */
const REPLICATED_KINDS = ["Deployment", "StatefulSet", "Rollout"];

/** The replicas a workload runs: its own count, or an autoscaler's floor when one targets it. */
function replicasOf(o: KubeObject, ctx: RuleContext): number | Outcome {
  const replicas = valueAt(o.body, "spec", "replicas");
  if (isOpaque(replicas)) return undetermined(describeOpaque("spec.replicas", replicas));
  let count = typeof replicas === "number" ? replicas : 1;
  for (const hpa of objectsOfKind(ctx, ["HorizontalPodAutoscaler"])) {
    const target = valueAt(hpa.body, "spec", "scaleTargetRef");
    const sameTarget = valueAt(target, "kind") === o.kind && valueAt(target, "name") === nameOf(o);
    const min = valueAt(hpa.body, "spec", "minReplicas");
    if (sameTarget && namespaceOf(hpa) === namespaceOf(o) && typeof min === "number") count = Math.max(count, min);
  }
  return count;
}

const pdbForReplicas = defineRule({
  id: "k8s-pdb-for-replicas",
  severity: "mandatory",
  area: "workload",
  title: "A workload with more than one replica has a PodDisruptionBudget",
  rationale: "Without one a node drain or EKS upgrade may evict every replica at once: an outage by maintenance.",
  fix: "Add a policy/v1 PodDisruptionBudget selecting the pods, with maxUnavailable: 1.",
  crossSubject: true,
  objects: {
    kinds: REPLICATED_KINDS,
    check: (o, ctx) => {
      const replicas = replicasOf(o, ctx);
      if (typeof replicas !== "number") return [replicas];
      if (replicas <= 1) return [];
      const labels = podLabelsOf(o);
      if (isOpaque(labels)) return [undetermined(describeOpaque("the pod template labels", labels))];
      const covered = objectsOfKind(ctx, ["PodDisruptionBudget"]).some(
        (pdb) =>
          namespaceOf(pdb) === namespaceOf(o) &&
          selects(valueAt(pdb.body, "spec", "selector"), isRecord(labels) ? labels : {}),
      );
      return covered ? [] : [violation(`${replicas} replicas and no PodDisruptionBudget selects its pods`)];
    },
  },
});

const pdbAllowsEviction = defineRule({
  id: "k8s-pdb-allows-eviction",
  severity: "advisory",
  area: "workload",
  title: "A PodDisruptionBudget allows at least one eviction",
  rationale: "maxUnavailable: 0 or minAvailable: 100% blocks every node drain, so cluster upgrades hang.",
  fix: "Use maxUnavailable: 1 (or a minAvailable below the replica count).",
  objects: {
    kinds: ["PodDisruptionBudget"],
    check: (o) => {
      const maxUnavailable = valueAt(o.body, "spec", "maxUnavailable");
      const minAvailable = valueAt(o.body, "spec", "minAvailable");
      if (maxUnavailable === 0 || maxUnavailable === "0%")
        return [violation(`spec.maxUnavailable is ${show(maxUnavailable)}`)];
      return minAvailable === "100%" ? [violation('spec.minAvailable is "100%"')] : [];
    },
  },
});

export const objectRules: readonly Rule[] = [noDefaultNamespace, noPlainSecret, pdbForReplicas, pdbAllowsEviction];
