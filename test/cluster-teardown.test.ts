import * as assert from "node:assert/strict";
import { Kubectl } from "../automation/driver/cluster-access";
import { kubectlTeardown, loadBalancerServices, planApplicationTeardown } from "../automation/driver/cluster-teardown";

const app = (namespace: string, name: string, chart?: string) => ({
  metadata: { namespace, name },
  spec: chart ? { source: { chart } } : { sources: [{}] },
});

describe("cluster teardown", () => {
  it("deletes Applications with their resources, but orphans Argo CD's own so it keeps running", () => {
    const plan = planApplicationTeardown({
      items: [
        app("argocd", "kube-prometheus-stack", "kube-prometheus-stack"),
        app("argocd", "argocd"),
        app("argocd", "self", "argo-cd"),
        app("team", "demo"),
      ],
    });
    assert.deepEqual(plan, {
      cascade: [
        { namespace: "argocd", name: "kube-prometheus-stack" },
        { namespace: "team", name: "demo" },
      ],
      orphan: [
        { namespace: "argocd", name: "argocd" },
        { namespace: "argocd", name: "self" },
      ],
    });
  });

  it("picks only the Services of type LoadBalancer", () => {
    const services = loadBalancerServices({
      items: [
        { metadata: { namespace: "ingress-nginx", name: "controller" }, spec: { type: "LoadBalancer" } },
        { metadata: { namespace: "default", name: "kubernetes" }, spec: { type: "ClusterIP" } },
      ],
    });
    assert.deepEqual(services, [{ namespace: "ingress-nginx", name: "controller" }]);
  });

  function recordingKubectl(answers: Record<string, unknown>): { kubectl: Kubectl; calls: string[] } {
    const calls: string[] = [];
    const kubectl: Kubectl = (args) => {
      calls.push(args.join(" "));
      const listed = answers[args.slice(0, 2).join(" ")];
      if (listed === "no-crd") {
        return Promise.resolve({
          code: 1,
          stdout: "",
          stderr: 'error: the server doesn\'t have a resource type "applications"',
        });
      }
      return Promise.resolve({ code: 0, stdout: listed === undefined ? "" : JSON.stringify(listed), stderr: "" });
    };
    return { kubectl, calls };
  }

  it("waits for each deletion through kubectl, namespace by namespace", async () => {
    const { kubectl, calls } = recordingKubectl({
      "get applications.argoproj.io": { items: [app("argocd", "logging", "fluent-operator"), app("argocd", "argocd")] },
      "get services": { items: [{ metadata: { namespace: "web", name: "lb" }, spec: { type: "LoadBalancer" } }] },
      "get ingresses": { items: [{ metadata: { namespace: "web", name: "site" } }] },
    });
    const teardown = kubectlTeardown(kubectl);
    assert.deepEqual(await teardown.deleteApplications(), ["argocd/logging", "argocd/argocd"]);
    assert.deepEqual(await teardown.deleteLoadBalancers(), ["service web/lb", "ingress web/site"]);
    assert.deepEqual(calls, [
      "get applications.argoproj.io --all-namespaces -o json",
      "delete applications.argoproj.io -n argocd logging --wait=true --timeout=15m",
      'patch applications.argoproj.io -n argocd argocd --type=json -p [{"op":"remove","path":"/metadata/finalizers"}]',
      "delete applications.argoproj.io -n argocd argocd --wait=true --timeout=15m",
      "get services --all-namespaces -o json",
      "delete services -n web lb --wait=true --timeout=15m",
      "get ingresses --all-namespaces -o json",
      "delete ingresses --all --all-namespaces --wait=true --timeout=15m",
    ]);
  });

  it("has nothing to delete when Argo CD was never installed", async () => {
    const { kubectl, calls } = recordingKubectl({ "get applications.argoproj.io": "no-crd" });
    assert.deepEqual(await kubectlTeardown(kubectl).deleteApplications(), []);
    assert.equal(calls.length, 1);
  });
});
