import * as assert from "node:assert/strict";
import { ResourceChange, StackChanges } from "../automation/driver/engine-events";
import { PreviewReport } from "../automation/driver/preview";
import { renderPreviewComment } from "../automation/report/preview-comment";
import { evaluatePolicy } from "../policy/engine";
import { assertGolden } from "./support/golden";
import { declared } from "./support/policy";

/**
 * The PR comment built from preview reports as data (no engine): one report holds every case the
 * comment words differently, so the golden files show each wording once.
 */

const cleanPolicy = (env: string) => ({ report: evaluatePolicy({ env, tier: "staging", stacks: [], manifests: [] }) });

/** A verdict with one mandatory violation: a KMS key without rotation. */
const violatedPolicy = (env: string) => ({
  report: evaluatePolicy({
    env,
    tier: "production",
    stacks: [{ stack: `infra-${env}`, resources: [declared("aws:kms/key:Key", "secrets-encryption-key", {})] }],
    manifests: [],
  }),
});

function resource(op: ResourceChange["op"], name: string, properties: ResourceChange["properties"]): ResourceChange {
  const type = "aws:s3/bucket:Bucket";
  return { urn: `urn:pulumi:infra-staging::gitops-platform::${type}::${name}`, type, name, op, properties };
}

function changesOf(stack: string, resources: readonly ResourceChange[], same = 3): StackChanges {
  const count = (op: ResourceChange["op"]) => resources.filter((r) => r.op === op).length;
  return {
    stack,
    counts: {
      create: count("create"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      same,
    },
    resources,
    errors: [],
    policy: [],
  };
}

const noChanges = (stack: string) => changesOf(stack, [], 12);

const STATE_REPO = { kind: "state-repo", stateRepo: "https://git.example.com/org/state.git", branch: "main" } as const;
const BASE_RENDER = { kind: "render", ref: "origin/main", commit: "5d2c1f0e9b8a7d6c5b4a39281706f5e4d3c2b1a0" } as const;

/** Fresh for each use: a mutant that sorts or edits its input in place must not change the next test's data. */
const everyResourceOp = (): ResourceChange[] => [
  resource("create", "logs", [{ path: "bucket", kind: "add", replaces: false, after: "logs-staging" }]),
  resource("update", "assets", [
    { path: "tags.team", kind: "update", replaces: false, before: "web", after: "platform" },
    { path: "acl", kind: "delete", replaces: false, before: "private" },
  ]),
  resource("replace", "backups", [{ path: "bucket", kind: "update", replaces: true, before: "bk-1", after: "bk-2" }]),
  resource("delete", "old", []),
];

const online = (): PreviewReport => ({
  commit: "0123456789abcdef0123456789abcdef01234567",
  environments: [
    {
      env: "staging",
      stacks: [
        { stack: "infra-staging", changes: changesOf("infra-staging", everyResourceOp()) },
        { stack: "platform-staging", missing: true },
        { stack: "legacy-import", missing: true },
        { stack: "gitops-staging", error: "the engine stopped:\nexit | 255" },
      ],
      manifests: { error: "git fetch: the state repo is unreachable" },
      platformPhase: { error: "the platform's record is unreadable" },
      policy: cleanPolicy("staging"),
    },
    {
      env: "dev",
      stacks: [{ stack: "infra-dev", changes: noChanges("infra-dev") }],
      manifests: { changes: [], against: STATE_REPO },
      policy: cleanPolicy("dev"),
    },
    {
      env: "qa",
      stacks: [{ stack: "infra-qa", changes: noChanges("infra-qa") }],
      manifests: { changes: [], against: STATE_REPO },
      policy: cleanPolicy("qa"),
    },
    {
      env: "production",
      stacks: [{ stack: "gitops-production", changes: noChanges("gitops-production") }],
      manifests: {
        against: STATE_REPO,
        changes: [
          { app: "web", path: "apps/web/service-web.yaml", status: "added", kind: "Service", diff: "+kind: Service\n" },
          {
            app: "web",
            path: "apps/web/deployment-web.yaml",
            status: "modified",
            kind: "Deployment",
            diff: "-image: a:1\n+image: a:2\n",
          },
          {
            app: "api",
            path: "apps/api/cronjob-api.yaml",
            status: "deleted",
            kind: "CronJob",
            diff: "-kind: CronJob\n",
          },
        ],
      },
      policy: violatedPolicy("production"),
    },
    {
      env: "tools",
      stacks: [{ stack: "infra-tools", changes: changesOf("infra-tools", [everyResourceOp()[0]]) }],
      manifests: { skipped: "--layer infra" },
      platformPhase: {
        next: {
          from: "handoff",
          phase: "handoff",
          installs: [],
          handsBack: [],
          handsOver: [],
          thenHandsOver: [],
          argocdOwnsNow: [],
        },
      },
    },
    {
      env: "edge",
      stacks: [{ stack: "infra-edge", changes: noChanges("infra-edge") }],
      manifests: { changes: [], against: STATE_REPO },
    },
  ],
});

const offline = (): PreviewReport => ({
  offline: { reason: "no cloud credentials (a pull request from a fork)", base: "origin/main" },
  environments: [
    {
      env: "staging",
      stacks: [],
      synthDiff: {
        env: "staging",
        base: "origin/main",
        hasChanges: true,
        stacks: [
          {
            stack: "infra-staging",
            added: ["aws:s3/bucket:Bucket::logs"],
            removed: ["aws:sqs/queue:Queue::old"],
            changed: [
              {
                resource: "aws:iam/role:Role::nodes",
                changes: [
                  { path: "tags.team", before: "web", after: "platform" },
                  { path: "maxSessionDuration", before: undefined, after: 7200 },
                  { path: "description", before: "```sh", after: "plain" },
                ],
              },
            ],
          },
          { stack: "platform-staging", added: [], removed: [], changed: [] },
        ],
      },
      manifests: { changes: [], against: BASE_RENDER },
      policy: cleanPolicy("staging"),
    },
    {
      env: "dev",
      stacks: [],
      synthDiff: { env: "dev", base: "origin/main", hasChanges: false, stacks: [] },
      manifests: {
        against: BASE_RENDER,
        changes: [
          {
            app: "web",
            path: "apps/web/configmap-web.yaml",
            status: "modified",
            kind: "ConfigMap",
            diff: "-a: 1\n+a: 2\n",
          },
        ],
      },
    },
  ],
});

describe("the preview comment, from preview reports as data", () => {
  it("words every stack, manifest and platform case of an online preview", () => {
    const body = renderPreviewComment(online(), { marker: "gitops-platform:preview" });
    assertGolden("preview-comment-every-case.md", body);
  });

  it("words an offline preview: the synth diff against the base, and no guardrails", () => {
    const body = renderPreviewComment(offline(), { marker: "gitops-platform:preview" });
    assertGolden("preview-comment-offline.md", body);
  });

  it("trims the synth diff and the manifest diffs by whole items, and names each in the note", () => {
    const trimmed = (report: PreviewReport, limit: number) =>
      renderPreviewComment(report, { marker: "m", limit })
        .split("\n")
        .find((l) => l.startsWith("> Trimmed"));
    assert.equal(
      trimmed(offline(), 1_900),
      "> Trimmed to fit GitHub's comment limit (1,900 characters): cut the details of 3 resources and the diffs " +
        "of 1 manifest file, largest sections first (`infra-staging`: 3, `dev/web`: 1). The summary table is " +
        "complete; the job log has the full preview.",
    );
  });

  it("shows no summary table when no environment changes", () => {
    const quiet: PreviewReport = { environments: online().environments.slice(1, 3) };
    assert.equal(
      renderPreviewComment(quiet, { marker: "m" }),
      "<!-- m -->\n## Pulumi preview\n\nNo changes in 2 environments: `dev`, `qa` (stacks, manifests and guardrails).\n",
    );
  });

  it("does not count a stack the policy pack blocked as failing to preview", () => {
    const blocked: PreviewReport = {
      environments: [
        {
          env: "staging",
          stacks: [
            {
              stack: "infra-staging",
              error: "the policy pack refused the update",
              changes: {
                ...changesOf("infra-staging", [everyResourceOp()[0]]),
                policy: [
                  {
                    rule: "s3-no-public-acl",
                    severity: "mandatory",
                    message: "acl is public-read",
                    stack: "infra-staging",
                    resource: "aws:s3/bucket:Bucket::logs",
                  },
                  {
                    rule: "s3-versioning",
                    severity: "advisory",
                    message: "versioning is off",
                    stack: "infra-staging",
                    resource: "aws:s3/bucket:Bucket::logs",
                  },
                ],
              },
            },
            { stack: "platform-staging", error: "the engine stopped" },
            {
              stack: "gitops-staging",
              error: "the engine stopped",
              changes: {
                ...noChanges("gitops-staging"),
                policy: [
                  {
                    rule: "s3-versioning",
                    severity: "advisory",
                    message: "versioning is off",
                    stack: "gitops-staging",
                    resource: "aws:s3/bucket:Bucket::x",
                  },
                ],
              },
            },
          ],
          manifests: { changes: [], against: STATE_REPO },
        },
      ],
    };
    const body = renderPreviewComment(blocked, { marker: "m" });
    const headline = /^<summary><b>staging<\/b>: (.*)<\/summary>$/m.exec(body)?.[1];
    assert.equal(
      headline,
      "1 to create; no manifest changes; :x: 2 stacks failed to preview",
      "the stack blocked by a mandatory violation previewed; the other two failed",
    );
  });
});
