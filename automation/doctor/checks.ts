import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, redactUrlCredentials } from "../../config";
import { readHydrationConfig } from "../../gitops/environment-config";
import { isRemoteUrl } from "../../gitops/state-repo/git";
import { parseInfraConfig } from "../../infra/config";
import { configFileOf, Environment, readEnvironmentConfig } from "../../stack";
import { backendSettings } from "../driver/backend";
import { cloudCredentialSource } from "../driver/credentials";
import { PINNED_CLI_VERSION } from "../versions";
import { CheckContext } from "./probe";

/**
 * Everything real use needs, one check each: ok, missing or wrong, what was found, the command that
 * fixes it, and which commands it stops. `doctor` prints them all; `up`, `preview`, `drift` and
 * `destroy` run the ones they need first and report every failure at once.
 */

export type CheckStatus = "ok" | "missing" | "wrong";

/** The commands a failed check stops. */
export type Gated = "up" | "preview" | "drift" | "destroy" | "status";

export interface CheckRow {
  readonly check: string;
  /** Set on the checks of one environment. */
  readonly env?: Environment;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
  readonly blocks: readonly Gated[];
}

const STACK_COMMANDS: readonly Gated[] = ["up", "preview", "drift", "destroy"];
const CLUSTER_COMMANDS: readonly Gated[] = ["destroy", "status"];

function firstLine(text: string): string {
  return redactUrlCredentials(text.trim().split("\n")[0]?.trim() ?? "").slice(0, 200);
}

/** A tool on PATH and its version (its first output line), or missing with how to install it. */
async function tool(
  ctx: CheckContext,
  check: string,
  program: string,
  versionArgs: readonly string[],
  fix: string,
  blocks: readonly Gated[],
): Promise<CheckRow> {
  const found = ctx.which(program);
  if (!found) return { check, status: "missing", detail: `${program} is not on PATH`, fix, blocks };
  const version = await ctx.run(found, versionArgs);
  return { check, status: "ok", detail: firstLine(version.stdout || version.stderr) || found, blocks };
}

export function nodeCheck(ctx: CheckContext, version: string = process.versions.node): CheckRow {
  const engines = (
    JSON.parse(fs.readFileSync(path.join(ctx.rootDir, "package.json"), "utf8")) as {
      engines?: { node?: string };
    }
  ).engines?.node;
  const wanted = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(engines ?? "");
  const have = version.split(".").map(Number);
  const fits =
    !wanted ||
    (have[0] === Number(wanted[1]) &&
      (have[1] > Number(wanted[2]) || (have[1] === Number(wanted[2]) && have[2] >= Number(wanted[3]))));
  return fits
    ? { check: "Node.js", status: "ok", detail: `v${version} (package.json engines: ${engines ?? "any"})`, blocks: [] }
    : {
        check: "Node.js",
        status: "wrong",
        detail: `v${version}; package.json engines asks ${engines}`,
        fix: `nvm install ${wanted?.[1]} (or install Node ${engines?.slice(1)}+ of the ${wanted?.[1]} line)`,
        blocks: [...STACK_COMMANDS],
      };
}

export async function pulumiCheck(ctx: CheckContext): Promise<CheckRow> {
  const install = `curl -fsSL https://get.pulumi.com | sh -s -- --version ${PINNED_CLI_VERSION}`;
  const onPath = ctx.which("pulumi");
  // The pulumi CLI is optional for every check below: the driver installs the pinned one where it is missing.
  const installed = path.join(ctx.home, ".pulumi", "versions", PINNED_CLI_VERSION, "bin", "pulumi");
  if (!onPath) {
    return fs.existsSync(installed)
      ? {
          check: "pulumi CLI",
          status: "ok",
          detail: `v${PINNED_CLI_VERSION}, installed for the driver at ${installed}`,
          blocks: [],
        }
      : {
          check: "pulumi CLI",
          status: "missing",
          detail: `not on PATH; the driver would download v${PINNED_CLI_VERSION} from get.pulumi.com, which needs the internet`,
          fix: install,
          blocks: [],
        };
  }
  const version = firstLine((await ctx.run(onPath, ["version"])).stdout).replace(/^v/, "");
  return version === PINNED_CLI_VERSION
    ? { check: "pulumi CLI", status: "ok", detail: `v${version} (${onPath}), the pinned version`, blocks: [] }
    : {
        check: "pulumi CLI",
        status: "wrong",
        detail: `v${version || "?"} on PATH (${onPath}); this checkout pins v${PINNED_CLI_VERSION} (the SDK's version)`,
        fix: install,
        blocks: [],
      };
}

export function gitCheck(ctx: CheckContext): Promise<CheckRow> {
  return tool(ctx, "git", "git", ["--version"], "install git (apt-get install git, brew install git)", [
    ...STACK_COMMANDS,
    "status",
  ]);
}

