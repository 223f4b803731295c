import * as fs from "node:fs";
import { Octokit } from "@octokit/rest";
import { InputError } from "../config";

/** The pull request a GitHub Actions run belongs to, read from its event payload. */
export interface PullRequestContext {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  /** The branch the pull request merges into. */
  readonly baseRef: string;
  readonly headSha: string;
  /** The head branch lives in a fork: GitHub gives such runs no secrets and a read-only token. */
  readonly fromFork: boolean;
}

interface PullRequestPayload {
  readonly pull_request?: {
    readonly number: number;
    readonly base: { readonly ref: string; readonly repo: { readonly full_name: string } };
    readonly head: { readonly sha: string; readonly repo: { readonly full_name: string } | null };
  };
}

/** The pull request of this run, or undefined when the event is not a pull request. */
export function pullRequestContext(env: NodeJS.ProcessEnv = process.env): PullRequestContext | undefined {
  if (!env.GITHUB_EVENT_NAME?.startsWith("pull_request") || !env.GITHUB_EVENT_PATH) return undefined;
  let payload: PullRequestPayload;
  try {
    payload = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as PullRequestPayload;
  } catch (err) {
    throw new InputError(
      `GITHUB_EVENT_PATH: received ${env.GITHUB_EVENT_PATH} (${(err as Error).message}); expected the event payload JSON`,
    );
  }
  const pr = payload.pull_request;
  if (!pr) return undefined;
  const [owner, repo] = pr.base.repo.full_name.split("/");
  return {
    owner,
    repo,
    number: pr.number,
    baseRef: pr.base.ref,
    headSha: pr.head.sha,
    fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
  };
}

export interface OctokitOptions {
  /** GitHub Enterprise: GITHUB_API_URL. */
  readonly baseUrl?: string;
  /** Replaces the network (tests). */
  readonly fetch?: typeof fetch;
}

export function createOctokit(token: string, options: OctokitOptions = {}): Octokit {
  const quiet = () => undefined;
  return new Octokit({
    auth: token,
    // Octokit logs each request on console (stdout by default); stdout carries data, so only warnings go to stderr.
    log: { debug: quiet, info: quiet, warn: (message: string) => process.stderr.write(`${message}\n`), error: quiet },
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
}

export interface CommentTarget {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

export interface UpsertResult {
  readonly action: "created" | "updated";
  readonly id: number;
  readonly url: string;
}

/**
 * Edits the comment that carries `marker` (an HTML comment, invisible on GitHub) in place, or creates
 * it. Every page of the pull request's comments is searched, so a busy thread still finds it.
 */
export async function upsertComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
): Promise<UpsertResult> {
  const tag = `<!-- ${marker} -->`;
  const { owner, repo, number } = target;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100,
  });
  for await (const page of pages) {
    const existing = page.data.find((comment) => comment.body?.includes(tag));
    if (existing) {
      const updated = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
      return { action: "updated", id: updated.data.id, url: updated.data.html_url };
    }
  }
  const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
  return { action: "created", id: created.data.id, url: created.data.html_url };
}
