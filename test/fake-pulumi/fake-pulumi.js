"use strict";
/*
 * A fake `pulumi` CLI for the Automation API driver's tests. It answers the commands and flags that
 * @pulumi/pulumi's LocalWorkspace and Stack invoke (automation/localWorkspace.js, stack.js) the way
 * the real CLI does, and replays REAL engine-event streams (test/fixtures/pulumi-engine-events/)
 * into `--event-log`: a JSON-lines file for CLIs up to 3.205.0, the gRPC events service above it.
 *
 * What it does depends only on its command line and on the state of the world:
 * - the DIY state backend at PULUMI_BACKEND_URL (file://...), laid out like the real one
 *   (.pulumi/stacks/<project>/<stack>.json, .pulumi/locks/organization/<project>/<stack>/*.json);
 *   a lock file left there by another process makes updates fail with the real conflict text;
 * - the world file at PULUMI_FAKE_WORLD (JSON), which says what the programs and the cloud are like:
 *     { "version": "3.205.0",
 *       "stacks": { "<stack>": {
 *         "program": "up.json",            recording of what the program changes against its state
 *         "drift": "json-text-change.json",recording of a refresh: where the cloud differs from state
 *         "destroy": "destroy-with-components.json",
 *         "outputs": { "name": "value", "kubeconfig": { "secret": "..." } },
 *         "failure": { "operation": "up", "message": "..." } } } }
 * After a successful `up` the state holds the program's resources, so the next preview of the same
 * program shows no changes, as the real engine would.
 *
 * Exit codes follow the CLI's version: 255 for every error up to 3.226.0; from 3.226.1 the semantic
 * codes (1 generic, 4 resource failure, 6 stack not found, 7 `--expect-no-changes` with changes;
 * https://www.pulumi.com/docs/iac/cli/exit-codes/).
 *
 * PULUMI_FAKE_JOURNAL, when set, gets one JSON line per invocation (argv and cwd) and one with its
 * exit code, so tests can see the order of operations, the flags the driver passed and what the CLI
 * answered.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { readRecording } = require("./recordings");

const VALUE_FLAGS = new Set([
  "--stack",
  "-s",
  "--config-file",
  "--event-log",
  "--exec-kind",
  "--exec-agent",
  "--secrets-provider",
  "--page-size",
  "--page",
  "--color",
  "--message",
  "-m",
  "--parallel",
  "--target",
  "--exclude",
  "--replace",
  "--client",
]);
const BOOLEAN_FLAGS = new Set([
  "--non-interactive",
  "--yes",
  "-y",
  "--skip-preview",
  "--preview-only",
  "--expect-no-changes",
  "--diff",
  "--json",
  "--show-secrets",
  "--no-select",
  "--suppress-progress",
  "--suppress-outputs",
  "--refresh",
]);

class CliError extends Error {
  constructor(message, kind = "generic") {
    super(message);
    this.kind = kind;
  }
}

function parseArgs(args) {
  const words = [];
  const flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-")) {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    if (VALUE_FLAGS.has(name)) flags[name.replace(/^-s$/, "--stack")] = inline ?? args[++i];
    else if (BOOLEAN_FLAGS.has(name)) flags[name.replace(/^-y$/, "--yes")] = true;
    else throw new CliError(`unknown flag: ${name}`);
  }
  return { words, flags };
}

function compareVersions(a, b) {
  const pa = a.replace(/^v/, "").split(/[.-]/).map(Number);
  const pb = b.replace(/^v/, "").split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function exitCodeFor(kind, version) {
  if (compareVersions(version, "3.226.1") < 0) return 255;
  return { generic: 1, resource: 4, "stack-not-found": 6, "no-changes": 7 }[kind] ?? 1;
}

function readWorld() {
  const file = process.env.PULUMI_FAKE_WORLD;
  const world = file ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  return { version: world.version ?? "3.205.0", stacks: world.stacks ?? {} };
}

function projectName(cwd) {
  const file = path.join(cwd, "Pulumi.yaml");
  if (!fs.existsSync(file)) throw new CliError(`no Pulumi.yaml project file found (searching upwards from ${cwd})`);
  const match = /^name:\s*(\S+)/m.exec(fs.readFileSync(file, "utf8"));
  return match[1];
}

/** The DIY backend at PULUMI_BACKEND_URL, with the real layout under `.pulumi/`. */
function backend(project) {
  const url = process.env.PULUMI_BACKEND_URL;
  if (!url) throw new CliError("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
  if (!url.startsWith("file://")) throw new CliError(`the fake pulumi emulates file:// backends only, not ${url}`);
  const root = path.join(url.slice("file://".length), ".pulumi");
  const stackFile = (stack) => path.join(root, "stacks", project, `${stack}.json`);
  const lockDir = (stack) => path.join(root, "locks", "organization", project, stack);
  const historyDir = (stack) => path.join(root, "history", project, stack);
  return {
    url,
    exists: (stack) => fs.existsSync(stackFile(stack)),
    read(stack) {
      if (!fs.existsSync(stackFile(stack))) throw new CliError(`no stack named '${stack}' found`, "stack-not-found");
      return JSON.parse(fs.readFileSync(stackFile(stack), "utf8"));
    },
    write(stack, state) {
      fs.mkdirSync(path.dirname(stackFile(stack)), { recursive: true });
      fs.writeFileSync(stackFile(stack), JSON.stringify(state, null, 2));
    },
    lock(stack) {
      const dir = lockDir(stack);
      const held = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
      if (held.length > 0) {
        const lines = held.map((f) => {
          const info = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
          return `  file://${path.join(dir, f)}: created by ${info.username}@${info.hostname} (pid ${info.pid}) at ${info.timestamp}`;
        });
        throw new CliError(
          `the stack is currently locked by ${held.length} lock(s). Either wait for the other process(es) to end ` +
            "or delete the lock file with `pulumi cancel`.\n" +
            lines.join("\n"),
        );
      }
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${crypto.randomUUID()}.json`);
      const info = { pid: process.pid, username: os.userInfo().username, hostname: os.hostname() };
      fs.writeFileSync(file, JSON.stringify({ ...info, timestamp: new Date().toISOString() }));
      return () => fs.rmSync(file, { force: true });
    },
    history(stack) {
      const dir = historyDir(stack);
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir)
        .sort()
        .reverse()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
    },
    record(stack, entry) {
      const dir = historyDir(stack);
      fs.mkdirSync(dir, { recursive: true });
      const version = this.history(stack).length + 1;
      const file = path.join(dir, `${stack}-${String(version).padStart(6, "0")}.history.json`);
      fs.writeFileSync(file, JSON.stringify({ ...entry, version }));
    },
  };
}

function requirePassphrase(state) {
  if (state.secretsProvider !== "passphrase") return;
  if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    throw new CliError(
      'constructing secrets manager of type "passphrase": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or ' +
        "PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
    );
  }
}

/** Config as the engine's prelude event shows it: strings, maps as JSON, secure values as "[secret]". */
function preludeConfig(cwd, stack, configFile) {
  const file = path.resolve(cwd, configFile ?? `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    if (configFile) throw new CliError(`open ${file}: no such file or directory`);
    return {};
  }
  const { parse } = require("yaml");
  const config = (parse(fs.readFileSync(file, "utf8")) ?? {}).config ?? {};
  const shown = {};
  for (const [key, value] of Object.entries(config)) {
    const secure = value !== null && typeof value === "object" && "secure" in value;
    shown[key] = secure ? "[secret]" : typeof value === "string" ? value : JSON.stringify(value);
  }
  return shown;
}

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
  return recording.filter((e) => e.resourcePreEvent || e.resOutputsEvent || e.diagnosticEvent || e.stdoutEvent);
}

/** The same program run again after it was applied: every resource it keeps is unchanged. */
function converged(steps) {
  return steps
    .filter((e) => {
      const m = metadataOf(e);
      return m && !["delete", "delete-replaced", "replace"].includes(m.op);
    })
    .map((e) => {
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

function describe(steps) {
  const symbols = {
    create: "+",
    update: "~",
    replace: "+-",
    delete: "-",
    "delete-replaced": "--",
    "create-replacement": "++",
  };
  return steps
    .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.op !== "same")
    .map((e) => {
      const m = e.resourcePreEvent.metadata;
      return `    ${symbols[m.op] ?? " "} ${m.type} ${m.urn.split("::").pop()} ${m.op}`;
    });
}

function summaryLines(counts) {
  return ["Resources:", ...Object.entries(counts).map(([op, n]) => `    ${n} ${op === "same" ? "unchanged" : op}`)];
}

async function runOperation(kind, ctx) {
  const { flags, world, project, store, cwd, out } = ctx;
  const stack = flags["--stack"];
  const state = store.read(stack);
  requirePassphrase(state);
  const config = preludeConfig(cwd, stack, flags["--config-file"]);
  const spec = world.stacks[stack] ?? {};
  const previewOnly = kind === "preview" || flags["--preview-only"] === true;
  const takesLock = !previewOnly || (kind === "refresh" && compareVersions(world.version, "3.229.0") < 0);
  const release = takesLock ? store.lock(stack) : () => {};
  const sink = eventSink(flags["--event-log"], world.version);
  try {
    sink.write({ preludeEvent: { config } });
    let steps;
    if (kind === "preview" || kind === "up") {
      const recording = spec.program ? retarget(stepsOf(readRecording(spec.program)), project, stack) : [];
      steps = state.applied && state.applied === spec.program ? converged(recording) : recording;
    } else if (kind === "refresh") {
      steps = spec.drift && !state.driftAdopted ? retarget(stepsOf(readRecording(spec.drift)), project, stack) : [];
    } else {
      steps = spec.destroy ? retarget(stepsOf(readRecording(spec.destroy)), project, stack) : deletesOf(state);
    }
    const failure = spec.failure && spec.failure.operation === kind ? spec.failure : undefined;
    const shown = failure ? untilFailure(steps, failure) : steps;
    for (const event of shown) sink.write(event);
    const counts = countChanges(shown);
    if (failure) {
      const failed = [...shown].reverse().find((e) => e.resourcePreEvent)?.resourcePreEvent.metadata;
      sink.write({
        diagnosticEvent: {
          urn: failed?.urn,
          prefix: "error: ",
          message: `${failure.message}\n`,
          color: "never",
          severity: "error",
        },
      });
      if (failed) sink.write({ resOpFailedEvent: { metadata: failed, status: 1, steps: 1 } });
    }
    sink.write({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: counts, PolicyPacks: {} } });
    sink.write({ cancelEvent: {} });
    const title = {
      preview: "Previewing update",
      up: "Updating",
      refresh: previewOnly ? "Previewing refresh" : "Refreshing",
      destroy: "Destroying",
    }[kind];
    out.push(`${title} (${stack}):`, ...describe(shown), "", ...summaryLines(counts));
    if (failure) {
      const name = shown.filter((e) => e.resourcePreEvent).pop()?.resourcePreEvent.metadata;
      out.push(
        "",
        "Diagnostics:",
        `  ${name ? `${name.type} (${name.urn.split("::").pop()})` : "pulumi:pulumi:Stack"}:`,
        `    error: ${failure.message}`,
      );
      if (!previewOnly) store.record(stack, historyEntry(kind, "failed", counts, config));
      throw new CliError(`${kind === "up" ? "update" : kind} failed`, "resource");
    }
    if (!previewOnly) applyToState(kind, state, steps, spec);
    if (!previewOnly) store.write(stack, state);
    if (!previewOnly) store.record(stack, historyEntry(kind === "up" ? "update" : kind, "succeeded", counts, config));
    if (flags["--expect-no-changes"] && hasChanges(counts)) {
      const what = kind === "preview" ? "were proposed" : "occurred";
      throw new CliError(`no changes were expected but changes ${what}`, "no-changes");
    }
  } finally {
    await sink.close();
    release();
  }
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

function applyToState(kind, state, steps, spec) {
  if (kind === "up") {
    state.applied = spec.program ?? null;
    state.resources = converged(steps)
      .filter((e) => e.resourcePreEvent)
      .map((e) => e.resourcePreEvent.metadata.new);
    state.outputs = spec.outputs ?? {};
  } else if (kind === "destroy") {
    state.applied = null;
    state.resources = [];
    state.outputs = {};
  } else if (kind === "refresh") {
    state.driftAdopted = true;
  }
}

function historyEntry(kind, result, counts, config) {
  const now = new Date().toISOString();
  return {
    kind,
    startTime: now,
    message: "",
    environment: { "exec.kind": "auto.local" },
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v, secret: v === "[secret]" }])),
    result,
    endTime: now,
    resourceChanges: counts,
  };
}

