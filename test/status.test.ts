import * as assert from "node:assert/strict";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { gatherStatus } from "../automation/status/gather";
import { renderStatus } from "../automation/status/render";
import { Kubectl } from "../automation/status/status";
import { painter } from "../automation/output";
import { stagingApplications } from "./fixtures/argocd/applications";
import { FakeProject } from "./support/fake-pulumi";
import { git } from "./support/project-copy";

describe("status (state repo on disk, recorded Application objects)", () => {
  let project: FakeProject;
  let head: string;
  before(async () => {
    project = await FakeProject.create({ stacks: {} });
    await project.deployedState("staging");
    head = git(project.stateRepo("staging"), "rev-parse", "main").trim();
  });
  after(() => project.remove());

  /** kubectl answering with the recorded objects, and recording what it was asked. */
  function recordedKubectl(asked: string[][]): Kubectl {
    return (args) => {
      asked.push([...args]);
      return Promise.resolve({
        code: 0,
        stdout: JSON.stringify(stagingApplications(project.stateRepo("staging"), head)),
        stderr: "",
      });
    };
  }

  it("uses recorded objects that match Argo CD's Application schema", () => {
    for (const item of stagingApplications("https://github.com/example-org/gitops-state-staging.git", head).items) {
      assert.doesNotThrow(() => new Application(item).validate(), item.metadata.name);
    }
  });

  it("reports each app's hydrated commit beside Argo CD's sync, health and running revision, and each release's owner", async () => {
    const asked: string[][] = [];
    const report = await gatherStatus(
      "staging",
      { rootDir: project.dir },
      { kubectl: recordedKubectl(asked), from: "context staging" },
    );

    assert.deepEqual(asked, [["get", "applications.argoproj.io", "-n", "argocd", "-o", "json"]]);
    assert.equal(report.stateRepo.head, head);
    assert.equal(report.apps.length, 1);
    const demo = report.apps[0];
    assert.equal(demo.hydrated?.commit, head);
    assert.equal(demo.hydrated?.sourceCommit, project.head());
    assert.deepEqual(demo.argo, {
      sync: "Synced",
      health: "Healthy",
      revision: head,
      phase: "Succeeded",
      reconciledAt: "2026-11-24T09:15:00Z",
    });
    assert.deepEqual(
      report.releases.map((r) => [
        r.release,
        r.owner,
        r.argo === "no Application" ? r.argo : r.argo && [r.argo.sync, r.argo.health, r.argo.phase],
      ]),
      [
        ["kube-prometheus-stack", "argocd", ["OutOfSync", "Progressing", "Failed"]],
        ["argo-cd", "argocd", ["Synced", "Healthy", "Succeeded"]],
        ["sealed-secrets", "argocd", ["Synced", "Healthy", "Succeeded"]],
        ["external-dns", "argocd", "no Application"],
        ["logging", "argocd", "no Application"],
      ],
    );

    const text = renderStatus(report, painter(false));
    const date = demo.hydrated?.date.slice(0, 10);
    assert.equal(
      text,
      [
        "status staging",
        `state repo ${project.stateRepo("staging")}, branch main at ${head.slice(0, 12)}`,
        "Argo CD: Applications read from context staging",
        "",
        "APP   HYDRATED                 SYNC    HEALTH   RUNS          LAST OPERATION",
        `demo  ${head.slice(0, 12)} ${date}  Synced  Healthy  ${head.slice(0, 12)}  Succeeded`,
        "",
        "RELEASE                OWNER   SYNC            HEALTH       RUNS    LAST OPERATION",
        "kube-prometheus-stack  argocd  OutOfSync       Progressing  88.5.3  Failed: one or more objects failed to apply (dry run): the server could not find the requested resource",
        "argo-cd                argocd  Synced          Healthy      10.1.1  Succeeded",
        "sealed-secrets         argocd  Synced          Healthy      2.18.5  Succeeded",
        "external-dns           argocd  no Application",
        "logging                argocd  no Application",
        "",
      ].join("\n"),
    );
  });

  it("says why sync and health are unknown when Argo CD cannot be read, and never invents them", async () => {
    const refused: Kubectl = () =>
      Promise.resolve({ code: 1, stdout: "", stderr: "error: You must be logged in to the server (Unauthorized)\n" });
    const report = await gatherStatus(
      "staging",
      { rootDir: project.dir },
      { kubectl: refused, from: "context staging" },
    );
    assert.deepEqual(report.argo, {
      read: false,
      reason:
        "kubectl get applications.argoproj.io -n argocd failed: error: You must be logged in to the server (Unauthorized)",
    });
    assert.equal(report.apps[0].argo, undefined);
    assert.match(
      renderStatus(report, painter(false)),
      new RegExp(`^demo  ${head.slice(0, 12)} \\S+  \\?     \\?$`, "m"),
    );
  });
});
