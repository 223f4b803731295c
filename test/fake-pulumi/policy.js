"use strict";
// The policy packs of one operation, as the engine runs them. `--policy-pack <dir>` loads a local
// pack (a directory holding PulumiPolicy.yaml); `--policy-pack-config <file>` sets policies'
// enforcement levels, as @pulumi/policy's server applies them (`all`, or per policy: a level or
// `{ "enforcementLevel": ... }`). Without a pack the engine runs no analyzer and emits no policy
// event. The analyzer's verdicts come from the recording: its `policyEvent`s, in the engine's order
// (a resource's events before its step; pkg/resource/deploy/step_generator.go).
const fs = require("node:fs");
const path = require("node:path");
const { CliError } = require("./errors");

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

function loadPolicyRun(flags, cwd) {
  const packs = flags["--policy-pack"] ?? [];
  const configs = flags["--policy-pack-config"] ?? [];
  // The CLI's own checks (pkg/cmd/pulumi: validatePolicyPackConfig), in its words.
  if (configs.length > 0 && packs.length === 0) {
    throw new CliError('"--policy-pack-config" must be specified with "--policy-pack"');
  }
  if (configs.length > 0 && configs.length !== packs.length) {
    throw new CliError('the number of "--policy-pack-config" flags must match the number of "--policy-pack" flags');
  }
  if (packs.length === 0) return undefined;
  for (const pack of packs) {
    const manifest = path.join(path.resolve(cwd, pack), "PulumiPolicy.yaml");
    if (!fs.existsSync(manifest)) {
      throw new CliError(
        `failed to load Pulumi policy project located at "${manifest}": open ${manifest}: no such file or directory`,
      );
    }
  }
  const levels = {};
  for (const file of configs) {
    let parsed;
    try {
      parsed = JSON.parse(fs.readFileSync(path.resolve(cwd, file), "utf8"));
    } catch (err) {
      throw new CliError(`loading policy pack config ${file}: ${err.message}`);
    }
    for (const [policy, value] of Object.entries(parsed)) {
      const level = typeof value === "string" ? value : value?.enforcementLevel;
      if (!LEVELS.includes(level)) throw new CliError(`"${level}" is not a valid enforcement level`);
      levels[policy] = level;
    }
  }
  return { levels };
}

/** The level a policy runs at: its own config, else `all`, else the level it was recorded with. */
function levelOf(run, event) {
  const level = run.levels[event.policyName] ?? run.levels.all ?? event.enforcementLevel;
  return level === "remediate" ? "mandatory" : level;
}

/**
 * The recorded steps as this run emits them, and whether a mandatory violation failed it. A preview
 * analyzes every resource and fails at the end; an update stops at the first resource a mandatory
 * policy rejects, before that resource's step.
 */
function judge(steps, run, kind) {
  if (!run) return { steps: steps.filter((e) => !e.policyEvent), blocked: false };
  const judged = steps.flatMap((e) => {
    if (!e.policyEvent) return [e];
    const level = levelOf(run, e.policyEvent);
    return level === "disabled" ? [] : [{ policyEvent: { ...e.policyEvent, enforcementLevel: level } }];
  });
  const first = judged.findIndex((e) => e.policyEvent?.enforcementLevel === "mandatory");
  if (first < 0) return { steps: judged, blocked: false };
  if (kind !== "up") return { steps: judged, blocked: true };
  let end = first;
  while (judged[end + 1]?.policyEvent) end++;
  return { steps: judged.slice(0, end + 1), blocked: true };
}

/** `PolicyPacks` of the summary event: name to version of each pack that reported. */
function packsOf(steps) {
  return Object.fromEntries(
    steps.filter((e) => e.policyEvent).map((e) => [e.policyEvent.policyPackName, e.policyEvent.policyPackVersion]),
  );
}

module.exports = { loadPolicyRun, judge, packsOf };
