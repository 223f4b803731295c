import { InputError } from "../config";
import { Fleet, Tier } from "../environments";
import { promotionWaves } from "../promotion";
import { Environment } from "../stack";

/**
 * `ci`: the original workflow in one command. What to do is decided from the GitHub Actions
 * environment (GITHUB_EVENT_NAME, GITHUB_REF) and the fleet's declared tiers and promotion order.
 * CI_RULES is the decision: planCi walks it, the CLI's help and the table in docs/ci.md are rendered
 * from it, and a test runs every row's example. Deploys only ever come from a reviewed commit: a
 * push to main or a release tag; a promotion only proposes one, as a pull request. A manual run (workflow_dispatch) therefore checks drift, which
 * writes nothing, whatever branch it was started on.
 */

export type CiPlan =
  | { readonly action: "preview"; readonly envs: readonly Environment[]; readonly reason: string }
  /** `up` of each wave's environments; a wave starts when the one before it succeeded. */
  | { readonly action: "up"; readonly waves: readonly (readonly Environment[])[]; readonly reason: string }
  | { readonly action: "drift"; readonly envs: readonly Environment[]; readonly reason: string }
  /** `promote --all --open-pr` along each edge of the promotion order, upstream edges first. */
  | { readonly action: "promote"; readonly edges: readonly PromotionEdge[]; readonly reason: string }
  | { readonly action: "nothing"; readonly reason: string };

export interface PromotionEdge {
  readonly from: Environment;
  readonly to: Environment;
}

export const MAIN_BRANCH = "main";

const RELEASE_TAG = /^refs\/tags\/v[^/]+$/;

interface CiEvent {
  /** GITHUB_EVENT_NAME; undefined when unset or empty. */
  readonly event: string | undefined;
  /** GITHUB_REF, or "" when unset. */
  readonly ref: string;
  readonly fleet: Fleet;
}

export interface CiRule {
  /** The event, as the table shows it. */
  readonly event: string;
  /** Which refs of that event the row covers. */
  readonly ref: string;
  /** What runs. */
  readonly does: string;
  /** The exit codes of that run. */
  readonly exit: string;
  /** A run this row decides, for the tests. */
  readonly example: { readonly GITHUB_EVENT_NAME?: string; readonly GITHUB_REF?: string };
  matches(run: CiEvent): boolean;
  /** Throws InputError for runs `ci` refuses. */
  plan(run: CiEvent): CiPlan;
}

const PREVIEW_EXIT = "0 (changes too), 1 a stack failed or a mandatory guardrail is violated";
const UP_EXIT = "0, 1 a deploy failed (no further environment starts)";
const DRIFT_EXIT = "0 in sync, 3 drift, 1 a check failed";
const PROMOTE_EXIT = "0 promoted or nothing to promote, 3 a gate holds an app back, 2 bad input";

const names = (fleet: Fleet): Environment[] => fleet.environments.map((e) => e.name);

/** `up` of the environments whose tier `deploys` selects, in promotion waves. */
function deployWaves(run: CiEvent, deploys: (tier: Tier) => boolean, reason: string): CiPlan {
  const selected = new Set(run.fleet.environments.filter((e) => deploys(e.tier)).map((e) => e.name));
  const waves = promotionWaves(run.fleet.environments, (name) => selected.has(name));
  if (waves.length === 0) return { action: "nothing", reason: `${reason}, and no environment has that tier` };
  return { action: "up", waves, reason };
}

