import * as assert from "node:assert/strict";
import * as path from "node:path";
import { waitForArgoCd } from "../../automation/driver/argocd-ready";
import { gatherStatus } from "../../automation/status/gather";
import { readLiveDrift } from "../../automation/status/live-drift";
import { kubectlAt } from "../../automation/status/status";
import { ClusterWaitError } from "../../automation/driver/cluster-poll";
import { DoubleOwnerError, PLATFORM_APPLICATIONS, verifyHandoff } from "../../automation/driver/handoff-verify";
import { renderEnvironment } from "../../gitops/hydrate";
import { parse } from "yaml";
import { releaseValuesOf } from "./support/config-variants";
import { synthObjects } from "./support/emitted";
import { controlPlane } from "./support/hooks";
import { KubeObject } from "./support/kube-api";
import { applicationRef, describeApp, GitopsLoop, isSyncedAt, RESYNC_SECONDS } from "./support/gitops-loop";
import { assertLiveHolds, Figures, median, notificationsTrigger, refusalsOf } from "./support/loop-checks";

/**
 * The GitOps loop for real (GitOps principles 2-4): the state repo is the desired state, approved
 * changes are applied automatically, and Argo CD corrects and reports divergence. Every assertion
 * reads what the real Argo CD controller wrote to an Application's status, or what the real
 * apiserver holds.
 */

const ENV = "staging";
const DEMO = "demo";
const deploymentRef = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: DEMO, namespace: DEMO } };

