import type { Octokit } from "@octokit/rest";
import { InputError, redactUrlCredentials } from "../../config";
import { repositoryIdentity } from "../../environments";

export interface PullRequestTarget {
  readonly owner: string;
  readonly repo: string;
}

export interface PullRequestContent {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
}

export interface PullRequestResult {
  readonly action: "created" | "updated";
  readonly number: number;
  readonly url: string;
}

/**
 * Opens the pull request of `head` into `base`, or updates the open one (title and body): one
 * promotion branch, one pull request, however often it runs.
 */
export async function upsertPullRequest(
  octokit: Octokit,
  target: PullRequestTarget,
  content: PullRequestContent,
): Promise<PullRequestResult> {
  const { owner, repo } = target;
  const open = await octokit.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${content.head}` });
  const existing = open.data.find((pr) => pr.head.ref === content.head);
  if (existing) {
    const updated = await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: existing.number,
      title: content.title,
      body: content.body,
      base: content.base,
    });
    return { action: "updated", number: updated.data.number, url: updated.data.html_url };
  }
  const created = await octokit.rest.pulls.create({ owner, repo, ...content });
  return { action: "created", number: created.data.number, url: created.data.html_url };
}

/**
 * The GitHub repository pull requests go to: GITHUB_REPOSITORY (`owner/repo`, set in GitHub
 * Actions), else the one the remote's URL names on github.com (or GITHUB_SERVER_URL's host).
 */
export function githubRepository(env: NodeJS.ProcessEnv, remoteUrl: string | undefined): PullRequestTarget {
  const named = env.GITHUB_REPOSITORY?.split("/");
  if (named?.length === 2 && named[0] && named[1]) return { owner: named[0], repo: named[1] };
  const host = env.GITHUB_SERVER_URL ? new URL(env.GITHUB_SERVER_URL).host.toLowerCase() : "github.com";
  const identity = remoteUrl ? repositoryIdentity(remoteUrl, "/") : "";
  const [found, owner, repo, ...rest] = identity.split("/");
  if (found === host && owner && repo && rest.length === 0) return { owner, repo };
  throw new InputError(
    `promote --open-pr: received the remote URL ${remoteUrl ? redactUrlCredentials(remoteUrl) : "(none)"} and no GITHUB_REPOSITORY; ` +
      `expected a remote on ${host} (https://${host}/<owner>/<repo>.git) or GITHUB_REPOSITORY=<owner>/<repo>`,
  );
}
