import { Command, Option } from "commander";
import { InputError } from "../../config";
import { loadFleet } from "../../environments";
import { Environment, Layer } from "../../stack";
import { BadRefError } from "../commit-tree";
import { MAIN_BRANCH } from "../ci";
import { cloudCredentialSource } from "../driver/credentials";
import type { EnvironmentPreview, ManifestPreview, PreviewReport, RenderedBaseline } from "../driver/preview";
import type { ManifestDiffReport } from "../manifest-diff/at-ref";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption, layerOption, layersOf } from "../options";
import { cliDeps, CommandDeps, preflight } from "./deps";
import { examples } from "./help";

export interface PreviewOptions {
  readonly env: Environment;
  readonly layer?: Layer;
  readonly output?: string;
  readonly base?: string;
  readonly offline?: boolean;
  readonly json?: boolean;
}

export function previewCommand(): Command {
  return new Command("preview")
    .description("Preview every stack of an environment and the manifest diff, as one pull-request comment")
    .addOption(envOption())
    .addOption(layerOption())
    .addOption(new Option("--output <file>", "write the comment to this file instead of posting or printing it"))
    .addOption(new Option("--offline", "skip the cloud: compare the offline synth with --base (synth --diff)"))
    .addOption(
      new Option("--base <git-ref>", "base of the offline comparison (default: origin/<GITHUB_BASE_REF or main>)"),
    )
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["preview --env staging", "every stack, judged by the policy pack, and the manifest diff: one comment"],
        ["preview --env staging --layer infra --offline --base HEAD --json", "infra only, without the cloud, as JSON"],
      ) +
        "\nThe comment is edited in place on the pull request when GITHUB_TOKEN and a pull-request event exist;\n" +
        "otherwise it goes to --output or stdout. Without AWS credentials (a fork's pull request, a laptop) the\n" +
        "preview falls back to the offline synth diff and says why on stderr and in the comment's title; a pull\n" +
        "request from this repository without credentials is a broken setup and exits 2. Every stack preview runs\n" +
        "the policy pack (policy/) with the environment's severities; its findings are listed beside the offline\n" +
        "guardrails' (synth --policy over the layers and the hydrated catalog).\n" +
        "Exit codes: 0 no changes, 3 changes, 1 a stack failed to preview or a mandatory guardrail is violated, 2 bad input.",
    )
    .action(async (options: PreviewOptions) => {
      process.exitCode = await runPreviewCommand([options.env], options, await cliDeps(), { exitOnChanges: true });
    });
}

/**
 * Why this preview runs offline, or undefined when it has cloud credentials. A pull request from this
 * repository is meant to preview online (the workflow gives it an AWS role): without credentials
 * its setup is broken, and falling back would give it a weaker check that still passes, so that is
 * bad input (exit 2). A fork's pull request gets no secrets from GitHub, and a run outside a pull
 * request (a laptop) may not have any: those fall back, saying why.
 */
async function offlineReason(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (cloudCredentialSource(env)) return undefined;
  const pullRequest = (await import("../github")).pullRequestContext(env);
  if (pullRequest?.fromFork) {
    return "this pull request comes from a fork, and GitHub gives a fork's run no secrets or OIDC token";
  }
  if (pullRequest) {
    throw new InputError(
      `preview: pull request #${pullRequest.number} comes from this repository, where the workflow gives the run AWS ` +
        "credentials, but none reached it (no AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, container " +
        "credentials or ~/.aws files); expected the credentials step to have run (vars.AWS_PREVIEW_ROLE_ARN, " +
        "aws-actions/configure-aws-credentials), or --offline to preview without the cloud on purpose",
    );
  }
  return (
    "this run has no AWS credentials (no AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_PROFILE, container " +
    "credentials or ~/.aws files)"
  );
}

/** The hidden marker of the comment for `envs`: one comment per set of environments, edited in place. */
export function commentMarker(envs: readonly Environment[]): string {
  return `gitops-platform:preview:${envs.join(",")}`;
}

export async function runPreviewCommand(
  envs: readonly Environment[],
  options: Omit<PreviewOptions, "env">,
  deps: CommandDeps,
  behaviour: { exitOnChanges: boolean; marker?: string },
): Promise<ExitCode> {
  const [
    {
      offlinePreviewEnvironment,
      previewEnvironment,
      previewFailed,
      previewHasChanges,
      previewPolicy,
      renderedManifestPreview,
    },
    { renderPreviewComment },
    { publishComment },
  ] = await Promise.all([
    import("../driver/preview"),
    import("../report/preview-comment"),
    import("../comment-output"),
  ]);
  const offline = options.offline ? "--offline was given" : await offlineReason(deps.env);
  for (const env of envs) await preflight("preview", env, deps, { offline: offline !== undefined });
  const base = options.base ?? `origin/${deps.env.GITHUB_BASE_REF || MAIN_BRANCH}`;
  if (offline && !options.offline) {
    deps.context.log(
      `preview: offline, because ${offline}: the stacks are not previewed against the cloud; the offline synth of ` +
        `this commit is compared with ${base} instead (pass --offline to ask for this)`,
    );
  }
  // One render of every environment at the base, made when the first environment needs it.
  let baseReport: Promise<ManifestDiffReport> | undefined;
  const againstBase: RenderedBaseline = async (env, why): Promise<ManifestPreview> => {
    baseReport ??= deps.manifestDiff(base, envs);
    try {
      return renderedManifestPreview(await baseReport, env, why);
    } catch (err) {
      // A base that is no commit is bad input when the comparison was asked for (--offline).
      if (err instanceof BadRefError && !why) throw err;
      const reason = `the rendered-manifest diff against ${base} failed: ${err instanceof Error ? err.message : String(err)}`;
      // Standing in for a state repo this run cannot read, it is a note: an unreadable state repo never fails the check.
      return why ? { skipped: `${why} But ${reason}` } : { error: reason };
    }
  };
  const tiers = new Map(loadFleet(deps.context.rootDir).environments.map((e) => [e.name, e.tier]));
  const environments: EnvironmentPreview[] = [];
  for (const env of envs) {
    const layers = layersOf(options.layer);
    const preview = offline
      ? await offlinePreviewEnvironment(env, base, deps.synthDiff, deps.context, againstBase, layers)
      : await previewEnvironment(env, deps.context, layers, againstBase);
    const tier = tiers.get(env);
    environments.push({
      ...preview,
      ...(tier ? { tier } : {}),
      policy: await previewPolicy(env, deps.policy, deps.context, layers),
    });
  }
  const report: PreviewReport = {
    environments,
    ...(deps.env.GITHUB_SHA ? { commit: deps.env.GITHUB_SHA } : {}),
    ...(offline ? { offline: { reason: offline, base } } : {}),
  };
  if (options.json) {
    deps.write(JSON.stringify(report, null, 2));
  } else {
    const marker = behaviour.marker ?? commentMarker(envs);
    const body = renderPreviewComment(report, { marker });
    await publishComment(body, marker, {
      outputFile: options.output,
      env: deps.env,
      fetch: deps.fetch,
      log: deps.context.log,
      write: deps.write,
    });
  }
  if (previewFailed(report)) return ExitCode.Failure;
  return behaviour.exitOnChanges && previewHasChanges(report) ? ExitCode.Changes : ExitCode.Ok;
}