function stackCommand(sub, words, ctx) {
  const { flags, store, cwd, out } = ctx;
  if (sub === "select") {
    store.read(flags["--stack"]);
    return;
  }
  if (sub === "init") {
    const stack = words[0];
    if (store.exists(stack)) throw new CliError(`stack '${stack}' already exists`);
    const secretsProvider = flags["--secrets-provider"] ?? "default";
    const state = { stack, secretsProvider, resources: [], outputs: {} };
    requirePassphrase(state);
    store.write(stack, state);
    if (secretsProvider === "passphrase") {
      // The real CLI records the passphrase salt in the stack's own settings file.
      const salt = `v1:${crypto.randomBytes(8).toString("base64")}:fake`;
      fs.writeFileSync(path.join(cwd, `Pulumi.${stack}.yaml`), `encryptionsalt: ${salt}\n`);
    }
    return;
  }
  if (sub === "output") {
    const state = store.read(flags["--stack"]);
    const shown = Object.fromEntries(
      Object.entries(state.outputs ?? {}).map(([k, v]) => {
        const secret = v !== null && typeof v === "object" && "secret" in v;
        return [k, secret ? (flags["--show-secrets"] ? v.secret : "[secret]") : v];
      }),
    );
    out.push(JSON.stringify(shown, null, 2));
    return;
  }
  if (sub === "history") {
    store.read(flags["--stack"]);
    const pageSize = Number(flags["--page-size"] ?? 0);
    const history = store.history(flags["--stack"]);
    out.push(JSON.stringify(pageSize > 0 ? history.slice(0, pageSize) : history, null, 2));
    return;
  }
  throw new CliError(`unknown command "${sub}" for "pulumi stack"`);
}

