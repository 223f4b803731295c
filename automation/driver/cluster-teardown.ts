import { Kubectl, kubectlAt, withKubeconfigFile } from "./cluster-access";

/**
 * The two teardown steps that happen in the cluster, between destroying the gitops stack and the
 * platform stack, because Pulumi's state does not know the objects involved:
 * 1. Argo CD Applications left over (the platform's ops releases) are deleted while Argo CD still
 *    runs, so their `resources-finalizer.argocd.argoproj.io` finalizers can delete what they deployed;
 *    deleted after Argo CD, they would hang forever on that finalizer.
 * 2. LoadBalancer Services and Ingresses are deleted while their controllers still run, so the AWS
 *    load balancers, their security groups and ENIs go too: left behind, they block the VPC's deletion.
 */
export interface ClusterTeardown {
  /** Deletes the Applications and waits for their finalizers; returns `namespace/name` of each. */
  deleteApplications(): Promise<readonly string[]>;
  /** Deletes LoadBalancer Services and Ingresses and waits until they are gone; returns what it deleted. */
  deleteLoadBalancers(): Promise<readonly string[]>;
}

export type ClusterTeardownFactory = (kubeconfig: string) => ClusterTeardown;

interface ObjectList {
  readonly items: readonly {
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec?: {
      readonly type?: string;
      readonly source?: { readonly chart?: string };
      readonly sources?: readonly { readonly chart?: string }[];
    };
  }[];
}

export interface ApplicationTeardownPlan {
  /** Deleted with their finalizers, so Argo CD removes what they deployed. */
  readonly cascade: readonly { namespace: string; name: string }[];
  /** Argo CD's own Application: its finalizer is dropped so deleting it cannot delete Argo CD mid-teardown. */
  readonly orphan: readonly { namespace: string; name: string }[];
}

/** Splits Applications into those deleted with their resources and Argo CD's own (orphaned). */
export function planApplicationTeardown(list: ObjectList): ApplicationTeardownPlan {
  const refs = list.items.map((app) => ({
    namespace: app.metadata.namespace,
    name: app.metadata.name,
    selfManaged:
      ["argocd", "argo-cd"].includes(app.metadata.name) ||
      [app.spec?.source, ...(app.spec?.sources ?? [])].some((s) => s?.chart === "argo-cd"),
  }));
  const strip = ({ namespace, name }: { namespace: string; name: string }) => ({ namespace, name });
  return {
    cascade: refs.filter((r) => !r.selfManaged).map(strip),
    orphan: refs.filter((r) => r.selfManaged).map(strip),
  };
}

export function loadBalancerServices(list: ObjectList): readonly { namespace: string; name: string }[] {
  return list.items
    .filter((svc) => svc.spec?.type === "LoadBalancer")
    .map((svc) => ({ namespace: svc.metadata.namespace, name: svc.metadata.name }));
}

const WAIT = ["--wait=true", "--timeout=15m"];

/** The teardown through the kubectl client, authenticated with the infra stack's kubeconfig. */
export function kubectlTeardown(kubectl: Kubectl): ClusterTeardown {
  const run = async (args: readonly string[]): Promise<string> => {
    const result = await kubectl(args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${result.stderr.trim()}`);
    return result.stdout;
  };
  const byNamespace = (refs: readonly { namespace: string; name: string }[]) =>
    [...new Set(refs.map((r) => r.namespace))].map((ns) => ({
      ns,
      names: refs.filter((r) => r.namespace === ns).map((r) => r.name),
    }));
  return {
    async deleteApplications() {
      const listed = await kubectl(["get", "applications.argoproj.io", "--all-namespaces", "-o", "json"]);
      // No Application CRD: Argo CD was never installed, so there is nothing to wait for.
      if (listed.code !== 0 && /doesn't have a resource type/.test(listed.stderr)) return [];
      if (listed.code !== 0) throw new Error(`kubectl get applications failed: ${listed.stderr.trim()}`);
      const plan = planApplicationTeardown(JSON.parse(listed.stdout) as ObjectList);
      for (const { ns, names } of byNamespace(plan.cascade)) {
        await run(["delete", "applications.argoproj.io", "-n", ns, ...names, ...WAIT]);
      }
      for (const app of plan.orphan) {
        await run([
          "patch",
          "applications.argoproj.io",
          "-n",
          app.namespace,
          app.name,
          "--type=json",
          "-p",
          '[{"op":"remove","path":"/metadata/finalizers"}]',
        ]);
        await run(["delete", "applications.argoproj.io", "-n", app.namespace, app.name, ...WAIT]);
      }
      return [...plan.cascade, ...plan.orphan].map((r) => `${r.namespace}/${r.name}`);
    },
    async deleteLoadBalancers() {
      const services = loadBalancerServices(
        JSON.parse(await run(["get", "services", "--all-namespaces", "-o", "json"])) as ObjectList,
      );
      for (const { ns, names } of byNamespace(services)) await run(["delete", "services", "-n", ns, ...names, ...WAIT]);
      const ingresses = (JSON.parse(await run(["get", "ingresses", "--all-namespaces", "-o", "json"])) as ObjectList)
        .items;
      if (ingresses.length > 0) await run(["delete", "ingresses", "--all", "--all-namespaces", ...WAIT]);
      return [
        ...services.map((s) => `service ${s.namespace}/${s.name}`),
        ...ingresses.map((i) => `ingress ${i.metadata.namespace}/${i.metadata.name}`),
      ];
    },
  };
}

export const defaultClusterTeardown: ClusterTeardownFactory = (kubeconfig) =>
  kubectlTeardown((args) => withKubeconfigFile(kubeconfig, (file) => kubectlAt(file)(args)));
