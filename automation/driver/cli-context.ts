import { PulumiCommand } from "@pulumi/pulumi/automation";
import { cliInvocation } from "../invocation";
import { logProgress } from "../output";
import { REPO_ROOT } from "../synth/synth";
import { gitopsSteps } from "./gitops-steps";
import { DEFAULT_RETRY, realSleep } from "./operations";
import { projectPolicyPack } from "./policy-pack";
import { kubectlHandoffCluster } from "./platform-phases";
import { DriverContext } from "./stack-operation";
import { backendSettings, requireDurableBackend, requirePassphrase } from "./backend";
import { openEachStackOnce, openStack, resolvePulumiCommand } from "./workspace";

/**
 * The driver as the CLI runs it: this repository, the real `pulumi` (PATH or installed), the backend
 * from the environment, the gitops steps, the project's policy pack, the real kubectl for the
 * hand-off's checks, real waits and progress on stderr.
 */
export function cliDriverContext(rootDir: string = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): DriverContext {
  let command: Promise<PulumiCommand> | undefined;
  return {
    rootDir,
    openStack: openEachStackOnce(async (target, mode) => {
      const backend = backendSettings(rootDir, target.env, env);
      requireDurableBackend(backend, env);
      requirePassphrase(backend, target.env, env);
      command ??= resolvePulumiCommand(undefined, logProgress);
      return openStack(target, { rootDir, pulumiCommand: await command, backend }, mode);
    }),
    gitops: gitopsSteps(rootDir),
    policyPack: projectPolicyPack(rootDir),
    handoffCluster: kubectlHandoffCluster(logProgress),
    retry: DEFAULT_RETRY,
    sleep: realSleep,
    log: logProgress,
    invocation: cliInvocation(env),
  };
}