export function backendCheck(ctx: CheckContext, env: Environment): CheckRow {
  const backend = backendSettings(ctx.rootDir, env, ctx.env);
  if (backend.embedded && ctx.env.GITHUB_ACTIONS === "true") {
    return {
      check: "state backend",
      env,
      status: "wrong",
      detail: "the embedded file backend (.pulumi/) on a GitHub Actions runner, which discards it with the runner",
      fix: "set PULUMI_BACKEND_URL to a shared backend (s3://<bucket>, https://api.pulumi.com), e.g. a repository variable",
      blocks: [...STACK_COMMANDS],
    };
  }
  const detail = backend.embedded
    ? `the embedded file backend in .pulumi/ (no PULUMI_BACKEND_URL)`
    : `PULUMI_BACKEND_URL=${redactUrlCredentials(backend.url)}`;
  return { check: "state backend", env, status: "ok", detail, blocks: [] };
}

export function secretsCheck(ctx: CheckContext, env: Environment): CheckRow {
  const backend = backendSettings(ctx.rootDir, env, ctx.env);
  const provider = backend.secretsProvider ?? "the backend's default";
  if (provider !== "passphrase") {
    return { check: "secrets provider", env, status: "ok", detail: provider, blocks: [] };
  }
  if (ctx.env.PULUMI_CONFIG_PASSPHRASE !== undefined || ctx.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    const from =
      ctx.env.PULUMI_CONFIG_PASSPHRASE !== undefined ? "PULUMI_CONFIG_PASSPHRASE" : "PULUMI_CONFIG_PASSPHRASE_FILE";
    return { check: "secrets provider", env, status: "ok", detail: `passphrase, from ${from}`, blocks: [] };
  }
  const why = backend.embedded ? "the embedded backend uses a passphrase" : `${configFileOf(env)} records a passphrase`;
  return {
    check: "secrets provider",
    env,
    status: "missing",
    detail: `${why}, and neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set`,
    fix: `export PULUMI_CONFIG_PASSPHRASE='<the passphrase of the ${env} stacks>'`,
    blocks: [...STACK_COMMANDS],
  };
}

export function credentialsCheck(ctx: CheckContext): CheckRow {
  const source = cloudCredentialSource(ctx.env, ctx.home);
  return source
    ? { check: "AWS credentials", status: "ok", detail: `from ${source}`, blocks: [] }
    : {
        check: "AWS credentials",
        status: "missing",
        detail:
          "none where the AWS SDK looks (AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, container credentials, ~/.aws)",
        fix: "aws sso login --profile <profile> && export AWS_PROFILE=<profile> (GitHub Actions: aws-actions/configure-aws-credentials)",
        // A preview without credentials falls back to the offline synth diff instead.
        blocks: ["up", "drift", "destroy"],
      };
}

/** The account the credentials belong to, against the config's accountId (needs the aws CLI and the network). */
export async function accountCheck(ctx: CheckContext, env: Environment): Promise<CheckRow> {
  const config = readEnvironmentConfig(ctx.rootDir, env);
  const infra = parseInfraConfig(config.values[`${CONFIG_NAMESPACE}:infra`], config.file);
  const aws = ctx.which("aws");
  const check = "AWS account";
  if (!cloudCredentialSource(ctx.env, ctx.home)) {
    return {
      check,
      env,
      status: "missing",
      detail: `not checked: no AWS credentials (${config.file} expects ${infra.accountId})`,
      blocks: [],
    };
  }
  if (!aws) {
    return {
      check,
      env,
      status: "missing",
      detail: `not checked: the aws CLI is not on PATH (${config.file} expects ${infra.accountId})`,
      fix: "install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
      blocks: [],
    };
  }
  const who = await ctx.run(aws, ["sts", "get-caller-identity", "--output", "json"], { timeoutMs: 20_000 });
  const account = who.code === 0 ? (JSON.parse(who.stdout) as { Account?: string }).Account : undefined;
  if (!account) {
    return {
      check,
      env,
      status: "missing",
      detail: `aws sts get-caller-identity failed: ${firstLine(who.stderr)}`,
      blocks: [],
    };
  }
  return account === infra.accountId
    ? { check, env, status: "ok", detail: `${account}, as ${config.file} expects`, blocks: [] }
    : {
        check,
        env,
        status: "wrong",
        detail: `the credentials belong to ${account}; ${config.file} (gitops-platform:infra.accountId) expects ${infra.accountId}`,
        fix: `use credentials for account ${infra.accountId}: export AWS_PROFILE=<a profile of ${infra.accountId}>`,
        blocks: ["up", "preview", "drift", "destroy"],
      };
}

