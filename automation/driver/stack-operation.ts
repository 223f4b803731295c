import { ConcurrentUpdateError, type OutputMap, type Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { StackIdentity } from "../../stack";
import { EngineEventCollector, PackFinding, StackChanges } from "./engine-events";
import { GitopsSteps } from "./gitops-steps";
import { PolicyPackArgs, PolicyPackSource } from "./policy-pack";
import type { HandoffClusterFactory } from "./platform-phases";
import { commandMessage, isExpectedNoChangesFailure, retryConcurrentUpdates, RetryPolicy, Sleep } from "./operations";
import { outputValues, rememberOutputs } from "./stack-outputs";
import { configFilePath, OpenMode } from "./workspace";

/** What the orchestrations (up, destroy, preview, drift) run on. Tests give it a fake CLI. */
export interface DriverContext {
  readonly rootDir: string;
  /** Opens the stack on the repo root's local program: created when missing, unless mode is "select". */
  readonly openStack: (target: StackIdentity, mode?: OpenMode) => Promise<Stack>;
  readonly gitops: GitopsSteps;
  /** The policy pack every preview and up runs with. */
  readonly policyPack: PolicyPackSource;
  /** The platform's checks in the cluster (Argo CD available, hand-off verified), given a kubeconfig file. */
  readonly handoffCluster: HandoffClusterFactory;
  readonly retry: RetryPolicy;
  readonly sleep: Sleep;
  /** Progress, to stderr. */
  readonly log: (message: string) => void;
  /** How the user runs the CLI, for the commands the driver tells them to run (automation/invocation.ts). */
  readonly invocation: string;
}

export type StackOperation = "up" | "preview" | "destroy" | "drift";

/**
 * One stack operation failed: the stack, the operation and the reason the engine or CLI gave, with
 * what the engine reported before it stopped (the policy pack's findings among it).
 */
export class StackOperationError extends Error {
  override readonly name = "StackOperationError";
  constructor(
    readonly stack: string,
    readonly operation: StackOperation,
    readonly reason: string,
    readonly changes?: StackChanges,
  ) {
    super(`${operation} of ${stack} failed: ${reason}`);
  }
}

/** The pack's mandatory findings: any of them fails a preview and stops an update. */
export function mandatoryPackFindings(changes: StackChanges | undefined): readonly PackFinding[] {
  return (changes?.policy ?? []).filter((f) => f.severity === "mandatory");
}

function policyBlockReason(findings: readonly PackFinding[]): string {
  const listed = findings.map((f) => `${f.rule} on ${f.resource}: ${f.message}`).join("; ");
  return `the policy pack found ${findings.length} mandatory violation${findings.length === 1 ? "" : "s"}: ${listed}`;
}

export interface StackOperationResult {
  readonly changes: StackChanges;
  /** `drift` only: the refresh found the cloud differs from the state. */
  readonly drifted: boolean;
  /** `preview`, `destroy` and `drift`: the stack does not exist (never deployed, or removed), so nothing ran. */
  readonly missing?: boolean;
  /** `up`: the stack's outputs after it, secret ones in plaintext. */
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/**
 * Runs one operation on one stack with `--config-file Pulumi.<env>.yaml`, collecting its engine
 * events, retrying while another update holds the stack, and streaming the CLI's output to the log.
 * `drift` is a refresh preview with expect-no-changes: it changes neither state nor cloud.
 */
export async function runStackOperation(
  target: StackIdentity,
  operation: StackOperation,
  context: DriverContext,
): Promise<StackOperationResult> {
  // Only `up` creates a stack: a pull request's preview must not add stacks to the backend.
  // Previewing, destroying or checking one that does not exist reports it as missing instead.
  const selectOnly = operation !== "up";
  let stack: Stack;
  try {
    stack = await context.openStack(target, selectOnly ? "select" : "create-or-select");
  } catch (err) {
    if (!(selectOnly && err instanceof StackNotFoundError)) throw err;
    return { changes: new EngineEventCollector(target.name).result(), drifted: false, missing: true };
  }
  const configFile = configFilePath(context.rootDir, target.env);
  // `pulumi destroy` and `pulumi refresh` take no policy pack: the pack judges what a program declares.
  const pack = operation === "up" || operation === "preview" ? context.policyPack(target.env) : undefined;
  // An up or destroy, finished or not, may have changed the outputs: what the command saw before is stale.
  const changesOutputs = operation === "up" || operation === "destroy";
  try {
    const result = await runWithRetries(target, operation, stack, context, { configFile, pack });
    if (changesOutputs) rememberOutputs(stack, result.outputs);
    return result;
  } catch (err) {
    if (changesOutputs) rememberOutputs(stack, undefined);
    throw err;
  } finally {
    pack?.close();
  }
}

async function runWithRetries(
  target: StackIdentity,
  operation: StackOperation,
  stack: Stack,
  context: DriverContext,
  { configFile, pack }: { configFile: string; pack?: PolicyPackArgs },
): Promise<StackOperationResult> {
  return retryConcurrentUpdates(
    target.name,
    async () => {
      const collector = new EngineEventCollector(target.name);
      const output = lineLogger(target.name, context.log);
      const common = { configFile, onEvent: collector.onEvent, onOutput: output.write };
      const judged = {
        ...common,
        ...(pack ? { policyPacks: [...pack.policyPacks], policyPackConfigs: [...pack.policyPackConfigs] } : {}),
      };
      try {
        let outputs: OutputMap | undefined;
        if (operation === "up") outputs = (await stack.up(judged)).outputs;
        else if (operation === "preview") await stack.preview(judged);
        else if (operation === "destroy") await stack.destroy(common);
        else await stack.previewRefresh({ ...common, expectNoChanges: true });
        output.flush();
        return { changes: collector.result(), drifted: false, ...(outputs ? { outputs: outputValues(outputs) } : {}) };
      } catch (err) {
        output.flush();
        if (operation === "drift" && isExpectedNoChangesFailure(err))
          return { changes: collector.result(), drifted: true };
        const changes = collector.result();
        // A concurrent update is retried as is; everything else is reported with the engine's own words.
        if (changes.errors.length === 0 && err instanceof ConcurrentUpdateError) throw err;
        const blocked = mandatoryPackFindings(changes);
        const reason =
          blocked.length > 0
            ? policyBlockReason(blocked)
            : changes.errors.length > 0
              ? changes.errors.join("; ")
              : commandMessage(err);
        throw new StackOperationError(target.name, operation, reason, changes);
      }
    },
    { policy: context.retry, sleep: context.sleep, log: context.log },
  );
}

/** Streams the CLI's output to the log line by line, each prefixed with the stack. */
function lineLogger(
  stack: string,
  log: (message: string) => void,
): { write: (chunk: string) => void; flush: () => void } {
  let pending = "";
  const emit = (line: string) => {
    if (line.trim()) log(`  ${stack} | ${line.trimEnd()}`);
  };
  return {
    write(chunk) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(emit);
    },
    flush() {
      emit(pending);
      pending = "";
    },
  };
}
