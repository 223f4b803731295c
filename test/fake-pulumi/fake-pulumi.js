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
 *         "failure": { "operation": "up", "message": "..." },
 *         "readsOwnOutput": "platformPhase",    a program that reads its stack's own previous output
 *         "runs": { "none": { "program": ..., "outputs": ..., "failure": ... }, "<value>": { ... } } } } }
 *   A program that reads its own previous output (as the platform program does) behaves as the
 *   entry of `runs` for that output's value in the state ("none" when the stack has no such output).
 * After a successful `up` the state holds the program's resources, so the next preview of the same
 * program shows no changes, as the real engine would.
 *
 * Exit codes follow the CLI's version: 255 for every error up to 3.226.0; from 3.226.1 the semantic
 * codes (1 generic, 4 resource failure, 5 policy failure, 6 stack not found, 7 `--expect-no-changes` with changes;
 * https://www.pulumi.com/docs/iac/cli/exit-codes/).
 *
 * PULUMI_FAKE_JOURNAL, when set, gets one JSON line per invocation (argv and cwd) and one with its
 * exit code, so tests can see the order of operations, the flags the driver passed and what the CLI
 * answered.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { backend, requirePassphrase } = require("./backend");
const { CliError, compareVersions } = require("./errors");
const {
  converged,
  countChanges,
  deletesOf,
  eventSink,
  hasChanges,
  retarget,
  stepsOf,
  untilFailure,
} = require("./events");
const { judge, loadPolicyRun, packsOf } = require("./policy");
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
/** Flags given once per value (cobra's stringArray); only `preview` and `up` take a policy pack. */
const ARRAY_FLAGS = new Set(["--policy-pack", "--policy-pack-config"]);
const POLICY_COMMANDS = new Set(["preview", "up"]);
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
    else if (ARRAY_FLAGS.has(name) && POLICY_COMMANDS.has(words[0]))
      flags[name] = [...(flags[name] ?? []), inline ?? args[++i]];
    else if (BOOLEAN_FLAGS.has(name)) flags[name.replace(/^-y$/, "--yes")] = true;
    else throw new CliError(`unknown flag: ${name}`);
  }
  return { words, flags };
}

function exitCodeFor(kind, version) {
  if (compareVersions(version, "3.226.1") < 0) return 255;
  return { generic: 1, resource: 4, policy: 5, "stack-not-found": 6, "no-changes": 7 }[kind] ?? 1;
}