/** The configured state repo answers `git ls-remote` (read access; pushing needs write access too). */
export async function stateRepoCheck(ctx: CheckContext, env: Environment): Promise<CheckRow> {
  const config = readHydrationConfig(env, ctx.rootDir);
  const { url, targetRevision } = config.platform.stateRepo;
  const location = isRemoteUrl(url) ? url : path.resolve(ctx.rootDir, url);
  const shown = redactUrlCredentials(url);
  const git = ctx.which("git") ?? "git";
  const listed = await ctx.run(git, ["ls-remote", "--heads", location, `refs/heads/${targetRevision}`], {
    timeoutMs: 20_000,
  });
  if (listed.code !== 0) {
    return {
      check: "state repo",
      env,
      status: "missing",
      detail: `${shown} (${config.stateRepoKey}) cannot be read: ${firstLine(listed.stderr)}`,
      fix:
        isRemoteUrl(url) && /github\.com/.test(url)
          ? 'git config --global url."https://x-access-token:<token>@github.com/".insteadOf "https://github.com/" (a token that can push to it)'
          : `create it (git init --bare ${location}) or correct ${config.stateRepoKey}`,
      // preview and drift say in their report that the state repo could not be read (a fork's preview
      // cannot read a private one); up pushes to it, after deploying infra and platform.
      blocks: ["up"],
    };
  }
  const head = listed.stdout.trim().split(/\s+/)[0];
  const detail = head
    ? `${shown}, branch ${targetRevision} at ${head.slice(0, 12)}`
    : `${shown}, reachable; branch ${targetRevision} does not exist yet: the first hydration creates it`;
  return { check: "state repo", env, status: "ok", detail, blocks: [] };
}

interface Kubeconfig {
  readonly clusters?: readonly { readonly name?: string }[];
  readonly contexts?: readonly { readonly name?: string; readonly context?: { readonly cluster?: string } }[];
}

/** The kubeconfig context of the environment's cluster, and the file that holds it. */
export function clusterContext(
  ctx: CheckContext,
  env: Environment,
): { found?: { context: string; file: string }; cluster: string; region: string; files: string[] } {
  const config = readEnvironmentConfig(ctx.rootDir, env);
  const infra = parseInfraConfig(config.values[`${CONFIG_NAMESPACE}:infra`], config.file);
  const files = (ctx.env.KUBECONFIG ?? path.join(ctx.home, ".kube", "config")).split(path.delimiter).filter(Boolean);
  // `aws eks update-kubeconfig` names the cluster by its ARN, arn:aws:eks:<region>:<account>:cluster/<name>.
  const isOurs = (name: string | undefined) =>
    name === infra.clusterName || name?.endsWith(`:cluster/${infra.clusterName}`);
  for (const file of files.filter((f) => fs.existsSync(f))) {
    const kubeconfig = (parse(fs.readFileSync(file, "utf8")) ?? {}) as Kubeconfig;
    const context = (kubeconfig.contexts ?? []).find((c) => isOurs(c.context?.cluster) || isOurs(c.name));
    if (context?.name)
      return { found: { context: context.name, file }, cluster: infra.clusterName, region: infra.region, files };
  }
  return { cluster: infra.clusterName, region: infra.region, files };
}

/** A kubeconfig context for the environment's cluster: what `status` and `destroy`'s cluster steps use. */
export function kubeconfigCheck(ctx: CheckContext, env: Environment): CheckRow {
  const { found, cluster, region, files } = clusterContext(ctx, env);
  if (found)
    return { check: "kubeconfig", env, status: "ok", detail: `context ${found.context} in ${found.file}`, blocks: [] };
  return {
    check: "kubeconfig",
    env,
    status: "missing",
    detail: `no context for cluster ${cluster} in ${files.join(path.delimiter)}`,
    fix: `aws eks update-kubeconfig --name ${cluster} --region ${region}`,
    blocks: [...CLUSTER_COMMANDS],
  };
}

/** kubectl: `status`, `destroy`'s cluster steps and the platform phases' waits in `up` run it. */
export function kubectlCheck(ctx: CheckContext): Promise<CheckRow> {
  return tool(
    ctx,
    "kubectl",
    "kubectl",
    ["version", "--client"],
    "install kubectl: https://kubernetes.io/docs/tasks/tools/",
    ["up", ...CLUSTER_COMMANDS],
  );
}

/** The aws CLI: EKS kubeconfigs authenticate through `aws eks get-token`. */
export function awsCliCheck(ctx: CheckContext): Promise<CheckRow> {
  return tool(
    ctx,
    "aws CLI",
    "aws",
    ["--version"],
    "install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
    CLUSTER_COMMANDS,
  );
}

/** Optional: the real tools the e2e tier and chart apps use; nothing in `npm test` or the CLI needs them. */
export function optionalToolChecks(ctx: CheckContext): Promise<CheckRow>[] {
  return [
    tool(
      ctx,
      "helm (optional)",
      "helm",
      ["version", "--short"],
      "install helm: https://helm.sh/docs/intro/install/",
      [],
    ),
    tool(
      ctx,
      "kustomize (optional)",
      "kustomize",
      ["version"],
      "install kustomize: https://kubectl.docs.kubernetes.io/installation/kustomize/",
      [],
    ),
  ];
}
