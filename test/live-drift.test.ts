import * as assert from "node:assert/strict";
import { DriftReport } from "../automation/driver/drift";
import { driftFound } from "../automation/driver/drift";
import { renderDriftReport } from "../automation/report/drift-report";
import { divergedApplications, readLiveDrift } from "../automation/status/live-drift";
import { stagingApplications } from "./fixtures/argocd/applications";

const REVISION = "0123456789abcdef0123456789abcdef01234567";
const applications = stagingApplications("https://github.com/example-org/gitops-state-staging.git", REVISION);

function report(cluster: DriftReport["cluster"]): DriftReport {
  return {
    env: "staging",
    stacks: [],
    manifests: { changes: [], against: { kind: "state-repo", stateRepo: "state-staging.git", branch: "main" } },
    cluster,
  };
}

describe("drift: the cluster against the state repo, as Argo CD reports it", () => {
  it("lists each Application not Synced and Healthy, and nothing else", () => {
    assert.deepEqual(divergedApplications(applications.items), [
      { name: "kube-prometheus-stack", sync: "OutOfSync", health: "Progressing", revision: "88.5.3", outOfSync: [] },
    ]);
  });

  it("names each resource Argo CD reports out of sync", () => {
    const [demo] = structuredClone(applications.items);
    demo.status!.sync!.status = "OutOfSync";
    demo.status!.resources![0].status = "OutOfSync";
    const { kind, namespace, name } = demo.status!.resources![0];
    assert.deepEqual(divergedApplications([demo])[0].outOfSync, [`${kind} ${namespace}/${name}`]);
  });

  it("reads the Applications through kubectl, and says why when it cannot", async () => {
    const listed = await readLiveDrift({
      kubectl: (args) => {
        assert.deepEqual(args, ["get", "applications.argoproj.io", "-n", "argocd", "-o", "json"]);
        return Promise.resolve({ code: 0, stdout: JSON.stringify(applications), stderr: "" });
      },
      from: "context staging",
    });
    assert.deepEqual("applications" in listed && listed.applications.map((a) => a.name), ["kube-prometheus-stack"]);
    const refused = await readLiveDrift({
      kubectl: () => Promise.resolve({ code: 1, stdout: "", stderr: "error: You must be logged in to the server\n" }),
      from: "context staging",
    });
    assert.deepEqual(refused, {
      reason: "kubectl get applications.argoproj.io -n argocd failed: error: You must be logged in to the server",
    });
  });

  it("counts a diverging Application as drift, and reports it; not asking is no drift", () => {
    const diverged = report({ from: "context staging", applications: divergedApplications(applications.items) });
    assert.equal(driftFound(diverged), true);
    assert.match(
      renderDriftReport([diverged]),
      /^\| `kube-prometheus-stack` \| OutOfSync \| Progressing \| `88\.5\.3` \| {2}\|$/m,
    );
    const notAsked = report({ reason: "kubectl is not on PATH" });
    assert.equal(driftFound(notAsked), false);
    assert.match(renderDriftReport([notAsked]), /^Cluster: Argo CD not asked \(kubectl is not on PATH\)\.$/m);
    assert.equal(driftFound(report({ from: "context staging", applications: [] })), false);
  });
});