function readWorld(env) {
  const file = env.PULUMI_FAKE_WORLD;
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

function policyLines(steps) {
  const events = steps.filter((e) => e.policyEvent).map((e) => e.policyEvent);
  if (events.length === 0) return [];
  return [
    "Policies:",
    ...events.map(
      (p) => `    [${p.enforcementLevel}]  ${p.policyName}  (${p.resourceUrn?.split("::").slice(2).join(": ")})`,
    ),
    "",
  ];
}

function summaryLines(counts) {
  return ["Resources:", ...Object.entries(counts).map(([op, n]) => `    ${n} ${op === "same" ? "unchanged" : op}`)];
}

async function runOperation(kind, ctx) {
  const { flags, world, project, store, cwd, out, env } = ctx;
  const stack = flags["--stack"];
  const state = store.read(stack);
  requirePassphrase(state, env);
  const config = preludeConfig(cwd, stack, flags["--config-file"]);
  const spec = programFor(world.stacks[stack] ?? {}, state, stack);
  const previewOnly = kind === "preview" || flags["--preview-only"] === true;
  const takesLock = !previewOnly || (kind === "refresh" && compareVersions(world.version, "3.229.0") < 0);
  const policy = loadPolicyRun(flags, cwd);
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
    const judged = judge(steps, policy, kind);
    const failure = spec.failure && spec.failure.operation === kind ? spec.failure : undefined;
    const shown = failure ? untilFailure(judged.steps, failure) : judged.steps;
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
    const blocked = judged.blocked && !failure;
    if (blocked) {
      // The deployment executor's last word when a mandatory policy failed it (reportExecResult).
      const what = previewOnly ? "preview" : "update";
      sink.write({
        diagnosticEvent: { prefix: "error: ", message: `${what} failed\n`, color: "raw", severity: "error" },
      });
    }
    sink.write({
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 1,
        resourceChanges: counts,
        PolicyPacks: packsOf(shown),
      },
    });
    sink.write({ cancelEvent: {} });
    const title = {
      preview: "Previewing update",
      up: "Updating",
      refresh: previewOnly ? "Previewing refresh" : "Refreshing",
      destroy: "Destroying",
    }[kind];
    out.push(`${title} (${stack}):`, ...describe(shown), "", ...policyLines(shown), ...summaryLines(counts));
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
    if (blocked) {
      if (!previewOnly) store.record(stack, historyEntry("update", "failed", counts, config));
      throw new CliError(`${previewOnly ? "preview" : "update"} failed`, "policy");
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

/** What a program that reads its own previous output does, given the stack's state. */
function programFor(spec, state, stack) {
  if (!spec.readsOwnOutput) return spec;
  const previous = (state.outputs ?? {})[spec.readsOwnOutput];
  const key = previous === undefined ? "none" : String(previous);
  const run = (spec.runs ?? {})[key];
  if (!run) throw new Error(`the world does not say what ${stack}'s program does after ${spec.readsOwnOutput}=${key}`);
  return { ...spec, ...run };
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
    requirePassphrase(state, ctx.env);
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
  if (sub === "export") {
    // `pulumi stack export`: the checkpoint's deployment, version 3 (apitype.UntypedDeployment).
    const state = store.read(flags["--stack"]);
    const deployment = {
      manifest: { time: new Date().toISOString(), magic: "", version: `v${ctx.world.version}` },
      secrets_providers: { type: state.secretsProvider },
      resources: state.resources ?? [],
    };
    out.push(JSON.stringify({ version: 3, deployment }, null, 4));
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

/**
 * Runs one command line of the fake CLI against the world and backend its environment names, in
 * `cwd`: what the executable prints and the code it exits with. The executable (bin/pulumi) runs it
 * in a process of its own or hands it to the test process (server.js).
 */
async function run(args, { env, cwd }) {
  const stdout = [];
  const stderr = [];
  const code = await main(args, { env, cwd, stdout, stderr }).catch((err) => {
    stderr.push(`panic: ${err.stack}\n`);
    return 2;
  });
  if (env.PULUMI_FAKE_JOURNAL)
    fs.appendFileSync(env.PULUMI_FAKE_JOURNAL, `${JSON.stringify({ exit: code, of: args[0] })}\n`);
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

async function main(args, { env, cwd, stdout, stderr }) {
  const world = readWorld(env);
  const out = [];
  if (env.PULUMI_FAKE_JOURNAL) {
    fs.appendFileSync(env.PULUMI_FAKE_JOURNAL, `${JSON.stringify({ argv: args, cwd })}\n`);
  }
  try {
    const { words, flags } = parseArgs(args);
    const [command, sub, ...rest] = words;
    if (command === "version") {
      stdout.push(`v${world.version}\n`);
      return 0;
    }
    const project = projectName(cwd);
    const ctx = { flags, world, project, store: backend(project, env), cwd, out, env };
    if (command === "stack") stackCommand(sub, rest, ctx);
    else if (["preview", "up", "refresh", "destroy"].includes(command)) {
      if (command !== "preview" && !flags["--yes"] && !flags["--preview-only"]) {
        throw new CliError("--yes or --skip-preview must be passed in to proceed when running in non-interactive mode");
      }
      await runOperation(command, ctx);
    } else throw new CliError(`unknown command "${command}" for "pulumi"`);
    if (out.length > 0) stdout.push(`${out.join("\n")}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    if (out.length > 0) stdout.push(`${out.join("\n")}\n`);
    stderr.push(`error: ${err.message}\n`);
    return exitCodeFor(err.kind, world.version);
  }
}

module.exports = { run };
