import * as assert from "node:assert/strict";
import { CommandDeps } from "../automation/commands/deps";
import { runDestroyCommand } from "../automation/commands/destroy";
import { ClusterTeardownFactory } from "../automation/driver/cluster-teardown";
import { ExitCode } from "../automation/exit-codes";
import { InputError } from "../config";
import { FakeProject, FakeWorld } from "./support/fake-pulumi";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };
const KUBECONFIG = '{"apiVersion":"v1","kind":"Config","clusters":[{"name":"staging"}]}';

describe("destroy (against the fake pulumi CLI)", () => {
  let project: FakeProject;
  const out: string[] = [];
  const kubeconfigs: string[] = [];

  async function deployed(world: FakeWorld): Promise<CommandDeps> {
    project = await FakeProject.create(world);
    project.seed("infra-staging", {
      resources: ["aws:ec2/vpc:Vpc::main", "eks:index:Cluster::main"],
      outputs: { clusterName: "staging", kubeconfig: { secret: KUBECONFIG } },
    });
    project.seed("platform-staging", { resources: ["kubernetes:helm.sh/v3:Release::argocd"] });
    project.seed("gitops-staging", { resources: [] });
    out.length = 0;
    kubeconfigs.length = 0;
    return project.deps(AWS, out);
  }

  /** The cluster as a test double: it records what the driver asked of it, in the journal. */
  const cluster: ClusterTeardownFactory = (kubeconfig) => {
    kubeconfigs.push(kubeconfig);
    return {
      deleteApplications: () => {
        project.note("cluster: delete Applications");
        return Promise.resolve(["argocd/kube-prometheus-stack"]);
      },
      deleteLoadBalancers: () => {
        project.note("cluster: delete LoadBalancer Services and Ingresses");
        return Promise.resolve(["service ingress-nginx/ingress-nginx-controller"]);
      },
    };
  };
  const neverAsked = () => Promise.reject(new Error("--yes was given: nothing to confirm"));

  afterEach(() => project.remove());

  it("tears down gitops, then the cluster's Applications and load balancers, then platform, then infra", async () => {
    const deps = await deployed({ stacks: { "gitops-staging": { destroy: "destroy-with-components.json" } } });
    const code = await runDestroyCommand({ env: "staging", yes: true }, deps, cluster, neverAsked);

    assert.equal(code, ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations(), [
      "destroy gitops-staging",
      "cluster: delete Applications",
      "cluster: delete LoadBalancer Services and Ingresses",
      "destroy platform-staging",
      "destroy infra-staging",
    ]);
    assert.deepEqual(kubeconfigs, [KUBECONFIG], "the kubeconfig is the infra stack's secret output, in plaintext");
    assert.equal(
      out.join(""),
      [
        "destroy staging:",
        "  gitops-staging         2 deleted (1 unchanged)",
        "  applications           argocd/kube-prometheus-stack",
        "  load balancers         service ingress-nginx/ingress-nginx-controller",
        "  platform-staging       1 deleted",
        "  infra-staging          2 deleted",
        "",
      ].join("\n"),
    );
  });

  it("stops at a failed step, keeps everything after it, and says the same command resumes", async () => {
    const deps = await deployed({
      stacks: {
        "platform-staging": { failure: { operation: "destroy", message: "deleting Helm release argocd: timed out" } },
      },
    });
    const code = await runDestroyCommand({ env: "staging", yes: true }, deps, cluster, neverAsked);

    assert.equal(code, ExitCode.Failure);
    assert.deepEqual(project.operations().slice(-1), ["destroy platform-staging"]);
    assert.ok(
      project.log.includes(
        "destroy: platform-staging failed: argocd: deleting Helm release argocd: timed out\n" +
          "Every step is safe to repeat: fix the cause, then run again: npm run --silent cli -- destroy --env staging --yes",
      ),
      project.log.join("\n"),
    );
  });

  it("destroys nothing unless the environment's name is typed back", async () => {
    const deps = await deployed({ stacks: {} });
    const asked: string[] = [];
    const answerNo = (question: string) => (asked.push(question), Promise.resolve(false));
    await assert.rejects(
      runDestroyCommand({ env: "staging" }, deps, cluster, answerNo),
      (err: Error) =>
        err instanceof InputError &&
        err.message === 'destroy --env staging: not confirmed; expected the answer "staging" or --yes',
    );
    assert.match(asked[0], /Type the environment name \(staging\) to go on: $/);
    assert.deepEqual(project.operations(), []);
  });
});
