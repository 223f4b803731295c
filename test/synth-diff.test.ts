import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ResourceRecord } from "../automation/synth/mock-engine";
import { diffSynth, diffValues, renderSynthDiff, SynthDiff } from "../automation/synth/diff";
import { SynthResult } from "../automation/synth/synth";
import { runCli, spawnCli } from "./support/cli";
import { synth } from "./support/engine";
import { addEnvironment } from "./support/fake-pulumi";
import { projectCopy } from "./support/project-copy";

function resource(name: string, inputs: Record<string, unknown>, protect = false): ResourceRecord {
  return {
    type: "aws:ec2/vpc:Vpc",
    name,
    parent: "pulumi:pulumi:Stack::gitops-platform-infra-staging",
    custom: true,
    inputs,
    options: { protect, retainOnDelete: false, ignoreChanges: [], deletedWith: null, dependsOn: [], provider: null },
  };
}

function result(...resources: ResourceRecord[]): SynthResult {
  return { env: "staging", stacks: [{ layer: "infra", stack: "infra-staging", resources, outputs: {} }] };
}

describe("synth --diff", () => {
  describe("diffValues", () => {
    const cases: [string, unknown, unknown, { path: string; before: unknown; after: unknown }[]][] = [
      ["equal values", { a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }, []],
      ["a changed leaf", { a: { b: 1 } }, { a: { b: 2 } }, [{ path: "a.b", before: 1, after: 2 }]],
      ["an added key", { a: 1 }, { a: 1, c: "x" }, [{ path: "c", before: undefined, after: "x" }]],
      ["a changed list item", { l: ["x", "y"] }, { l: ["x", "z"] }, [{ path: "l[1]", before: "y", after: "z" }]],
      [
        "a list that changed length, as one value",
        { l: [1] },
        { l: [1, 2] },
        [{ path: "l", before: [1], after: [1, 2] }],
      ],
    ];
    for (const [what, before, after, expected] of cases) {
      it(`reports ${what}`, () => assert.deepEqual(diffValues(before, after, ""), expected));
    }
  });

  it("lists added, removed and changed resources with their changed properties", () => {
    const diff = diffSynth(
      result(resource("kept", { cidrBlock: "10.0.0.0/16" }), resource("gone", {})),
      result(resource("kept", { cidrBlock: "10.1.0.0/16" }, true), resource("new", {})),
      "main",
    );
    assert.deepEqual(diff, {
      env: "staging",
      base: "main",
      hasChanges: true,
      stacks: [
        {
          stack: "infra-staging",
          added: ["aws:ec2/vpc:Vpc::new"],
          removed: ["aws:ec2/vpc:Vpc::gone"],
          changed: [
            {
              resource: "aws:ec2/vpc:Vpc::kept",
              changes: [
                { path: "inputs.cidrBlock", before: "10.0.0.0/16", after: "10.1.0.0/16" },
                { path: "options.protect", before: false, after: true },
              ],
            },
          ],
        },
      ],
    } satisfies SynthDiff);
  });

  it("compares with another commit of the repository, exits 3, and reports only what changed", () => {
    const dir = projectCopy();
    try {
      const file = path.join(dir, "Pulumi.staging.yaml");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("retentionInDays: 30", "retentionInDays: 60"));
      const changed = spawnCli(["synth", "--env", "staging", "--layer", "infra", "--diff", "HEAD", "--json"], {
        cwd: dir,
      });
      assert.equal(changed.code, 3, changed.stderr);
      // One changed property and nothing else: the synth of HEAD (another process, another checkout)
      // and the synth of the working tree agree on everything the edit did not touch.
      assert.deepEqual(JSON.parse(changed.stdout) as SynthDiff, {
        env: "staging",
        base: "HEAD",
        hasChanges: true,
        stacks: [
          {
            stack: "infra-staging",
            added: [],
            removed: [],
            changed: [
              {
                resource: "aws:cloudwatch/logGroup:LogGroup::cluster-control-plane-logs",
                changes: [{ path: "inputs.retentionInDays", before: 30, after: 60 }],
              },
            ],
          },
        ],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("compares a new environment with nothing, when the base commit does not have it yet", async () => {
    const dir = projectCopy();
    try {
      addEnvironment(dir, { name: "qa", from: "dev", tier: "development", promotesFrom: ["dev"] });
      const added = spawnCli(["synth", "--env", "qa", "--layer", "infra", "--diff", "HEAD", "--json"], { cwd: dir });
      assert.equal(added.code, 3, added.stderr);
      const diff = JSON.parse(added.stdout) as SynthDiff;
      assert.deepEqual(
        diff.stacks.map((s) => [s.stack, s.removed, s.changed]),
        [["infra-qa", [], []]],
      );
      // qa is a copy of dev: it declares what dev declares, under its own names.
      const dev = await synth({ env: "dev", layers: ["infra"] });
      const expected = dev.stacks[0].resources.map((r) => `${r.type}::${r.name}`.replace(/-dev\b/g, "-qa"));
      assert.deepEqual([...diff.stacks[0].added].sort(), expected.sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says so when nothing changed", () => {
    const same = result(resource("kept", { cidrBlock: "10.0.0.0/16" }));
    const diff = diffSynth(same, same, "main");
    assert.equal(diff.hasChanges, false);
    assert.equal(
      renderSynthDiff(diff, (_style, text) => text),
      "infra-staging: 0 to add, 0 to change, 0 to delete (against main)\nNo changes.\n",
    );
  });

  it("exits 2 for a ref that is not a commit of the repository", async () => {
    const { code, stderr } = await runCli(["synth", "--env", "staging", "--diff", "no-such-ref-anywhere"]);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /synth --diff: received "no-such-ref-anywhere"; expected a commit, branch or tag of this repository/,
    );
  });
});