async function main(args) {
  const world = readWorld();
  const out = [];
  if (process.env.PULUMI_FAKE_JOURNAL) {
    fs.appendFileSync(process.env.PULUMI_FAKE_JOURNAL, `${JSON.stringify({ argv: args, cwd: process.cwd() })}\n`);
  }
  try {
    const { words, flags } = parseArgs(args);
    const [command, sub, ...rest] = words;
    if (command === "version") {
      process.stdout.write(`v${world.version}\n`);
      return 0;
    }
    const cwd = process.cwd();
    const project = projectName(cwd);
    const ctx = { flags, world, project, store: backend(project), cwd, out };
    if (command === "stack") stackCommand(sub, rest, ctx);
    else if (["preview", "up", "refresh", "destroy"].includes(command)) {
      if (command !== "preview" && !flags["--yes"] && !flags["--preview-only"]) {
        throw new CliError("--yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
      }
      await runOperation(command, ctx);
    } else throw new CliError(`unknown command "${command}" for "pulumi"`);
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    process.stderr.write(`error: ${err.message}\n`);
    return exitCodeFor(err.kind, world.version);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (process.env.PULUMI_FAKE_JOURNAL) {
      fs.appendFileSync(process.env.PULUMI_FAKE_JOURNAL, `${JSON.stringify({ exit: code, of: process.argv[2] })}\n`);
    }
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`panic: ${err.stack}\n`);
    process.exitCode = 2;
  },
);
