"use strict";
// Engine events as the fake CLI emits them: recordings retargeted to this project and stack, and
// the sinks the SDK reads (a JSON-lines file up to CLI 3.205.0, the gRPC events service above).
const fs = require("node:fs");
const { CliError, compareVersions } = require("./errors");

/** Rewrites a recording's URNs to this project and stack, as the engine would have named them. */
function retarget(events, project, stack) {
  const root = events.map(metadataOf).find((m) => m && m.type === "pulumi:pulumi:Stack");
  if (!root) return events;
  const [, recStack, recProject] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(root.urn);
  const text = JSON.stringify(events)
    .split(`urn:pulumi:${recStack}::${recProject}::`)
    .join(`urn:pulumi:${stack}::${project}::`)
    .split(`pulumi:pulumi:Stack::${recProject}-${recStack}`)
    .join(`pulumi:pulumi:Stack::${project}-${stack}`);
  return JSON.parse(text);
}

function metadataOf(event) {
  return (event.resourcePreEvent ?? event.resOutputsEvent ?? event.resOpFailedEvent)?.metadata;
}

/** The resource steps of a recording, without its prelude, summary and cancel events. */
function stepsOf(recording) {
  return recording.filter(
    (e) => e.resourcePreEvent || e.resOutputsEvent || e.diagnosticEvent || e.stdoutEvent || e.policyEvent,
  );
}

/**
 * The same program run again after it was applied: every resource it keeps is unchanged, and a
 * policy pack judges them again (the analyzer sees every resource, changed or not).
 */
function converged(steps) {
  return steps
    .filter((e) => {
      if (e.policyEvent) return true;
      const m = metadataOf(e);
      return m && !["delete", "delete-replaced", "replace"].includes(m.op);
    })
    .map((e) => {
      if (e.policyEvent) return e;
      const key = e.resourcePreEvent ? "resourcePreEvent" : "resOutputsEvent";
      const m = e[key].metadata;
      const state = m.new ?? m.old;
      return {
        [key]: {
          ...e[key],
          metadata: { op: "same", urn: m.urn, type: m.type, old: state, new: state, provider: m.provider },
        },
      };
    });
}

function countChanges(steps) {
  const counts = {};
  for (const e of steps) {
    if (!e.resourcePreEvent) continue;
    const op = e.resourcePreEvent.metadata.op;
    const counted = op === "create-replacement" || op === "delete-replaced" ? null : op === "refresh" ? "same" : op;
    if (counted) counts[counted] = (counts[counted] ?? 0) + 1;
  }
  return counts;
}

function hasChanges(counts) {
  return Object.entries(counts).some(([op, n]) => op !== "same" && n > 0);
}

/** Where engine events go: the JSON-lines file the SDK tails, or its gRPC events service. */
function eventSink(target, version) {
  if (!target) return { write() {}, close: async () => {} };
  let sequence = 0;
  const stamp = (event) => ({ ...event, sequence: sequence++, timestamp: Math.floor(Date.now() / 1000) });
  if (target.startsWith("tcp://")) {
    if (compareVersions(version, "3.205.0") <= 0) throw new CliError(`--event-log ${target}: not a file`);
    const grpc = require("@grpc/grpc-js");
    const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb");
    const { EventRequest } = require("@pulumi/pulumi/proto/events_pb");
    const client = new EventsClient(target.slice("tcp://".length), grpc.credentials.createInsecure());
    let done;
    const finished = new Promise((resolve) => (done = resolve));
    const call = client.streamEvents(() => done());
    return {
      write(event) {
        call.write(new EventRequest().setEvent(JSON.stringify(stamp(event))));
      },
      async close() {
        call.end();
        await finished;
        client.close();
      },
    };
  }
  return {
    write(event) {
      fs.appendFileSync(target, `${JSON.stringify(stamp(event))}\n`);
    },
    close: async () => {},
  };
}

function untilFailure(steps, failure) {
  const index = steps.findIndex((e) => {
    const m = e.resourcePreEvent?.metadata;
    return m && m.op !== "same" && (!failure.resource || m.urn.endsWith(`::${failure.resource}`));
  });
  return index < 0 ? steps : steps.slice(0, index + 1);
}

function deletesOf(state) {
  return [...(state.resources ?? [])].reverse().flatMap((r) => {
    const metadata = { op: "delete", urn: r.urn, type: r.type, old: r, new: null, provider: r.provider ?? "" };
    return [{ resourcePreEvent: { metadata } }, { resOutputsEvent: { metadata } }];
  });
}

module.exports = {
  retarget,
  metadataOf,
  stepsOf,
  converged,
  countChanges,
  hasChanges,
  eventSink,
  untilFailure,
  deletesOf,
};
