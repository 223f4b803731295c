import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { CommandDeps } from "../automation/commands/deps";
import { runUpCommand } from "../automation/commands/up";
import { ClusterWaitError } from "../automation/driver/cluster-poll";
import { describeNextUp, platformNextUp } from "../automation/driver/platform-phases";
import { ExitCode } from "../automation/exit-codes";
import { InputError } from "../config";
import { FakeProject, FakeWorld } from "./support/fake-pulumi";
import { ownedBy, PLATFORM_PROGRAM, STAGING_OWNERS } from "./support/platform-program";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };
const KUBECONFIG = '{"apiVersion":"v1","kind":"Config","clusters":[{"name":"gitops-staging"}]}';
const VERIFY_STAGING = `cluster: verify ${STAGING_OWNERS.join(", ")}`;

/** The platform layer alone, on a cluster infra already built: infra's state exports its kubeconfig. */
function platformOnly(platform: FakeWorld["stacks"][string]): FakeWorld {
  return { stacks: { "platform-staging": platform } };
}

describe("up: the platform's phases (against the fake pulumi CLI)", () => {
  let project: FakeProject;
  const out: string[] = [];

  async function newCluster(world: FakeWorld): Promise<CommandDeps> {
    project = await FakeProject.create(world);
    project.seed("infra-staging", { resources: [], outputs: { kubeconfig: { secret: KUBECONFIG } } });
    out.length = 0;
    return deps();
  }
  const deps = (): CommandDeps => project.deps(AWS, out);
  const upPlatform = (d: CommandDeps) => runUpCommand({ env: "staging", layer: "platform" }, d);
  const stoppedMessage = () => project.log.filter((l) => l.startsWith("up: ") && l.includes(" failed: ")).pop();

  afterEach(() => project.remove());

  it("bootstraps a new cluster, waits for Argo CD, hands over and verifies in one up; again, it is a no-op", async () => {
    const d = await newCluster(platformOnly(PLATFORM_PROGRAM));
    assert.equal(
      describeNextUp(await platformNextUp("staging", d.context)),
      [
        "not deployed yet; next up: bootstrap: 5 releases installed by Pulumi, hand-off to Argo CD follows ",
        "(kube-prometheus-stack, argo-cd, sealed-secrets, external-dns, logging)",
      ].join(""),
    );

    const verified: unknown[] = [];
    project.cluster.verifyHandoff = (expected) => {
      verified.push(expected);
      return Promise.resolve(expected.applications);
    };
    assert.equal(await upPlatform(d), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations(), [
      "up platform-staging",
      "cluster: wait for Argo CD",
      "up platform-staging",
      VERIFY_STAGING,
    ]);
    // What Pulumi still holds comes from the stack's exported state (the fake's holds no Kubernetes object).
    assert.deepEqual(verified, [{ applications: STAGING_OWNERS, pulumi: { objects: [], releases: [] } }]);
    // One command opens each stack once: once platform-staging exists, only infra-staging (for its
    // kubeconfig) is selected, and its outputs are read once for both checks.
    const runs = project.journal().flatMap((e) => (e.argv ? [e.argv] : []));
    const stackOf = (argv: readonly string[]) => argv[argv.indexOf("--stack") + 1];
    const afterCreate = runs.slice(runs.findIndex((argv) => argv[0] === "stack" && argv[1] === "init"));
    assert.deepEqual(afterCreate.filter((argv) => argv[0] === "stack" && argv[1] === "select").map(stackOf), [
      "infra-staging",
    ]);
    assert.equal(runs.filter((argv) => argv[1] === "output" && stackOf(argv) === "infra-staging").length, 2);
    const exports = project.journal().filter((e) => e.argv?.[0] === "stack" && e.argv[1] === "export");
    assert.deepEqual(
      exports.map((e) => e.argv),
      [["stack", "export", "--show-secrets", "--stack", "platform-staging", "--non-interactive"]],
    );
    assert.equal(
      out.join(""),
      [
        "up staging:",
        "  platform-staging       bootstrap: 1 replaced (2 unchanged)",
        "  argo cd                available (2 workloads rolled out)",
        "  platform-staging       hand-off: 2 deleted (1 unchanged)",
        "  hand-off               5 Applications Synced and Healthy; no object with two owners",
        "",
      ].join("\n"),
    );
    // Both checks ran against the infra stack's kubeconfig, from a private file removed afterwards.
    assert.deepEqual(
      project.kubeconfigs.map((k) => k.content),
      [KUBECONFIG, KUBECONFIG],
    );
    for (const { path } of project.kubeconfigs) assert.equal(fs.existsSync(path), false, path);
    assert.equal(
      describeNextUp(await platformNextUp("staging", d.context)),
      "handed over (Argo CD owns 5 releases); next up: no owner changes",
    );

    out.length = 0;
    assert.equal(await upPlatform(deps()), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations().slice(4), ["up platform-staging", VERIFY_STAGING]);
    assert.equal(
      out.join(""),
      [
        "up staging:",
        "  platform-staging       hand-off: no changes (1 unchanged)",
        "  hand-off               5 Applications Synced and Healthy; no object with two owners",
        "",
      ].join("\n"),
    );
  });

  it("stops between the phases when Argo CD does not become available, and resumes with the hand-off, not a second bootstrap", async () => {
    const d = await newCluster(platformOnly(PLATFORM_PROGRAM));
    project.cluster.waitForArgoCd = () =>
      Promise.reject(
        new ClusterWaitError(
          "Argo CD: not done after 600 s. Still waiting for: deployment argocd-server: 0 of 1 updated replicas are available",
        ),
      );
    assert.equal(await upPlatform(d), ExitCode.Failure);
    assert.deepEqual(project.operations(), ["up platform-staging", "cluster: wait for Argo CD"]);
    assert.equal(
      stoppedMessage(),
      [
        "up: wait for Argo CD (staging) failed: Argo CD: not done after 600 s. Still waiting for: deployment argocd-server: " +
          "0 of 1 updated replicas are available",
        "Done: platform-staging (bootstrap). Not run: platform-staging (hand-off), hand-off verification (staging).",
        "Fix the cause, then resume with: npm run --silent cli -- up --env staging --layer platform",
      ].join("\n"),
    );
    assert.equal(
      out.join(""),
      "up staging:\n  platform-staging       bootstrap: 1 replaced (2 unchanged)\n" +
        "  wait for Argo CD (staging) failed: Argo CD: not done after 600 s. Still waiting for: deployment argocd-server: " +
        "0 of 1 updated replicas are available\n",
    );
    assert.equal(
      describeNextUp(await platformNextUp("staging", d.context)),
      "bootstrapped, hand-off pending; next up: hand-off: 5 releases leave the stack for Argo CD " +
        "(kube-prometheus-stack, argo-cd, sealed-secrets, external-dns, logging)",
    );

    // Argo CD came up in the meantime: the same command continues where it stopped.
    project.cluster.waitForArgoCd = () => Promise.resolve(["deployment/argocd-server"]);
    out.length = 0;
    assert.equal(await upPlatform(deps()), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations().slice(2), [
      "cluster: wait for Argo CD",
      "up platform-staging",
      VERIFY_STAGING,
    ]);
    assert.equal(
      out.join(""),
      [
        "up staging:",
        "  argo cd                available (1 workloads rolled out)",
        "  platform-staging       hand-off: 2 deleted (1 unchanged)",
        "  hand-off               5 Applications Synced and Healthy; no object with two owners",
        "",
      ].join("\n"),
    );
  });

  it("resumes a failed hand-off up with the hand-off, after waiting for Argo CD again", async () => {
    const failing = {
      ...PLATFORM_PROGRAM,
      runs: {
        ...PLATFORM_PROGRAM.runs,
        bootstrap: {
          ...PLATFORM_PROGRAM.runs.bootstrap,
          failure: { operation: "up", message: "Kubernetes cluster unreachable" },
        },
      },
    };
    const d = await newCluster(platformOnly(failing));
    assert.equal(await upPlatform(d), ExitCode.Failure);
    assert.equal(
      stoppedMessage(),
      [
        "up: platform-staging (hand-off) failed: mychild: Kubernetes cluster unreachable",
        "Done: platform-staging (bootstrap), wait for Argo CD (staging). Not run: hand-off verification (staging).",
        "Fix the cause, then resume with: npm run --silent cli -- up --env staging --layer platform",
      ].join("\n"),
    );

    project.setWorld(platformOnly(PLATFORM_PROGRAM));
    assert.equal(await upPlatform(deps()), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations(), [
      "up platform-staging",
      "cluster: wait for Argo CD",
      "up platform-staging",
      "cluster: wait for Argo CD",
      "up platform-staging",
      VERIFY_STAGING,
    ]);
  });

  it("reports a verification that timed out, and verifies again on the next run without handing over twice", async () => {
    const d = await newCluster(platformOnly(PLATFORM_PROGRAM));
    project.cluster.verifyHandoff = () =>
      Promise.reject(
        new ClusterWaitError("hand-off: not done after 900 s. Still waiting for: logging Synced/Progressing"),
      );
    assert.equal(await upPlatform(d), ExitCode.Failure);
    assert.equal(
      stoppedMessage(),
      [
        "up: hand-off verification (staging) failed: hand-off: not done after 900 s. Still waiting for: logging Synced/Progressing",
        "Done: platform-staging (bootstrap), wait for Argo CD (staging), platform-staging (hand-off). Not run: nothing.",
        "Fix the cause, then resume with: npm run --silent cli -- up --env staging --layer platform",
      ].join("\n"),
    );

    project.cluster.verifyHandoff = (expected) => Promise.resolve(expected.applications);
    assert.equal(await upPlatform(deps()), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations().slice(4), ["up platform-staging", VERIFY_STAGING]);
  });

  it("skips the verification when no release is Argo CD's (production's shipped owners)", async () => {
    const pulumiOnly = {
      ...PLATFORM_PROGRAM,
      runs: Object.fromEntries(
        Object.entries(PLATFORM_PROGRAM.runs).map(([k, run]) => [
          k,
          { ...run, outputs: { ...run.outputs, releaseOwners: ownedBy("pulumi") } },
        ]),
      ),
    };
    const d = await newCluster(platformOnly(pulumiOnly));
    assert.equal(await upPlatform(d), ExitCode.Ok, project.log.join("\n"));
    assert.deepEqual(project.operations(), ["up platform-staging", "cluster: wait for Argo CD", "up platform-staging"]);
  });

  it("refuses a platform record it cannot read, naming the output and the command that shows it", async () => {
    const d = await newCluster(platformOnly(PLATFORM_PROGRAM));
    project.seed("platform-staging", { resources: [], outputs: { platformPhase: "handed-over" } });
    await assert.rejects(upPlatform(d), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.equal(
        err.message,
        'platform-staging: its previous run recorded platformPhase "handed-over"; expected one of bootstrap, handoff. ' +
          "The record is the stack's own output: see it with pulumi stack output -s platform-staging platformPhase",
      );
      return true;
    });
    assert.deepEqual(project.operations(), []);
  });

  it("stops with a clear message when the cluster's kubeconfig is missing from infra's outputs", async () => {
    project = await FakeProject.create(platformOnly(PLATFORM_PROGRAM));
    out.length = 0;
    assert.equal(await upPlatform(deps()), ExitCode.Failure);
    assert.equal(
      stoppedMessage()?.split("\n")[0],
      "up: wait for Argo CD (staging) failed: infra-staging exports no kubeconfig: deploy the cluster first " +
        "(npm run --silent cli -- up --env staging)",
    );
  });
});
