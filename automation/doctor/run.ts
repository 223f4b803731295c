import { InputError } from "../../config";
import { Environment } from "../../stack";
import {
  accountCheck,
  awsCliCheck,
  backendCheck,
  CheckRow,
  credentialsCheck,
  Gated,
  gitCheck,
  kubeconfigCheck,
  kubectlCheck,
  nodeCheck,
  optionalToolChecks,
  pulumiCheck,
  secretsCheck,
  stateRepoCheck,
} from "./checks";
import { CheckContext } from "./probe";

/** Every check `doctor` runs, for each of `envs`: the tools once, then each environment's. */
export async function doctorRows(ctx: CheckContext, envs: readonly Environment[]): Promise<CheckRow[]> {
  const tools = [
    nodeCheck(ctx),
    ...(await Promise.all([gitCheck(ctx), pulumiCheck(ctx)])),
    credentialsCheck(ctx),
    ...(await Promise.all([awsCliCheck(ctx), kubectlCheck(ctx), ...optionalToolChecks(ctx)])),
  ];
  const perEnv: CheckRow[] = [];
  for (const env of envs) {
    perEnv.push(
      backendCheck(ctx, env),
      secretsCheck(ctx, env),
      ...(await Promise.all([accountCheck(ctx, env), stateRepoCheck(ctx, env)])),
      kubeconfigCheck(ctx, env),
    );
  }
  return [...tools, ...perEnv];
}

/**
 * The checks a command needs before it starts, local ones and the state repo's `git ls-remote`
 * (the AWS account is left to the program: the infra layer's provider refuses any other account
 * with `allowedAccountIds`). A preview that will run offline needs no stack checks.
 */
export async function preflightRows(
  command: Exclude<Gated, "status">,
  env: Environment,
  ctx: CheckContext,
  options: { readonly offline?: boolean } = {},
): Promise<CheckRow[]> {
  if (command === "preview" && options.offline) return [await gitCheck(ctx), await stateRepoCheck(ctx, env)];
  const rows = [await gitCheck(ctx), await pulumiCheck(ctx), backendCheck(ctx, env), secretsCheck(ctx, env)];
  if (command !== "preview") rows.push(credentialsCheck(ctx));
  // destroy's cluster steps also need kubectl and the aws CLI, but only once a cluster exists: doctor lists them.
  if (command !== "destroy") rows.push(await stateRepoCheck(ctx, env));
  return rows;
}

/** Stops `command` with one message listing every check that failed, when one of them stops it. */
export function assertPreflight(command: string, rows: readonly CheckRow[], doctorHint: string): void {
  const stopping = rows.filter((r) => r.status !== "ok" && r.blocks.includes(command as Gated));
  if (stopping.length === 0) return;
  const failed = rows.filter((r) => r.status !== "ok");
  const lines = failed.map(
    (r) =>
      `  - ${r.check}${r.env ? ` (${r.env})` : ""}: ${r.status}: ${r.detail}` +
      `${r.fix ? `\n      fix: ${r.fix}` : ""}${r.blocks.includes(command as Gated) ? "" : `\n      (does not stop ${command})`}`,
  );
  throw new InputError(
    `${command} cannot start: ${stopping.length} prerequisite${stopping.length === 1 ? "" : "s"} ` +
      `${stopping.length === 1 ? "is" : "are"} missing or wrong; expected every check below to pass ` +
      `(${doctorHint} shows them all):\n${lines.join("\n")}`,
  );
}
