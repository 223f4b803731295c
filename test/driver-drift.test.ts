import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { runDriftCommand } from "../automation/commands/drift";
import { ExitCode } from "../automation/exit-codes";
import { FakeProject, FakeWorld } from "./support/fake-pulumi";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };

describe("drift (against the fake pulumi CLI)", () => {
  let project: FakeProject | undefined;
  afterEach(() => project?.remove());

  interface Setup {
    /** Whether infra-staging exists in the backend. */
    readonly deployed?: boolean;
    /** The state repo: empty (never hydrated; the default), holding the hydrated catalog, or missing. */
    readonly stateRepo?: "empty" | "hydrated" | "missing";
    /** Changes the hydrated state repo by hand. */
    readonly editState?: (checkout: string) => void;
  }

  /** Drift of infra-staging, with the state repo as the setup says. */
  async function drift(world: FakeWorld, setup: Setup = {}) {
    project = await FakeProject.create(world);
    if (setup.deployed ?? true) project.seed("infra-staging", { resources: ["aws:eks/cluster:Cluster::main"] });
    if (setup.stateRepo === "missing") fs.rmSync(project.stateRepo("staging"), { recursive: true });
    if (setup.stateRepo === "hydrated") await project.deployedState("staging", setup.editState);
    const out: string[] = [];
    const code = await runDriftCommand(["staging"], { layer: "infra" }, project.deps(AWS, out));
    const refresh = project.journal().find((e) => e.argv?.[0] === "refresh")?.argv ?? [];
    const cliExit = project.journal().find((e) => e.of === "refresh")?.exit;
    return { code, report: out.join(""), refresh, cliExit };
  }

  const drifted = { "infra-staging": { drift: "json-text-change.json" } };

  it("reports drift and exits 3 when an old CLI exits 255 for expect-no-changes", async () => {
    const { code, report, refresh, cliExit } = await drift({ version: "3.205.0", stacks: drifted });
    assert.equal(cliExit, 255);
    assert.equal(code, ExitCode.Changes, project?.log.join("\n"));
    assert.deepEqual(refresh.slice(0, 3), ["refresh", "--preview-only", "--expect-no-changes"]);
    assert.equal(refresh[refresh.indexOf("--config-file") + 1], `${project?.dir}/Pulumi.staging.yaml`);
    assert.match(report, /^\| `infra-staging` \| :warning: drifted \| 1 \|$/m);
    assert.match(report, /^~ {5}vehicles\.taxi: "\{\\"color\\":\\"yellow\\"\}" => /m);
  });

  it("reports drift and exits 3 when a new CLI exits 7, with the events streamed over gRPC", async () => {
    const { code, report, refresh, cliExit } = await drift({ version: "3.230.0", stacks: drifted });
    assert.equal(cliExit, 7);
    assert.equal(code, ExitCode.Changes, project?.log.join("\n"));
    assert.match(refresh[refresh.indexOf("--event-log") + 1], /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.match(report, /^~ {5}vehicles\.taxi: /m);
  });

  it("exits 0 when the cloud matches the state and the state repo matches the catalog", async () => {
    const { code, report, cliExit } = await drift({ version: "3.205.0", stacks: {} }, { stateRepo: "hydrated" });
    assert.equal(cliExit, 0);
    assert.equal(code, ExitCode.Ok);
    assert.match(report, /^\| `infra-staging` \| in sync \| {2}\|$/m);
    assert.match(report, /^Manifests: the state repo matches the catalog\.$/m);
  });

  it("reports a stack that was never deployed as such, without creating it", async () => {
    const { code, report } = await drift({ stacks: {} }, { deployed: false, stateRepo: "hydrated" });
    assert.equal(code, ExitCode.Ok);
    assert.match(report, /^\| `infra-staging` \| not deployed \| {2}\|$/m);
    assert.deepEqual(
      project?.journal().flatMap((e) => (e.argv ? [e.argv.slice(0, 2).join(" ")] : [])),
      ["stack select"],
    );
  });

  it("counts a state repo that differs from the hydrated catalog as drift", async () => {
    const scaledByHand = (checkout: string) => {
      const file = path.join(checkout, "apps", "demo", "deployment-demo.yaml");
      const text = fs.readFileSync(file, "utf8");
      assert.match(text, /^ {2}replicas: 1$/m);
      fs.writeFileSync(file, text.replace(/^ {2}replicas: 1$/m, "  replicas: 5"));
    };
    const { code, report } = await drift(
      { version: "3.205.0", stacks: {} },
      { stateRepo: "hydrated", editState: scaledByHand },
    );
    assert.equal(code, ExitCode.Changes);
    assert.match(report, /^\| `infra-staging` \| in sync \| {2}\|$/m);
    assert.match(report, /^### Manifests: the state repo differs from the catalog \(1 file\)$/m);
    assert.match(report, /^`apps\/demo\/deployment-demo\.yaml` \(demo, modified\)$/m);
    assert.match(report, /^- {2}replicas: 5\n\+ {2}replicas: 1$/m);
  });

  it("fails the check, naming the config key, when the configured state repo cannot be read", async () => {
    const { code, report } = await drift({ stacks: {} }, { stateRepo: "missing" });
    assert.equal(code, ExitCode.Failure);
    assert.match(
      report,
      /^:x: The manifest comparison failed: state repo \/\S+\/state-staging\.git \(gitops-platform:platform\.stateRepo\.url in Pulumi\.staging\.yaml\) could not be read: /m,
    );
  });

  it("judges each deployed stack with the policy pack in a preview, and exits 1 on a mandatory violation", async () => {
    const { code, report } = await drift(
      { version: "3.205.0", stacks: { "infra-staging": { program: "policy-violations.json" } } },
      { stateRepo: "hydrated" },
    );
    assert.equal(code, ExitCode.Failure, project?.log.join("\n"));
    assert.deepEqual(project?.operations(), ["refresh infra-staging", "preview infra-staging"]);
    const preview = project?.journal().find((e) => e.argv?.[0] === "preview")?.argv ?? [];
    assert.equal(preview[preview.indexOf("--policy-pack") + 1], `${project?.dir}/policy`);
    assert.match(report, /^\| `infra-staging` \| in sync \| {2}\|$/m);
    assert.match(report, /^### `infra-staging`: the policy pack's findings \(a mandatory one fails the check\)$/m);
    assert.match(
      report,
      /^\| :x: mandatory \| `kms-key-rotation` \| `aws:kms\/key:Key::secrets-encryption-key` \| enableKeyRotation is unset \|$/m,
    );
    assert.match(report, /^\| advisory \| `ec2-imds-hop-limit` \| /m);
  });

  it("exits 1 when a check fails for another reason than changes, on either CLI", async () => {
    for (const version of ["3.205.0", "3.230.0"]) {
      const failing = {
        "infra-staging": { failure: { operation: "refresh", message: "AccessDenied: eks:DescribeCluster" } },
      };
      const { code, report, cliExit } = await drift({ version, stacks: failing });
      assert.equal(cliExit, version === "3.205.0" ? 255 : 4);
      assert.equal(code, ExitCode.Failure);
      assert.match(report, /^:x: `infra-staging`: AccessDenied: eks:DescribeCluster$/m);
      project?.remove();
    }
  });
});