export const CI_RULES: readonly CiRule[] = [
  {
    event: "(unset)",
    ref: "any",
    does: "refuses: outside GitHub Actions, run `preview`, `up` or `drift` directly",
    exit: "2",
    example: {},
    matches: (run) => run.event === undefined,
    plan: () => {
      throw new InputError(
        "ci: GITHUB_EVENT_NAME: received nothing; expected a GitHub Actions run (pull_request, push, schedule or " +
          "workflow_dispatch). Outside GitHub Actions, run preview, up or drift directly.",
      );
    },
  },
  {
    event: "pull_request",
    ref: "any",
    does: "`preview` of every environment, as one comment",
    exit: PREVIEW_EXIT,
    example: { GITHUB_EVENT_NAME: "pull_request", GITHUB_REF: "refs/pull/7/merge" },
    matches: (run) => run.event === "pull_request",
    plan: (run) => ({ action: "preview", envs: names(run.fleet), reason: "a pull request gets one preview comment" }),
  },
  {
    event: "pull_request_target",
    ref: "any",
    does: "nothing: it would run a fork's code with the repository's secrets",
    exit: "0",
    example: { GITHUB_EVENT_NAME: "pull_request_target", GITHUB_REF: "refs/heads/main" },
    matches: (run) => run.event === "pull_request_target",
    plan: () => ({
      action: "nothing",
      reason: "pull_request_target is not supported: it would run a fork's code with secrets",
    }),
  },
  {
    event: "push",
    ref: `\`refs/heads/${MAIN_BRANCH}\``,
    does: "`up` of every staging- and development-tier environment, in promotion waves",
    exit: UP_EXIT,
    example: { GITHUB_EVENT_NAME: "push", GITHUB_REF: `refs/heads/${MAIN_BRANCH}` },
    matches: (run) => run.event === "push" && run.ref === `refs/heads/${MAIN_BRANCH}`,
    plan: (run) =>
      deployWaves(
        run,
        (tier) => tier !== "production",
        `a push to ${MAIN_BRANCH} deploys the staging and development tiers`,
      ),
  },
  {
    event: "push",
    ref: "a tag `v*`",
    does: "`up` of every production-tier environment, in promotion waves",
    exit: UP_EXIT,
    example: { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/v1.4.0" },
    matches: (run) => run.event === "push" && RELEASE_TAG.test(run.ref),
    plan: (run) =>
      deployWaves(
        run,
        (tier) => tier === "production",
        `the tag ${run.ref.slice("refs/tags/".length)} deploys the production tier`,
      ),
  },
  {
    event: "push",
    ref: "any other tag",
    does: "nothing: not a release tag",
    exit: "0",
    example: { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/tags/nightly" },
    matches: (run) => run.event === "push" && run.ref.startsWith("refs/tags/"),
    plan: (run) => ({
      action: "nothing",
      reason: `the tag ${run.ref.slice("refs/tags/".length)} is not a release tag (v*)`,
    }),
  },
  {
    event: "push",
    ref: "any other branch",
    does: `nothing: only ${MAIN_BRANCH} deploys`,
    exit: "0",
    example: { GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/feature/x" },
    matches: (run) => run.event === "push",
    plan: (run) => ({ action: "nothing", reason: `${run.ref || "no ref"} is neither ${MAIN_BRANCH} nor a v* tag` }),
  },
  {
    event: "schedule",
    ref: "any",
    does: "`drift` of every environment",
    exit: DRIFT_EXIT,
    example: { GITHUB_EVENT_NAME: "schedule", GITHUB_REF: `refs/heads/${MAIN_BRANCH}` },
    matches: (run) => run.event === "schedule",
    plan: (run) => ({ action: "drift", envs: names(run.fleet), reason: "a scheduled run checks drift" }),
  },
  {
    event: "workflow_dispatch",
    ref: "any",
    does: "`drift` of every environment: a manual run never deploys",
    exit: DRIFT_EXIT,
    example: { GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_REF: `refs/heads/${MAIN_BRANCH}` },
    matches: (run) => run.event === "workflow_dispatch",
    plan: (run) => ({
      action: "drift",
      envs: names(run.fleet),
      reason: `a manual run checks drift; deploys come only from a push to ${MAIN_BRANCH} or a v* tag`,
    }),
  },
  {
    event: "repository_dispatch",
    ref: "any",
    does: "`promote --all --open-pr` along every `promotesFrom` edge: one pull request each",
    exit: PROMOTE_EXIT,
    example: { GITHUB_EVENT_NAME: "repository_dispatch", GITHUB_REF: `refs/heads/${MAIN_BRANCH}` },
    matches: (run) => run.event === "repository_dispatch",
    plan: (run) => {
      const edges = promotionEdges(run.fleet);
      if (edges.length === 0)
        return { action: "nothing", reason: "a dispatch promotes, and no environment promotes from another" };
      return {
        action: "promote",
        edges,
        reason: "a dispatch proposes what each environment runs for the next, gated on its health",
      };
    },
  },
  {
    event: "any other",
    ref: "any",
    does: "nothing",
    exit: "0",
    example: { GITHUB_EVENT_NAME: "release", GITHUB_REF: "refs/tags/v1.0.0" },
    matches: () => true,
    plan: (run) => ({ action: "nothing", reason: `the ${run.event} event has nothing to deploy` }),
  },
];

/** Every (from, to) of the fleet's `promotesFrom`, in promotion order: what runs upstream is proposed first. */
export function promotionEdges(fleet: Fleet): PromotionEdge[] {
  const declared = new Map(fleet.environments.map((e) => [e.name, e.promotesFrom]));
  return promotionWaves(fleet.environments)
    .flat()
    .flatMap((to) => [...(declared.get(to) ?? [])].sort().map((from) => ({ from, to })));
}

/** The first rule of CI_RULES that matches the run. */
export function ciRuleFor(env: NodeJS.ProcessEnv, fleet: Fleet): { rule: CiRule; run: CiEvent } {
  const run: CiEvent = { event: env.GITHUB_EVENT_NAME || undefined, ref: env.GITHUB_REF ?? "", fleet };
  const rule = CI_RULES.find((r) => r.matches(run)) as CiRule;
  return { rule, run };
}

export function planCi(env: NodeJS.ProcessEnv, fleet: Fleet): CiPlan {
  const { rule, run } = ciRuleFor(env, fleet);
  return rule.plan(run);
}

/** CI_RULES as the Markdown table of docs/ci.md. */
export function renderCiTable(): string {
  const rows = CI_RULES.map((r) => [eventCell(r.event), r.ref, r.does, r.exit]);
  return renderMarkdownTable(["`GITHUB_EVENT_NAME`", "`GITHUB_REF`", "what runs", "exit code"], rows);
}

/** CI_RULES as plain text, for `ci --help`. */
export function renderCiHelp(): string {
  const plain = (text: string) => text.replace(/`/g, "");
  const when = CI_RULES.map((r) => `${r.event} ${plain(r.ref)}`);
  const width = Math.max(...when.map((w) => w.length));
  return CI_RULES.map((r, n) => `  ${when[n].padEnd(width)}  ${plain(r.does)} (exit ${plain(r.exit)})`).join("\n");
}

function eventCell(event: string): string {
  return event.startsWith("(") || event.startsWith("any") ? event : `\`${event}\``;
}

/** A Markdown table laid out as Prettier lays it out, so the committed copy stays as rendered. */
function renderMarkdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)].join("\n");
}
