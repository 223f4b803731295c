import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { configFileOf, Environment, StackIdentity } from "../../stack";
import { BackendSettings } from "./backend";
import { PINNED_CLI_VERSION } from "../versions";

/**
 * The Automation API workspace over this repository, exactly as admins run it by hand: the local
 * program in the repo root (never `projectSettings`, which would overwrite Pulumi.yaml), stacks
 * `<layer>-<env>` created or selected, and `--config-file Pulumi.<env>.yaml` on every operation.
 * The workspace's setConfig/getConfig are never used: they ignore the config file.
 */

export interface PulumiCommandSources {
  /** The `pulumi` on PATH. */
  readonly fromPath: () => Promise<PulumiCommand>;
  /** Downloads and installs PINNED_CLI_VERSION into ~/.pulumi/versions/, or fails offline. */
  readonly install: () => Promise<PulumiCommand>;
}

export const defaultCommandSources: PulumiCommandSources = {
  fromPath: () => PulumiCommand.get(),
  // Without a version, PulumiCommand.install installs the SDK's own version: PINNED_CLI_VERSION.
  install: () => PulumiCommand.install(),
};

/** The `pulumi` on PATH, else the pinned version installed with PulumiCommand.install. */
export async function resolvePulumiCommand(
  sources: PulumiCommandSources = defaultCommandSources,
  log: (message: string) => void = () => undefined,
): Promise<PulumiCommand> {
  try {
    return await sources.fromPath();
  } catch (pathError) {
    log(`pulumi: not found on PATH (${firstLine(pathError)}); installing v${PINNED_CLI_VERSION}`);
    try {
      return await sources.install();
    } catch (installError) {
      throw new Error(
        `the pulumi CLI is not on PATH, and installing v${PINNED_CLI_VERSION} with PulumiCommand.install failed ` +
          `(${firstLine(installError)}). Installing downloads from get.pulumi.com, so it cannot work offline: ` +
          `install the CLI (https://www.pulumi.com/docs/install/) and put it on PATH, then run again.`,
      );
    }
  }
}

/**
 * The meaningful line of an Automation API CommandError, whose message lists `code: …`, `stdout: …`,
 * `stderr: …` and `err?: …` whether or not each has content: the first label with a value, without
 * the label.
 */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text
    .split("\n")
    .map((l) => l.trim().replace(/^(stdout|stderr|err\?):\s*(Error:\s*)?/, ""))
    .find((l) => l && !/^code: /.test(l) && !/^(stdout|stderr|err\?):$/.test(l));
  return (line ?? text).slice(0, 300);
}

/** Everything needed to open the stacks of one environment. */
export interface WorkspaceContext {
  readonly rootDir: string;
  readonly pulumiCommand: PulumiCommand;
  readonly backend: BackendSettings;
  /** Extra environment for the CLI, beside the backend URL. */
  readonly envVars?: Readonly<Record<string, string>>;
}

/** How a stack is opened: `up` creates a missing stack; `preview`, `destroy` and `drift` only select. */
export type OpenMode = "create-or-select" | "select";

/** Opens one stack on the repo root's local program; "select" throws StackNotFoundError for a missing one. */
export async function openStack(
  target: StackIdentity,
  context: WorkspaceContext,
  mode: OpenMode = "create-or-select",
): Promise<Stack> {
  if (context.backend.embedded) fs.mkdirSync(path.join(context.rootDir, ".pulumi"), { recursive: true });
  const program = { stackName: target.name, workDir: context.rootDir };
  const options = {
    pulumiCommand: context.pulumiCommand,
    envVars: { ...context.envVars, PULUMI_BACKEND_URL: context.backend.url },
    ...(context.backend.secretsProvider ? { secretsProvider: context.backend.secretsProvider } : {}),
  };
  return mode === "select"
    ? LocalWorkspace.selectStack(program, options)
    : LocalWorkspace.createOrSelectStack(program, options);
}

export type StackOpener = (target: StackIdentity, mode?: OpenMode) => Promise<Stack>;

/**
 * Opens each stack once per command: every open is a `pulumi stack select` run, and the SDK's Stack
 * names its stack on every command it runs (`--stack`), so one Stack serves every operation and
 * read of a command. A failed open (a missing stack) is not kept: a later `up` may create it.
 */
export function openEachStackOnce(open: StackOpener): StackOpener {
  const opened = new Map<string, Promise<Stack>>();
  return (target, mode) => {
    const known = opened.get(target.name);
    if (known) return known;
    const stack = open(target, mode);
    opened.set(target.name, stack);
    stack.catch(() => opened.delete(target.name));
    return stack;
  };
}

/** `--config-file` for every operation on a stack of `env`. */
export function configFilePath(rootDir: string, env: Environment): string {
  return path.join(rootDir, configFileOf(env));
}
