import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runPreviewCommand } from "../automation/commands/preview";
import { previewEnvironment, PreviewReport } from "../automation/driver/preview";
import { renderPreviewComment } from "../automation/report/preview-comment";
import { ExitCode } from "../automation/exit-codes";
import { UNKNOWN_MARKER } from "../config";
import { evaluatePolicy, PolicyReport } from "../policy/engine";
import { Environment } from "../stack";
import { FakeProject, FAKE_PULUMI_ROOT } from "./support/fake-pulumi";
import { assertGolden } from "./support/golden";
import { declared } from "./support/policy";

const AWS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "example" };
const KEY = "aws:kms/key:Key::secrets-encryption-key";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate::workloads-launch-template";

/**
 * The offline verdict on the same infra stack: the key without rotation is a violation offline too;
 * the launch template's hop limit is a value only the cloud knows, so offline it is undetermined.
 */
function offlineVerdict(env: Environment): PolicyReport {
  return evaluatePolicy({
    env,
    tier: "staging",
    stacks: [
      {
        stack: `infra-${env}`,
        resources: [
          declared("aws:kms/key:Key", "secrets-encryption-key", {}),
          declared("aws:ec2/launchTemplate:LaunchTemplate", "workloads-launch-template", {
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: UNKNOWN_MARKER },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }],
          }),
        ],
      },
    ],
  });
}

describe("the policy pack in previews (against the fake pulumi CLI)", () => {
  let project: FakeProject;
  before(async () => {
    project = await FakeProject.create({
      stacks: {
        "infra-staging": { program: "policy-violations.json" },
        "infra-production": { program: "policy-violations.json" },
      },
    });
    project.seed("infra-staging", { resources: [] });
    project.seed("infra-production", { resources: [] });
  });
  after(() => project.remove());

  it("passes the pack and the environment's severities, so production blocks on a rule staging only advises", async () => {
    const staging = await previewEnvironment("staging", project.context());
    const production = await previewEnvironment("production", project.context());

    const previews = project.journal().filter((e) => e.argv?.[0] === "preview");
    for (const argv of previews.map((e) => e.argv ?? [])) {
      assert.equal(argv[argv.indexOf("--policy-pack") + 1], path.join(project.dir, "policy"));
      assert.ok(argv.includes("--policy-pack-config"), argv.join(" "));
    }
    const found = (preview: typeof staging) =>
      (preview.stacks[0].changes?.policy ?? []).map((f) => [f.severity, f.rule, f.stack, f.resource, f.message]);
    assert.deepEqual(found(staging), [
      ["mandatory", "kms-key-rotation", "infra-staging", KEY, "enableKeyRotation is unset"],
      ["advisory", "ec2-imds-hop-limit", "infra-staging", TEMPLATE, "metadataOptions.httpPutResponseHopLimit is 2"],
    ]);
    assert.deepEqual(found(production), [
      ["mandatory", "kms-key-rotation", "infra-production", KEY, "enableKeyRotation is unset"],
      ["mandatory", "ec2-imds-hop-limit", "infra-production", TEMPLATE, "metadataOptions.httpPutResponseHopLimit is 2"],
    ]);
    // A preview analyzes every resource before it fails: the whole plan is still there.
    assert.deepEqual(staging.stacks[0].changes?.counts, { create: 2, update: 0, replace: 0, delete: 0, same: 2 });
    assert.match(staging.stacks[0].error ?? "", /^the policy pack found 1 mandatory violation: kms-key-rotation on /);
  });

  it("fails the preview and lists the pack's findings beside the offline ones, saying which only the pack could judge", async () => {
    const output = path.join(project.dir, "comment.md");
    const deps = project.deps(AWS, [], { policy: (env) => Promise.resolve(offlineVerdict(env)) });
    const code = await runPreviewCommand(["staging"], { output }, deps, { exitOnChanges: true });

    assert.equal(code, ExitCode.Failure);
    const comment = fs.readFileSync(output, "utf8");
    // The key is counted once: the pack and the offline engine found the same violation.
    assert.match(
      comment,
      /^<summary><b>staging<\/b>: 2 to create; 2 stacks not deployed yet; .*; :x: 1 mandatory guardrail violation<\/summary>$/m,
    );
    assert.match(
      comment,
      /^Policy pack \(`policy\/`, run by `pulumi preview` on `infra-staging`\): :x: 1 mandatory violation, 1 advisory finding\. Of 1 resource finding undetermined offline, the pack found 1 violated and reported nothing on the others\.$/m,
    );
    assert.match(
      comment,
      /^\| :x: mandatory \| `kms-key-rotation` \| `infra-staging` `aws:kms\/key:Key::secrets-encryption-key` \| enableKeyRotation is unset \| also found offline \|$/m,
    );
    assert.match(
      comment,
      /^\| advisory \| `ec2-imds-hop-limit` \| `infra-staging` `aws:ec2\/launchTemplate:LaunchTemplate::workloads-launch-template` \| metadataOptions\.httpPutResponseHopLimit is 2 \| undetermined offline: only the pack could judge it \|$/m,
    );
  });

  it("renders this project's own preview as the sample comment docs/ci.md shows", async () => {
    const out: string[] = [];
    const deps = project.deps(AWS, out, { policy: (env) => Promise.resolve(offlineVerdict(env)) });
    await runPreviewCommand(["staging"], { json: true }, deps, { exitOnChanges: true });
    const preview = JSON.parse(out.join("")) as PreviewReport;
    // The state repo is a temporary directory: the sample shows it under a stable name.
    const report: PreviewReport = {
      ...preview,
      environments: preview.environments.map((e) =>
        "against" in e.manifests && e.manifests.against.kind === "state-repo"
          ? { ...e, manifests: { ...e.manifests, against: { ...e.manifests.against, stateRepo: "state-staging.git" } } }
          : e,
      ),
    };
    const marker = "gitops-platform:preview:staging";
    assertGolden("preview-comment-policy-pack.md", renderPreviewComment(report, { marker, limit: 4_000 }));
  });

  it("refuses a policy pack on refresh, as the real CLI does (pulumi refresh has no --policy-pack flag)", () => {
    const result = spawnSync(
      path.join(FAKE_PULUMI_ROOT, "bin", "pulumi"),
      ["refresh", "--stack", "infra-staging", "--policy-pack", "policy"],
      {
        cwd: project.dir,
        encoding: "utf8",
        env: { ...process.env, PULUMI_FAKE_WORLD: path.join(project.dir, "world.json") },
      },
    );
    assert.equal(result.status, 255);
    assert.equal(result.stderr, "error: unknown flag: --policy-pack\n");
  });
});
