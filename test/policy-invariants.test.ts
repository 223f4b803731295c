import * as assert from "node:assert/strict";
import { SynthResult } from "../automation/synth/synth";
import { renderEnvironmentReport } from "../gitops/render/environment";
import { appViewsOf, chartSourcesOf } from "../policy/argocd";
import { GUARDRAILS_KEY, parseGuardrailsConfig } from "../policy/config";
import { evaluatePolicy, PolicyReport } from "../policy/engine";
import { kubeObjectOf } from "../policy/kube";
import { HydratedManifest, Subject } from "../policy/model";
import { ruleById } from "../policy/rules";
import { isOpaque, valueAt } from "../policy/values";
import { parseEnvironmentDeclaration } from "../environments";
import { discoverEnvironments, Environment, EnvironmentConfig, Layer, LAYERS } from "../stack";
import { sectionOf, shippedConfig, withValue } from "./support/config";
import { synth } from "./support/engine";

/**
 * The reliability invariants (issue 7), over the synth of both shipped environments and their
 * hydrated catalogs. Each asserts that its rules find nothing (no violation, nothing undetermined,
 * nothing suppressed) AND that they judged something, so that none can pass vacuously.
 *
 * Steady state, in the platform's ownership model (docs/operations.md, "Bootstrap and
 * hand-off"): what one `up` of a config converges to. Each ops release then has the one owner its
 * `owner` names: a bootstrap helm.v3.Release (pulumi) or a child Application of the root (argocd).
 * The hand-off `up` drops the Release from Pulumi's state in the same run that adds the child, so no
 * declared program ever holds both; app manifests reach the cluster only through Argo CD.
 */

interface Judged {
  readonly env: Environment;
  readonly synth: SynthResult;
  readonly manifests: readonly HydratedManifest[];
  readonly report: PolicyReport;
}

async function judge(env: Environment, config: EnvironmentConfig, layers: readonly Layer[] = LAYERS): Promise<Judged> {
  const result = await synth({ env, layers, config });
  const manifests = renderEnvironmentReport(env).manifests;
  const guardrails = parseGuardrailsConfig(config.values[GUARDRAILS_KEY], config.file);
  return {
    env,
    synth: result,
    manifests,
    report: evaluatePolicy({
      env,
      tier: parseEnvironmentDeclaration(env, config).tier,
      stacks: result.stacks,
      manifests,
      guardrails,
    }),
  };
}

function subjectsOf(judged: Judged): Subject[] {
  return [
    ...judged.synth.stacks.flatMap((s) =>
      s.resources.map((resource): Subject => ({ source: "resource", stack: s.stack, resource })),
    ),
    ...judged.manifests.map((manifest): Subject => ({ source: "manifest", manifest })),
  ];
}

/** Every finding of `rules`, of any kind: an invariant holds only when there is none. */
function findingsOf(judged: Judged, rules: readonly string[]): string[] {
  const { violations, undetermined, suppressed } = judged.report;
  return [...violations, ...undetermined, ...suppressed]
    .filter((f) => rules.includes(f.rule))
    .map((f) => `${f.rule} ${"resource" in f ? f.resource : f.file}: ${f.message}`);
}

/** `type::name` of every subject `rule` judges. */
function judgedBy(judged: Judged, rule: string, where: (s: Subject) => boolean = () => true): string[] {
  const found = ruleById(rule);
  assert.ok(found, rule);
  return subjectsOf(judged)
    .filter((s) => found.appliesTo(s) && where(s))
    .map((s) => (s.source === "resource" ? `${s.resource.type}::${s.resource.name}` : s.manifest.path));
}

/** Who installs each Helm release, keyed `namespace/release name`: Pulumi Releases and Applications (children included). */
function releaseOwners(judged: Judged): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const add = (key: string, owner: string) => owners.set(key, [...(owners.get(key) ?? []), owner]);
  for (const stack of judged.synth.stacks) {
    for (const r of stack.resources) {
      if (r.type === "kubernetes:helm.sh/v3:Release")
        add(`${String(r.inputs.namespace)}/${String(r.inputs.name)}`, `pulumi:${r.name}`);
      const object = kubeObjectOf({ source: "resource", stack: stack.stack, resource: r });
      if (object?.kind !== "Application") continue;
      const views = appViewsOf(object);
      assert.ok(Array.isArray(views), `${r.name}: the root's children must be known offline`);
      for (const view of views) {
        const sources = chartSourcesOf(view);
        if (isOpaque(sources)) continue;
        for (const { source } of sources) {
          if (source.chart === "argocd-apps") continue;
          const name = valueAt(source, "helm", "releaseName") ?? valueAt(view.metadata, "name");
          add(
            `${String(valueAt(view.spec, "destination", "namespace"))}/${String(name)}`,
            `argocd:${String(valueAt(view.metadata, "name"))}`,
          );
        }
      }
    }
  }
  return owners;
}

/** `Kind namespace/name` of an object, as both owners would name it. */
function objectRef(kind: unknown, metadata: unknown): string {
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  return `${text(kind)} ${text(valueAt(metadata, "namespace"))}/${text(valueAt(metadata, "name"))}`;
}

/** Every Kubernetes object Pulumi declares (custom resources of the kubernetes package). */
function pulumiObjects(judged: Judged): Set<string> {
  return new Set(
    judged.synth.stacks.flatMap((s) =>
      s.resources.flatMap((r) => {
        const object = kubeObjectOf({ source: "resource", stack: s.stack, resource: r });
        return object ? [objectRef(object.kind, object.body.metadata)] : [];
      }),
    ),
  );
}

