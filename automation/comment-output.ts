import * as fs from "node:fs";
import { createOctokit, pullRequestContext, upsertComment } from "./github";

export interface PublishOptions {
  /** Write the comment to this file instead (other CI systems post it themselves). */
  readonly outputFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the network (tests). */
  readonly fetch?: typeof fetch;
  readonly log: (message: string) => void;
  readonly write: (text: string) => void;
}

/**
 * Puts the preview comment where it belongs: edited in place on the pull request when GITHUB_TOKEN
 * and a pull-request event exist, else into `--output` or onto stdout. A comment GitHub refuses (a
 * fork's read-only token) still reaches stdout, with the reason in the log.
 */
export async function publishComment(body: string, marker: string, options: PublishOptions): Promise<void> {
  const env = options.env ?? process.env;
  if (options.outputFile) {
    fs.writeFileSync(options.outputFile, body);
    options.log(`comment: written to ${options.outputFile} (${body.length} characters)`);
    return;
  }
  const pr = pullRequestContext(env);
  const token = env.GITHUB_TOKEN;
  if (pr && token) {
    try {
      const octokit = createOctokit(token, { baseUrl: env.GITHUB_API_URL, fetch: options.fetch });
      const result = await upsertComment(octokit, pr, marker, body);
      options.log(`comment: ${result.action} ${result.url}`);
      return;
    } catch (err) {
      const status = (err as { status?: number }).status;
      const why = status === 403 && pr.fromFork ? " (a pull request from a fork gets a read-only token)" : "";
      options.log(`comment: GitHub refused it: ${(err as Error).message}${why}; writing it to stdout instead`);
    }
  } else {
    options.log(`comment: ${pr ? "no GITHUB_TOKEN" : "not a pull-request run"}; writing it to stdout`);
  }
  options.write(body);
}
