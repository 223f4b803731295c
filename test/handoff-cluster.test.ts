import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { rolloutState, RolloutFailedError, waitForArgoCd, Workload } from "../automation/driver/argocd-ready";
import { Kubectl } from "../automation/driver/cluster-access";
import { ClusterWaitError, PollOptions } from "../automation/driver/cluster-poll";
import {
  ApplicationObject,
  DoubleOwnerError,
  doubleOwners,
  handoffState,
  pulumiHeld,
  verifyHandoff,
} from "../automation/driver/handoff-verify";

const FIXTURES = path.join(__dirname, "fixtures");
const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;

type List<T> = { items: T[] };
const ROLLING_OUT = "kubectl/argocd-workloads-rolling-out.json";
const AVAILABLE = "kubectl/argocd-workloads-available.json";
const SYNCING = "kubectl/platform-applications-syncing.json";
const SYNCED = "kubectl/platform-applications-synced.json";
const EXPORT = "pulumi-state/platform-staging-mixed-owners.json";

const HANDED_OVER = ["kube-prometheus-stack", "argo-cd", "sealed-secrets", "external-dns", "logging"];
const KUBECONFIG = "/run/kubeconfig-of-staging";

/**
 * A cluster scripted through the kubectl client: each `get` answers the next of `answers` (a
 * fixture, or a failure), the last one again once they run out. A clock that sleeps advances.
 */
function scripted(answers: readonly (string | { code: number; stderr: string })[]) {
  const calls: string[] = [];
  const sleeps: number[] = [];
  let clock = 0;
  const kubectlFor = (kubeconfigPath: string): Kubectl => {
    return (args) => {
      calls.push(`--kubeconfig ${kubeconfigPath} ${args.join(" ")}`);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (typeof answer !== "string") return Promise.resolve({ ...answer, stdout: "" });
      return Promise.resolve({ code: 0, stdout: fs.readFileSync(path.join(FIXTURES, answer), "utf8"), stderr: "" });
    };
  };
  const log: string[] = [];
  const options: PollOptions = {
    timeoutMs: 60_000,
    intervalMs: 10_000,
    kubectl: kubectlFor,
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    log: (m) => log.push(m),
  };
  return { calls, sleeps, log, options };
}