describe("reliability invariants over the synth of every shipped environment", () => {
  const shipped = new Map<Environment, Judged>();
  before(async () => {
    for (const env of discoverEnvironments()) shipped.set(env, await judge(env, shippedConfig(env)));
  });
  const of = (env: Environment): Judged => shipped.get(env)!;

  for (const env of discoverEnvironments()) {
    describe(env, () => {
      it("gives every ops release exactly one owner, and no object both to Pulumi and to Argo CD", () => {
        const judged = of(env);
        assert.deepEqual(findingsOf(judged, ["argocd-handoff-single-owner"]), []);
        const owners = releaseOwners(judged);
        assert.equal(owners.size, 5, [...owners.keys()].join(", "));
        for (const [release, who] of owners) assert.equal(who.length, 1, `${release}: ${who.join(", ")}`);
        // Staging ships handed over to Argo CD; the other clusters ship at their bootstrap step.
        const expected = env === "staging" ? "argocd" : "pulumi";
        assert.deepEqual(new Set([...owners.values()].map(([who]) => who.split(":")[0])), new Set([expected]));

        const declared = pulumiObjects(judged);
        const hydrated = judged.manifests.map((m) => objectRef(m.object.kind, m.object.metadata));
        assert.ok(declared.size > 0 && hydrated.length > 0);
        assert.deepEqual(
          hydrated.filter((o) => declared.has(o)),
          [],
          "declared by Pulumi and hydrated for Argo CD",
        );
      });

      it("gives every in-cluster Pulumi resource the explicit provider, and deletedWith the cluster in the cluster's stack", () => {
        const judged = of(env);
        assert.deepEqual(findingsOf(judged, ["pulumi-explicit-provider", "pulumi-deleted-with-cluster"]), []);
        const inCluster = judgedBy(judged, "pulumi-deleted-with-cluster");
        const k8s = inCluster.filter((ref) => ref.startsWith("kubernetes:"));
        const eks = inCluster.filter((ref) => ref.startsWith("aws:eks/"));
        assert.ok(k8s.length > 10 && eks.length >= 10, `${k8s.length} Kubernetes objects, ${eks.length} EKS resources`);
        const explicit = new Set(judgedBy(judged, "pulumi-explicit-provider"));
        assert.deepEqual(
          inCluster.filter((ref) => !explicit.has(ref)),
          [],
          "in-cluster resources the provider rule skipped",
        );
        const infra = judged.synth.stacks.find((s) => s.layer === "infra")!;
        assert.deepEqual(
          new Set(
            infra.resources.filter((r) => eks.includes(`${r.type}::${r.name}`)).map((r) => r.options.deletedWith),
          ),
          new Set(["eks:index:Cluster::cluster-eks"]),
        );
      });
    });
  }

  for (const env of ["production", "prod-eu"]) {
    it(`protects every stateful and identity resource in the production-tier ${env}`, () => {
      const judged = of(env);
      assert.deepEqual(findingsOf(judged, ["pulumi-protect-in-production"]), []);
      const stateful = judgedBy(judged, "pulumi-protect-in-production");
      for (const kind of [
        "eks:index:Cluster",
        "aws:kms/key:Key",
        "aws:iam/role:Role",
        "aws:cloudwatch/logGroup:LogGroup",
      ]) {
        assert.ok(
          stateful.some((ref) => ref.startsWith(`${kind}::`)),
          `no ${kind} judged`,
        );
      }
    });
  }

  it("finds no violation in any shipped environment or the demo app", () => {
    for (const env of discoverEnvironments()) {
      const judged = of(env);
      assert.deepEqual(judged.report.violations, [], env);
      assert.ok(judged.report.subjects.manifests > 0, `${env}: the demo app was not judged`);
    }
  });

  it("trips exactly the expected rules, and nothing else, for a deliberately broken production config", async () => {
    // Argo CD handed over (so one release is Argo CD's and four stay Pulumi's), with its config prunable,
    // and the app catalog's drift left alone.
    const base = shippedConfig("production");
    const platform = sectionOf(base, "gitops-platform:platform") as {
      releases: Record<string, Record<string, unknown>>;
    };
    platform.releases["argo-cd"] = {
      ...platform.releases["argo-cd"],
      owner: "argocd",
      values: { configs: { cm: { annotations: { "argocd.argoproj.io/sync-options": "Prune=true" } } } },
    };
    const gitops = sectionOf(base, "gitops-platform:gitops") as { sync: Record<string, unknown> };
    gitops.sync.selfHeal = false;
    const broken = withValue(withValue(base, "gitops-platform:platform", platform), "gitops-platform:gitops", gitops);
    const judged = await judge("production", broken, ["platform", "gitops"]);
    assert.deepEqual(
      judged.report.violations.map((v) => [v.rule, v.severity, "resource" in v ? v.resource : v.file, v.message]),
      [
        [
          "argocd-self-no-prune-config",
          "mandatory",
          "kubernetes:argoproj.io/v1alpha1:Application::argocd-root",
          'argocd-cm can be pruned: configs.cm.annotations["argocd.argoproj.io/sync-options"] lacks Prune=false',
        ],
        [
          "argocd-app-self-heal",
          "mandatory",
          "kubernetes:argoproj.io/v1alpha1:Application::catalog-demo",
          "spec.syncPolicy.automated.selfHeal is false",
        ],
      ],
    );
    // A partial hand-off is where two owners could meet: four Releases beside the root's one child.
    const owners = releaseOwners(judged);
    assert.deepEqual(
      [...owners.values()].map((who) => who.length),
      [1, 1, 1, 1, 1],
    );
    assert.equal(judgedBy(judged, "argocd-handoff-single-owner").length, 4);
    assert.deepEqual(findingsOf(judged, ["argocd-handoff-single-owner"]), []);
  });
});
