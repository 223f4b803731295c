import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Component } from "./components";
import { InfraFacts } from "./facts";
import { crdProvider, ReleasePlan } from "./releases";

export interface BootstrapArgs {
  /** Every release of the environment; those owned by `pulumi` are installed here. */
  readonly plans: readonly ReleasePlan[];
  readonly facts: pulumi.Output<InfraFacts>;
  readonly provider: k8s.Provider;
}

/**
 * The part of the platform that exists before Argo CD can sync anything: the release namespaces,
 * and a `helm.v3.Release` for each release Pulumi still owns.
 *
 * Every Release is declared with `retainOnDelete` from its first `up`. Pulumi decides whether to
 * delete a resource that left the program from what its STATE says, not from the program
 * (pulumi/pulumi#13428), so the option must already be in state on the `up` where ownership moves
 * to Argo CD: set from the start, handing a release over is a single `up` that drops it from state
 * and leaves it running. Namespaces are retained for the same reason: deleting one would delete the
 * Argo CD-owned workloads in it.
 */
export class Bootstrap extends pulumi.ComponentResource {
  /** The namespace of each release, resolved once its Namespace exists. */
  readonly namespaces: ReadonlyMap<string, pulumi.Output<string>>;
  /** The bootstrap Release of each Pulumi-owned release. */
  readonly releases: ReadonlyMap<Component, k8s.helm.v3.Release>;
  private readonly plans: readonly ReleasePlan[];

  constructor(name: string, args: BootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:platform:Bootstrap", name, {}, opts);
    this.plans = args.plans;
    const provider = args.provider;

    const namespaces = new Map<string, pulumi.Output<string>>();
    for (const ns of [...new Set(args.plans.map((p) => p.namespace))]) {
      const namespace = new k8s.core.v1.Namespace(
        `${name}-ns-${ns}`,
        { metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "gitops-platform" } } },
        { parent: this, provider, retainOnDelete: true },
      );
      namespaces.set(ns, namespace.metadata.name);
    }
    this.namespaces = namespaces;

    const releases = new Map<Component, k8s.helm.v3.Release>();
    for (const plan of args.plans.filter((p) => p.owner === "pulumi")) {
      const dependsOn = plan.usesCrds.flatMap((group) => this.installerOf(`${group}/v1`, releases));
      releases.set(
        plan.component,
        new k8s.helm.v3.Release(
          `${name}-${plan.component}`,
          {
            name: plan.releaseName,
            chart: plan.chart,
            version: plan.version,
            repositoryOpts: { repo: plan.repo },
            namespace: namespaces.get(plan.namespace),
            values: args.facts.apply((facts) => plan.values(facts)),
          },
          { parent: this, provider, retainOnDelete: true, dependsOn },
        ),
      );
    }
    this.releases = releases;
    this.registerOutputs({});
  }

  /**
   * What an object of `apiVersion` must wait for: the Release that installs its CRD, while Pulumi
   * owns that release. Once Argo CD owns it the CRD is already in the cluster. This is the one place
   * CRD ordering is declared; resources name their apiVersion, nothing else.
   */
  crdsFor(apiVersion: string): pulumi.Resource[] {
    return this.installerOf(apiVersion, this.releases);
  }

  private installerOf(apiVersion: string, releases: ReadonlyMap<Component, k8s.helm.v3.Release>): pulumi.Resource[] {
    const provider = crdProvider(this.plans, apiVersion);
    if (!provider || provider.owner !== "pulumi") return [];
    const release = releases.get(provider.component);
    if (!release) throw new Error(`${provider.component} must be installed before what uses its CRDs (${apiVersion})`);
    return [release];
  }
}
