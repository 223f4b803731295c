import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEventCollector, StackChanges, valueAt } from "../automation/driver/engine-events";
import { ManifestBaseline } from "../automation/driver/gitops-steps";
import { renderPreviewComment } from "../automation/report/preview-comment";
import { renderDriftReport } from "../automation/report/drift-report";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const recordings = require("./fake-pulumi/recordings.js") as {
  readRecording: (file: string) => EngineEvent[];
};
const readRecording = (file: string) => recordings.readRecording(file);

function collect(events: readonly EngineEvent[], stack = "platform-staging"): StackChanges {
  const collector = new EngineEventCollector(stack);
  events.forEach(collector.onEvent);
  return collector.result();
}

const STATE_REPO: ManifestBaseline = { kind: "state-repo", stateRepo: "state-staging.git", branch: "main" };
const SECRET_VALUE = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };

function updateEvent(
  oldInputs: Record<string, unknown>,
  newInputs: Record<string, unknown>,
  detailed = true,
): EngineEvent {
  const urn = "urn:pulumi:staging::gitops-platform::aws:rds/instance:Instance::db";
  const state = (inputs: Record<string, unknown>) => ({
    type: "aws:rds/instance:Instance",
    urn,
    id: "db-1",
    parent: "",
    inputs,
    outputs: {},
    provider: "",
  });
  return {
    sequence: 1,
    timestamp: 1,
    resourcePreEvent: {
      metadata: {
        op: "update",
        urn,
        type: "aws:rds/instance:Instance",
        old: state(oldInputs),
        new: state(newInputs),
        provider: "",
        ...(detailed
          ? {
              diffs: ["password", "instanceClass"],
              detailedDiff: {
                password: { diffKind: "update" as never, inputDiff: true },
                instanceClass: { diffKind: "update" as never, inputDiff: true },
              },
            }
          : {}),
      },
    },
  };
}

describe("engine events", () => {
  it("folds a replacement's three steps into one resource with the property that forces it", () => {
    const changes = collect(readRecording("webserver-userdata.json"));
    assert.deepEqual(changes.counts, { create: 0, update: 0, replace: 1, delete: 0, same: 2 });
    assert.equal(changes.resources.length, 1);
    const [instance] = changes.resources;
    assert.equal(instance.op, "replace");
    assert.equal(instance.name, "web-server-www");
    assert.deepEqual(
      instance.properties.map((p) => [p.path, p.kind, p.replaces]),
      [["userData", "update", true]],
    );
    assert.match(String(instance.properties[0].before), /Hello, World!/);
    assert.match(String(instance.properties[0].after), /Hello, Pulumi!/);
  });

  it("reads stack output changes from the stack resource's outputs", () => {
    const changes = collect(readRecording("json-text-change.json"), "gitops-staging");
    assert.deepEqual(changes.resources[0].properties, [
      {
        path: "vehicles.taxi",
        kind: "update",
        replaces: false,
        before: '{"color":"yellow"}',
        after: '{"color":    "yellow"   }',
      },
    ]);
  });

  it("never shows a secret's value: masked by the engine or carried as a secret signature", () => {
    const changes = collect([
      updateEvent(
        { password: "[secret]", instanceClass: "db.t3.small" },
        { password: SECRET_VALUE, instanceClass: "db.t3.medium" },
      ),
      updateEvent({ password: SECRET_VALUE }, { password: "[secret]", tags: { token: SECRET_VALUE } }, false),
    ]);
    assert.deepEqual(changes.resources[0].properties, [
      { path: "instanceClass", kind: "update", replaces: false, before: "db.t3.small", after: "db.t3.medium" },
      { path: "password", kind: "update", replaces: false, before: "[secret]", after: "[secret]" },
    ]);
    const comment = renderPreviewComment(
      {
        environments: [
          {
            env: "staging",
            stacks: [{ stack: "platform-staging", changes }],
            manifests: { changes: [], against: STATE_REPO },
          },
        ],
      },
      { marker: "m" },
    );
    const report = renderDriftReport([
      {
        env: "staging",
        stacks: [{ stack: "platform-staging", drifted: true, changes }],
        manifests: { changes: [], against: STATE_REPO },
      },
    ]);
    for (const text of [comment, report, JSON.stringify(changes)]) {
      assert.ok(!text.includes("hunter2"), text);
      assert.match(text, /\[secret\]/);
    }
  });

  it("sees a changed secret as changed without showing either value", () => {
    const changes = collect([
      updateEvent({ password: SECRET_VALUE }, { password: { ...SECRET_VALUE, value: "hunter3" } }, false),
    ]);
    assert.deepEqual(changes.resources[0].properties, [
      { path: "password", kind: "update", replaces: false, before: "[secret]", after: "[secret]" },
    ]);
  });

  it("shows values only known after the update as [unknown]", () => {
    const changes = collect([
      updateEvent(
        { password: "[secret]", instanceClass: "db.t3.small" },
        { password: "[secret]", instanceClass: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
      ),
    ]);
    assert.equal(changes.resources[0].properties[0].after, "[unknown]");
  });

  it("keeps the engine's error diagnostics, named after their resource", () => {
    const changes = collect([
      {
        sequence: 1,
        timestamp: 1,
        diagnosticEvent: {
          urn: "urn:pulumi:staging::gitops-platform::aws:eks/cluster:Cluster::main",
          message: "\u001b[31mcreating EKS Cluster: ResourceInUseException\u001b[0m\n",
          color: "always",
          severity: "error",
        },
      },
    ]);
    assert.deepEqual(changes.errors, ["main: creating EKS Cluster: ResourceInUseException"]);
  });

  it("counts an event the SDK delivers twice (same sequence number) once", () => {
    const failed: EngineEvent = {
      sequence: 7,
      timestamp: 1,
      diagnosticEvent: {
        message: "creating EC2 Instance: InsufficientInstanceCapacity",
        color: "never",
        severity: "error",
      },
    };
    assert.deepEqual(collect([failed, failed]).errors, ["creating EC2 Instance: InsufficientInstanceCapacity"]);
    assert.deepEqual(collect([failed, { ...failed, sequence: 8 }]).errors.length, 2);
  });

  const paths: [string, unknown][] = [
    ["a.b", 1],
    ["list[1].c", "y"],
    ['m["key.with.dots"]', true],
    ["missing.deeper", undefined],
  ];
  for (const [path, expected] of paths) {
    it(`reads the property path ${path}`, () => {
      const root = { a: { b: 1 }, list: [{ c: "x" }, { c: "y" }], m: { "key.with.dots": true } };
      assert.equal(valueAt(root, path), expected);
    });
  }
});