describe(`the GitOps loop with a real Argo CD (${ENV})`, function () {
  let loop: GitopsLoop;
  const figures = new Figures();

  before(async function () {
    const started = Date.now();
    const { plane, api } = controlPlane();
    loop = await GitopsLoop.start(ENV, plane, api, (platform) => releaseValuesOf(platform, "argo-cd"));
    figures.add("Argo CD start-up (settings, redis, repo-server, controllers)", Date.now() - started);
  });

  after(async function () {
    await loop?.stop();
    process.stderr.write(`${figures.render()}\n`);
  });

  describe("in applications mode (one Application per app)", function () {
    let head: string;

    it("syncs the demo app at exactly the hydrated commit, every hydrated object in the cluster as hydrated", async function () {
      const started = Date.now();
      head = await loop.hydrate();
      const gitops = (await synthObjects(ENV, loop.config)).filter((e) => e.source.startsWith(`gitops-${ENV} `));
      assert.deepEqual(
        gitops.map((e) => `${e.object.kind}/${e.object.metadata.name}`),
        [`Application/${DEMO}`],
      );
      for (const { object } of gitops) await loop.api.apply(object);

      const app = await loop.waitForApplication(DEMO, `Synced and Healthy at ${head}`, (a) => isSyncedAt(a, head));
      figures.add("first sync of the demo app (apply Application -> Synced)", Date.now() - started);
      assert.equal(app?.status?.operationState?.syncResult?.revision, head);

      // `status`, as a user runs it in the project: the hydration commit and Argo CD's verdict, both read live.
      const status = await gatherStatus(
        ENV,
        { rootDir: loop.projectDir, catalogDir: path.join(loop.projectDir, "gitops", "apps") },
        { kubectl: kubectlAt(loop.plane.kubeconfig, undefined), from: "the harness" },
      );
      assert.equal(status.stateRepo.head, head);
      const demoStatus = status.apps.find((a) => a.app === DEMO);
      assert.equal(demoStatus?.hydrated?.commit, head);
      assert.deepEqual(
        demoStatus?.argo !== "no Application" && [
          demoStatus?.argo?.sync,
          demoStatus?.argo?.health,
          demoStatus?.argo?.revision,
        ],
        ["Synced", "Healthy", head],
      );

      const hydrated = renderEnvironment(ENV, { catalogDir: path.join(loop.projectDir, "gitops", "apps") });
      assert.ok(hydrated.size >= 7, `hydrated files: ${[...hydrated.keys()].join(", ")}`);
      for (const [file, text] of hydrated) {
        const desired = parse(text) as KubeObject;
        const live = await loop.api.get(desired);
        assert.ok(live, `${file}: ${desired.kind}/${desired.metadata.name} is in the cluster`);
        assertLiveHolds(live, desired, file);
      }
    });

    it("the hand-off check reads Argo CD's real status: passes on a Synced and Healthy Application, finds a double owner", async function () {
      // verifyHandoff looks at the platform's Applications; the demo app stands in for one here.
      const [labelKey] = PLATFORM_APPLICATIONS.split("=");
      await loop.kubectl("label", "application", DEMO, "-n", "argocd", PLATFORM_APPLICATIONS);
      try {
        const kubeconfig = loop.plane.kubeconfig;
        const quick = { timeoutMs: 30_000, intervalMs: 500 };
        const nothingHeld = { objects: [], releases: [] };
        assert.deepEqual(await verifyHandoff(kubeconfig, { applications: [DEMO], pulumi: nothingHeld }, quick), [DEMO]);
        const deployment = { group: "apps", kind: "Deployment", namespace: DEMO, name: DEMO };
        await assert.rejects(
          verifyHandoff(kubeconfig, { applications: [DEMO], pulumi: { objects: [deployment], releases: [] } }, quick),
          (error: Error) =>
            error instanceof DoubleOwnerError &&
            error.message.includes(
              "Deployment.apps demo/demo: held by Pulumi's state and synced by Application argocd/demo",
            ),
        );
      } finally {
        await loop.kubectl("label", "application", DEMO, "-n", "argocd", `${labelKey}-`);
      }
    });

    it("the wait for Argo CD names what a Deployment that never rolled out still waits for", async function () {
      const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "argocd-server", namespace: "argocd", labels: { "app.kubernetes.io/part-of": "argocd" } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "argocd-server" } },
          template: {
            metadata: { labels: { app: "argocd-server" } },
            spec: { containers: [{ name: "s", image: "x:1" }] },
          },
        },
      };
      await loop.api.apply(deployment);
      try {
        // No deployment controller runs in this harness: the Deployment is never observed, as on a
        // cluster whose controller-manager is down.
        await assert.rejects(
          waitForArgoCd(loop.plane.kubeconfig, { timeoutMs: 2000, intervalMs: 500 }),
          (error: Error) => {
            assert.ok(error instanceof ClusterWaitError);
            assert.match(
              error.message,
              /^Argo CD: not done after 2 s\. Still waiting for: deployment argocd-server: spec update not observed yet$/,
            );
            return true;
          },
        );
      } finally {
        await loop.api.delete(deployment);
      }
    });

    it("rolls out a bumped image: bump-image, hydrate --push, and the Deployment runs the new tag at the new commit", async function () {
      const latencies: number[] = [];
      for (const tag of ["6.7.2", "6.7.3", "6.7.4"]) {
        await loop.bumpImage(DEMO, tag);
        head = await loop.hydrate();
        const pushed = Date.now();
        await loop.waitForApplication(DEMO, `Synced at ${head}`, (a) => isSyncedAt(a, head));
        latencies.push(Date.now() - pushed);
        const live = await loop.api.get(deploymentRef);
        const containers = (live?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
          .containers;
        assert.equal(containers[0].image, `ghcr.io/stefanprodan/podinfo:${tag}`);
      }
      figures.add(
        `push to Synced, median of ${latencies.length} (polling every ${RESYNC_SECONDS} s)`,
        median(latencies),
      );
    });

    it("reports a live change as OutOfSync and self-heal reverts it (replicas, an env var, a label)", async function () {
      const seen: string[] = [];
      const watch = await loop.api.watch(applicationRef(DEMO), (_type, live) => {
        const status = (live.status as { sync?: { status?: string } } | undefined)?.sync?.status ?? "-";
        if (seen[seen.length - 1] !== status) seen.push(status);
      });
      try {
        const drifted = Date.now();
        await loop.kubectl("scale", "deployment", DEMO, "-n", DEMO, "--replicas=4");
        await loop.kubectl("set", "env", `deployment/${DEMO}`, "-n", DEMO, "PODINFO_UI_MESSAGE=drifted");
        await loop.kubectl("label", "--overwrite", "deployment", DEMO, "-n", DEMO, "app.kubernetes.io/name=drifted");
        const healed = await loop.waitForObject(deploymentRef, "back to its hydrated spec", (live) => {
          const spec = live?.spec as {
            replicas: number;
            template: { spec: { containers: { env: { value: string }[] }[] } };
          };
          const labels = live?.metadata.labels as Record<string, string> | undefined;
          return (
            spec?.replicas === 1 &&
            labels?.["app.kubernetes.io/name"] === DEMO &&
            !JSON.stringify(spec.template.spec.containers[0].env).includes("drifted")
          );
        });
        figures.add("drift to healed (three kubectl edits, self-heal)", Date.now() - drifted);
        assert.ok(healed);
        const app = await loop.waitForApplication(DEMO, "Synced after self-heal", (a) => isSyncedAt(a, head));
        assert.ok(seen.includes("OutOfSync"), `the Application reported: ${seen.join(" -> ")}`);
        assert.equal(app?.status?.operationState?.operation?.initiatedBy?.automated, true);
      } finally {
        watch.stop();
      }
    });

    it("recreates a deleted object", async function () {
      const service = { apiVersion: "v1", kind: "Service", metadata: { name: DEMO, namespace: DEMO } };
      const before = await loop.api.get(service);
      await loop.kubectl("delete", "service", DEMO, "-n", DEMO, "--wait=true");
      const after = await loop.waitForObject(
        service,
        "recreated by self-heal",
        (live) => live !== undefined && live.metadata.uid !== before?.metadata.uid,
      );
      assert.deepEqual(
        (after?.spec as { ports: unknown[] }).ports.length,
        (before?.spec as { ports: unknown[] }).ports.length,
      );
    });

    it("reports drift in the project's drift check and fires the out-of-sync trigger, and neither when Synced", async function () {
      const live = () => readLiveDrift({ kubectl: kubectlAt(loop.plane.kubeconfig, undefined), from: "the harness" });
      const values = releaseValuesOf(await synthObjects(ENV, loop.config), "argo-cd");
      const trigger = await notificationsTrigger(loop, values);
      assert.deepEqual(await trigger("on-out-of-sync", DEMO), [false], "Synced: the trigger does not fire");

      // Pausing self-heal (what an operator does to investigate) keeps the drift in place.
      await loop.api.patchMerge(applicationRef(DEMO), { spec: { syncPolicy: { automated: { selfHeal: false } } } });
      await loop.kubectl("scale", "deployment", DEMO, "-n", DEMO, "--replicas=3");
      await loop.waitForApplication(DEMO, "OutOfSync", (a) => a?.status?.sync?.status === "OutOfSync");
      assert.deepEqual(await trigger("on-out-of-sync", DEMO), [true], "OutOfSync: the trigger fires");
      assert.deepEqual(await live(), {
        from: "the harness",
        applications: [
          {
            name: DEMO,
            sync: "OutOfSync",
            health: "Healthy",
            revision: head,
            outOfSync: [`Deployment ${DEMO}/${DEMO}`],
          },
        ],
      });

      await loop.api.patchMerge(applicationRef(DEMO), { spec: { syncPolicy: { automated: { selfHeal: true } } } });
      await loop.waitForApplication(DEMO, "Synced again", (a) => isSyncedAt(a, head));
      assert.deepEqual(await trigger("on-out-of-sync", DEMO), [false], "healed: the trigger does not fire");
      assert.deepEqual(await live(), { from: "the harness", applications: [] });
    });

    it("refuses, under the apps AppProject, a cluster-scoped object, a plain Secret and a foreign namespace", async function () {
      const intruders: Record<string, { file: string; object: KubeObject; refusal: RegExp }> = {
        "intruder-cluster": {
          file: "clusterrole.yaml",
          object: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "intruder" } },
          refusal: /resource rbac\.authorization\.k8s\.io:ClusterRole is not permitted in project apps/,
        },
        "intruder-secret": {
          file: "secret.yaml",
          object: { apiVersion: "v1", kind: "Secret", metadata: { name: "intruder", namespace: DEMO } },
          refusal: /resource :Secret is not permitted in project apps/,
        },
        "intruder-namespace": {
          file: "configmap.yaml",
          object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "intruder", namespace: "kube-system" } },
          refusal: /namespace kube-system is not permitted in project 'apps'/,
        },
      };
      const files = Object.fromEntries(
        Object.entries(intruders).map(([app, i]) => [`apps/${app}/${i.file}`, JSON.stringify(i.object)]),
      );
      const revision = loop.pushToStateRepo(files, "pushed around hydrate");
      const demo = await loop.application(DEMO);
      for (const app of Object.keys(intruders)) {
        await loop.api.apply({
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Application",
          metadata: { name: app, namespace: "argocd" },
          spec: { ...demo!.spec, source: { ...(demo!.spec.source as object), path: `apps/${app}` } },
        });
      }
      for (const [app, intruder] of Object.entries(intruders)) {
        const refused = await loop.waitForApplication(app, `refused at ${revision}`, (a) =>
          intruder.refusal.test(refusalsOf(a)),
        );
        assert.notEqual(refused?.status?.operationState?.phase, "Succeeded", describeApp(refused));
        assert.equal(await loop.api.get(intruder.object), undefined, `${app}: nothing was created`);
        await loop.api.delete(applicationRef(app));
      }
    });

    it("prunes an object removed from the catalog", async function () {
      const ingress = {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: DEMO, namespace: DEMO },
      };
      assert.ok(await loop.api.get(ingress), "the Ingress exists before");
      // `null` deletes a key in a merge (docs/catalog.md, merge rules): staging drops its Ingress.
      loop.editCatalog(DEMO, `${ENV}.yaml`, (doc) => doc.set("ingress", null));
      head = await loop.hydrate();
      await loop.waitForApplication(DEMO, `Synced at ${head}`, (a) => isSyncedAt(a, head));
      await loop.waitForObject(ingress, "pruned", (live) => live === undefined);
    });

    it("deletes every object of the app with its Application (resources finalizer)", async function () {
      const app = await loop.application(DEMO);
      assert.deepEqual(app?.metadata.finalizers, ["resources-finalizer.argocd.argoproj.io"]);
      assert.ok(await loop.api.get(deploymentRef), "the Deployment exists before");
      await loop.api.delete(applicationRef(DEMO));
      await loop.waitForApplication(DEMO, "gone", (a) => a === undefined);
      await loop.waitForObject(deploymentRef, "deleted", (live) => live === undefined);
    });
  });

  describe("in applicationset mode (one ApplicationSet over the state repo's apps/*)", function () {
    it("generates an Application per app directory, which syncs at the state repo's head", async function () {
      const config = { ...loop.config, values: structuredClone(loop.config.values) };
      (config.values["gitops-platform:gitops"] as Record<string, unknown>).mode = "applicationset";
      const gitops = (await synthObjects(ENV, config)).filter((e) => e.source.startsWith(`gitops-${ENV} `));
      assert.deepEqual(
        gitops.map((e) => e.object.kind),
        ["ApplicationSet"],
      );
      for (const { object } of gitops) await loop.api.apply(object);
      const head = await loop.hydrate();
      const app = await loop.waitForApplication(DEMO, `generated and Synced at ${head}`, (a) => isSyncedAt(a, head));
      const owners = app?.metadata.ownerReferences as { kind: string }[] | undefined;
      assert.deepEqual(
        owners?.map((o) => o.kind),
        ["ApplicationSet"],
      );
    });

    it("deletes the app's Application and objects when the app leaves the environment", async function () {
      assert.ok(await loop.application(DEMO), "the generated Application exists before");
      // `enabled: false` in an env file takes the app out of that environment (docs/catalog.md).
      loop.editCatalog(DEMO, `${ENV}.yaml`, (doc) => doc.set("enabled", false));
      await loop.hydrate();
      await loop.waitForApplication(DEMO, "deleted by the ApplicationSet", (a) => a === undefined);
      await loop.waitForObject(deploymentRef, "deleted", (live) => live === undefined);
    });
  });
});
