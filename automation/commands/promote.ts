import { Command, Option } from "commander";
import { InputError, shownValue } from "../../config";
import type { CheckContext } from "../doctor/probe";
import { ExitCode } from "../exit-codes";
import { jsonOption } from "../options";
import { colorEnabled, logProgress, painter, writeData } from "../output";
import type { LiveGate } from "../promote/gates";
import type { PromotionReport } from "../promote/promote";
import type { KubectlFactory } from "../status/argo-source";
import type { Kubectl } from "../status/status";
import { PROJECT_ROOT } from "../../stack";
import { examples } from "./help";

export interface PromoteCommandOptions {
  readonly app?: string;
  readonly all?: boolean;
  readonly from: string;
  readonly to: string;
  readonly skipGate?: readonly string[];
  readonly reason?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly openPr?: boolean;
  readonly remote: string;
  readonly repo?: string;
  readonly json?: boolean;
}

/** What `promote` runs with; tests replace the cluster, the clock and GitHub's network. */
export interface PromoteDeps {
  /** The checkout promote starts from and commits in. */
  readonly rootDir: string;
  readonly checks: CheckContext;
  readonly env: NodeJS.ProcessEnv;
  readonly write: (text: string) => void;
  readonly log: (message: string) => void;
  readonly kubectl?: KubectlFactory;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  readonly color?: boolean;
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

export function promoteCommand(): Command {
  return new Command("promote")
    .description("Propose what one environment runs (image digests) for the next, gated on its health and soak")
    .addOption(new Option("-a, --app <app>", "the app to promote: gitops/apps/<app>").conflicts("all"))
    .addOption(new Option("--all", "every app that runs in both environments, in one branch"))
    .addOption(new Option("--from <env>", "the source environment").makeOptionMandatory())
    .addOption(new Option("--to <env>", "the target; its promotesFrom must name --from").makeOptionMandatory())
    .addOption(
      new Option("--skip-gate <gate>", "skip a live gate: synced, healthy or soak (repeatable; needs --reason)")
        .argParser(collect)
        .default(undefined),
    )
    .addOption(new Option("--reason <text>", "why the gates are skipped: written in the commit and the pull request"))
    .addOption(new Option("--kubeconfig <file>", "kubeconfig of the source cluster (default: found for its cluster)"))
    .addOption(new Option("--context <name>", "kubeconfig context (default: the one for the source's cluster)"))
    .addOption(new Option("--open-pr", "push the branch and open or update its pull request (GITHUB_TOKEN)"))
    .addOption(new Option("--remote <name>", "remote to push the branch to").default("origin"))
    .addOption(new Option("--repo <dir>", "checkout of this repository (default: the one this CLI runs from)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["promote --app demo --from staging --to production", "what staging runs of demo, on a branch, with the diff"],
        [
          'promote --all --from staging --to production --skip-gate soak --reason "INC-42 hotfix"',
          "every app staging runs differently, soak not awaited",
        ],
      ) +
        "\nReads the image digest each app runs in --from from its state repo, at the commit its Argo CD runs, and\n" +
        "writes it where bump-image writes a tag in --to (comments and the target's own settings stay). Gates, each\n" +
        "reported: synced, healthy and soak (Argo CD's Application in --from, Synced and Healthy for the target's\n" +
        "gitops.promotion.soak since its sync finished), then render and guardrails (the target's render). A tag in\n" +
        "--from is refused (--all leaves that app out): only a digest names the image that ran. The commit goes\n" +
        "on promote/<app>/<to>-<digest> (promote/all/<to>-<hash> with --all), never on the checked-out branch.\n" +
        "Exit codes: 0 promoted, or nothing to promote; 1 failure; 2 bad input (unknown app or environment, --to\n" +
        "not promoting from --from, never hydrated, a tag, a target that does not render); 3 a gate says not yet\n" +
        "(--all still commits the apps that pass).",
    )
    .action(async (options: PromoteCommandOptions) => {
      const { processCheckContext } = await import("../doctor/probe");
      const rootDir = options.repo ?? PROJECT_ROOT;
      process.exitCode = await runPromoteCommand(options, {
        rootDir,
        checks: processCheckContext(rootDir),
        env: process.env,
        write: writeData,
        log: logProgress,
        color: colorEnabled(),
      });
    });
}

export async function runPromoteCommand(options: PromoteCommandOptions, deps: PromoteDeps): Promise<ExitCode> {
  const [{ promote, promotionExitCode }, { gateFailureLine, LIVE_GATES }, { argoSourceFor }, report] =
    await Promise.all([
      import("../promote/promote"),
      import("../promote/gates"),
      import("../status/argo-source"),
      import("../promote/report"),
    ]);
  if (options.app === undefined && options.all !== true) {
    throw new InputError("promote: received neither --app nor --all; expected --app <app> or --all");
  }
  const skips = skipsOf(options, LIVE_GATES);
  let argo: { kubectl: Kubectl; from: string } | undefined;
  if (LIVE_GATES.some((gate) => !skips.has(gate))) {
    const source = argoSourceFor(deps.checks, options.from, options, deps.kubectl);
    if ("reason" in source) {
      throw new InputError(
        `promote --from ${options.from}: cannot read its Argo CD (${source.reason}); expected --kubeconfig/--context ` +
          "for its cluster, or every live gate skipped with --skip-gate and --reason",
      );
    }
    argo = source;
  }
  deps.log(
    `promote: ${options.from} -> ${options.to}: reading ${argo ? `Argo CD (${argo.from}) and ` : ""}the state repo`,
  );
  const promotion = await promote({
    rootDir: deps.rootDir,
    from: options.from,
    to: options.to,
    ...(options.app === undefined ? {} : { app: options.app }),
    skips,
    ...(argo ? { argo } : {}),
    now: deps.now?.() ?? new Date(),
  });
  const opened = options.openPr && promotion.branch ? await openPullRequest(promotion, options, deps) : undefined;
  const shown = opened ? { ...promotion, pullRequest: opened } : promotion;
  if (options.json) deps.write(JSON.stringify(shown, null, 2));
  else {
    deps.write(report.renderPromotionText(promotion, painter(deps.color === true)));
    const diff = report.renderPromotionDiff(promotion);
    if (diff) deps.write(diff);
  }
  for (const app of promotion.apps) {
    if (app.status !== "held") continue;
    for (const gate of app.evidence.gates.filter((g) => g.status === "failed")) {
      deps.log(`not yet: ${gateFailureLine(`${promotion.from} ${app.app}`, gate)}`);
    }
  }
  return promotionExitCode(promotion);
}

/** `--skip-gate` and `--reason`: live gates only, and never without a reason. */
function skipsOf(options: PromoteCommandOptions, gates: readonly LiveGate[]): Map<LiveGate, string> {
  const skips = new Map<LiveGate, string>();
  for (const gate of options.skipGate ?? []) {
    if (!gates.includes(gate as LiveGate)) {
      const render = gate === "render" || gate === "guardrails" ? " (hydration refuses what it refuses)" : "";
      throw new InputError(
        `promote --skip-gate: received ${shownValue(gate)}${render}; expected one of ${gates.join(", ")}`,
      );
    }
    const reason = options.reason?.trim();
    if (!reason) {
      throw new InputError(
        `promote --skip-gate ${gate}: received no --reason; expected why it is skipped, such as --reason "INC-42 hotfix"`,
      );
    }
    skips.set(gate as LiveGate, reason);
  }
  if (options.reason !== undefined && skips.size === 0) {
    throw new InputError(
      "promote --reason: received a reason and no --skip-gate; expected --skip-gate <gate> beside it",
    );
  }
  return skips;
}

/**
 * Pushes the branch and opens or updates its pull request. Without GITHUB_TOKEN the branch stays
 * local, printed with its diff, and that is said on stderr.
 */
async function openPullRequest(
  promotion: PromotionReport,
  options: PromoteCommandOptions,
  deps: PromoteDeps,
): Promise<{ action: string; number: number; url: string } | undefined> {
  const token = deps.env.GITHUB_TOKEN;
  if (!token) {
    deps.log(`promote --open-pr: no GITHUB_TOKEN; the branch ${promotion.branch} stays local`);
    return undefined;
  }
  const [
    { pushBranch },
    { githubRepository, upsertPullRequest },
    { promotionTitle, renderPromotionBody },
    github,
    git,
  ] = await Promise.all([
    import("../promote/branch"),
    import("../promote/pull-request"),
    import("../promote/pr-body"),
    import("../github"),
    import("../../gitops/state-repo/git"),
  ]);
  const branch = promotion.branch as string;
  const target = githubRepository(deps.env, await git.remoteUrl(deps.rootDir, options.remote));
  const pushed = await pushBranch(deps.rootDir, options.remote, branch);
  deps.log(`promote: ${pushed.pushed ? "pushed" : "already on the remote:"} ${branch} (${options.remote})`);
  const octokit = github.createOctokit(token, { baseUrl: deps.env.GITHUB_API_URL, fetch: deps.fetch });
  const result = await upsertPullRequest(octokit, target, {
    head: branch,
    base: promotion.base.branch ?? deps.env.GITHUB_REF_NAME ?? "main",
    title: promotionTitle(promotion),
    body: renderPromotionBody(promotion),
  });
  deps.log(`promote: pull request ${result.action}: ${result.url}`);
  return result;
}