describe("the hand-off's checks in the cluster (recorded kubectl -o json objects)", () => {
  it("reads fixtures that match the Kubernetes and Argo CD schemas, so their field names are the API's", () => {
    for (const file of [ROLLING_OUT, AVAILABLE]) {
      for (const item of read<List<Workload & { apiVersion: string }>>(file).items) {
        if (item.kind === "Deployment") new Deployment(item as never).validate();
        else new StatefulSet(item as never).validate();
      }
    }
    for (const file of [SYNCING, SYNCED]) {
      for (const item of read<List<ApplicationObject>>(file).items) new Application(item as never).validate();
    }
  });

  describe("waiting for Argo CD", () => {
    it("judges each workload as kubectl rollout status does", () => {
      const states = read<List<Workload>>(ROLLING_OUT).items.map((w) => [w.metadata.name, rolloutState(w)]);
      assert.deepEqual(states, [
        ["argocd-applicationset-controller", { done: true }],
        ["argocd-notifications-controller", { done: true }],
        ["argocd-redis", { done: true }],
        ["argocd-repo-server", { done: true }],
        ["argocd-server", { done: false, waiting: "deployment argocd-server: 0 of 1 updated replicas are available" }],
        [
          "argocd-application-controller",
          { done: false, waiting: "statefulset argocd-application-controller: 1 pods not ready" },
        ],
      ]);
    });

    it("waits for a newer generation to be observed, and fails at once on a passed progress deadline", () => {
      const server = read<List<Workload>>(AVAILABLE).items.find((w) => w.metadata.name === "argocd-server")!;
      assert.deepEqual(rolloutState({ ...server, metadata: { ...server.metadata, generation: 2 } }), {
        done: false,
        waiting: "deployment argocd-server: spec update not observed yet",
      });
      const stuck = {
        ...server,
        status: { ...server.status, conditions: [{ type: "Progressing", reason: "ProgressDeadlineExceeded" }] },
      };
      assert.throws(() => rolloutState(stuck), RolloutFailedError);
    });

    it("polls through the kubectl client with the kubeconfig it is given until every workload is available", async () => {
      const cluster = scripted([ROLLING_OUT, ROLLING_OUT, AVAILABLE]);
      const ready = await waitForArgoCd(KUBECONFIG, cluster.options);
      assert.deepEqual(ready, [
        "deployment/argocd-applicationset-controller",
        "deployment/argocd-notifications-controller",
        "deployment/argocd-redis",
        "deployment/argocd-repo-server",
        "deployment/argocd-server",
        "statefulset/argocd-application-controller",
      ]);
      const get = `--kubeconfig ${KUBECONFIG} get deployments,statefulsets -n argocd -l app.kubernetes.io/part-of=argocd -o json`;
      assert.deepEqual(cluster.calls, [get, get, get]);
      assert.deepEqual(cluster.sleeps, [10_000, 10_000]);
      assert.deepEqual(cluster.log, [
        "Argo CD: waiting for deployment argocd-server: 0 of 1 updated replicas are available; " +
          "statefulset argocd-application-controller: 1 pods not ready",
      ]);
    });

    it("gives up at its deadline, naming what each workload still waited for", async () => {
      const cluster = scripted([ROLLING_OUT]);
      await assert.rejects(waitForArgoCd(KUBECONFIG, cluster.options), (err: Error) => {
        assert.ok(err instanceof ClusterWaitError);
        assert.equal(
          err.message,
          "Argo CD: not done after 60 s. Still waiting for: deployment argocd-server: 0 of 1 updated replicas are " +
            "available; statefulset argocd-application-controller: 1 pods not ready",
        );
        return true;
      });
      assert.equal(cluster.sleeps.length, 6);
    });

    it("fails at once when Argo CD is not installed, or when kubectl cannot reach the cluster", async () => {
      const empty = scripted([]);
      const noWorkloads = () => () => Promise.resolve({ code: 0, stdout: '{"items":[]}', stderr: "" });
      await assert.rejects(
        waitForArgoCd(KUBECONFIG, { ...empty.options, kubectl: noWorkloads }),
        /no Deployment or StatefulSet labelled app.kubernetes.io\/part-of=argocd in namespace argocd: Argo CD is not installed/,
      );
      const unreachable = scripted([
        {
          code: 1,
          stderr:
            'E1124 09:12:03 memcache.go:265] couldn\'t get current server API group list: Get "https://ABC.gr7.eu-west-1.eks.amazonaws.com/api": dial tcp: i/o timeout',
        },
      ]);
      await assert.rejects(
        waitForArgoCd(KUBECONFIG, unreachable.options),
        /^Error: kubectl get deployments,statefulsets -n argocd -l app.kubernetes.io\/part-of=argocd -o json failed \(exit 1\): E1124 .*dial tcp: i\/o timeout$/,
      );
      assert.deepEqual(unreachable.sleeps, []);
    });
  });

  describe("verifying the hand-off", () => {
    it("tells each handed-over Application's state: Synced and Healthy, or why not", () => {
      assert.deepEqual(handoffState(read(SYNCING), HANDED_OVER), {
        done: false,
        waiting: [
          "kube-prometheus-stack OutOfSync/Missing; sync Running: waiting for completion of hook batch/Job/kube-prometheus-stack-admission-create",
          "sealed-secrets not created yet (the root Application renders it)",
          "logging Synced/Progressing; Waiting for rollout to finish: 0 of 1 updated replicas are available...",
        ],
      });
      assert.deepEqual(handoffState(read(SYNCED), HANDED_OVER), { done: true, value: HANDED_OVER });
    });

    it("reads what Pulumi holds in the cluster from the stack's exported state", () => {
      const held = pulumiHeld(read(EXPORT));
      assert.deepEqual(held.releases, [
        { namespace: "argocd", name: "argocd" },
        { namespace: "external-dns", name: "external-dns" },
      ]);
      assert.deepEqual(
        held.objects.map((o) => `${o.group}/${o.kind} ${o.namespace}/${o.name}`),
        [
          "/Namespace /monitoring",
          "/Namespace /argocd",
          "/Namespace /sealed-secrets",
          "/Namespace /external-dns",
          "/Namespace /logging",
          "argoproj.io/AppProject argocd/ops",
          "argoproj.io/AppProject argocd/apps",
          "/Secret argocd/in-cluster",
          "/Secret argocd/state-repo",
          "/Secret argocd/argocd-notifications-secret",
          "argoproj.io/Application argocd/platform",
          "monitoring.coreos.com/PrometheusRule monitoring/argocd-applications",
          "fluentbit.fluent.io/ClusterOutput /cloudwatch",
        ],
      );
    });

    it("finds an object both Pulumi's state and an Application hold, and a release both a Helm Release and an Application install", () => {
      const held = pulumiHeld(read(EXPORT));
      const apps = read<List<ApplicationObject>>(SYNCED).items;
      // The shipped state and Applications share nothing but the release names Pulumi still installs.
      assert.deepEqual(doubleOwners(held, apps), [
        "Helm release argocd/argocd: installed by a Pulumi helm.v3.Release and rendered by Application argocd/argo-cd",
        "Helm release external-dns/external-dns: installed by a Pulumi helm.v3.Release and rendered by Application argocd/external-dns",
      ]);
      const withNotificationsSecret = apps.map((app) =>
        app.metadata.name !== "argo-cd"
          ? app
          : {
              ...app,
              status: {
                ...app.status,
                resources: [
                  ...(app.status?.resources ?? []),
                  { version: "v1", kind: "Secret", namespace: "argocd", name: "argocd-notifications-secret" },
                ],
              },
            },
      );
      const noReleases = { ...held, releases: [] };
      assert.deepEqual(doubleOwners(noReleases, withNotificationsSecret), [
        "Secret argocd/argocd-notifications-secret: held by Pulumi's state and synced by Application argocd/argo-cd",
      ]);
      assert.deepEqual(doubleOwners(noReleases, apps), []);
    });

    it("polls until every handed-over Application is Synced and Healthy, then returns them", async () => {
      const cluster = scripted([SYNCING, SYNCED]);
      const held = { ...pulumiHeld(read(EXPORT)), releases: [] };
      const verified = await verifyHandoff(KUBECONFIG, { applications: HANDED_OVER, pulumi: held }, cluster.options);
      assert.deepEqual(verified, HANDED_OVER);
      const get = `--kubeconfig ${KUBECONFIG} get applications.argoproj.io -n argocd -l gitops-platform/layer=platform -o json`;
      assert.deepEqual(cluster.calls, [get, get]);
      assert.deepEqual(cluster.sleeps, [10_000]);
    });

    it("refuses a hand-off that left a release with two owners, naming each", async () => {
      const cluster = scripted([SYNCED]);
      await assert.rejects(
        verifyHandoff(KUBECONFIG, { applications: HANDED_OVER, pulumi: pulumiHeld(read(EXPORT)) }, cluster.options),
        (err: Error) => {
          assert.ok(err instanceof DoubleOwnerError);
          assert.equal(
            err.message,
            [
              "hand-off: 2 with two owners:",
              "  - Helm release argocd/argocd: installed by a Pulumi helm.v3.Release and rendered by Application argocd/argo-cd",
              "  - Helm release external-dns/external-dns: installed by a Pulumi helm.v3.Release and rendered by Application argocd/external-dns",
              "Give each to one owner: drop it from the platform program or from the release's values, then run up again.",
            ].join("\n"),
          );
          return true;
        },
      );
    });

    it("gives up at its deadline with each Application's last state", async () => {
      const cluster = scripted([SYNCING]);
      await assert.rejects(
        verifyHandoff(
          KUBECONFIG,
          { applications: ["sealed-secrets", "logging"], pulumi: { objects: [], releases: [] } },
          cluster.options,
        ),
        {
          name: "ClusterWaitError",
          message:
            "hand-off: not done after 60 s. Still waiting for: sealed-secrets not created yet (the root Application " +
            "renders it); logging Synced/Progressing; Waiting for rollout to finish: 0 of 1 updated replicas are available...",
        },
      );
    });
  });
});
