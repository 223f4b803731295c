import * as path from "node:path";

/**
 * How the user runs this CLI, so that every hint it prints (the command that resumes `up`, the next
 * step) can be pasted as is: the package's bin `gitops-platform` when it was started as that bin
 * (installed or linked), else the npm script of a checkout. npm names the running script in
 * `npm_lifecycle_event` (https://docs.npmjs.com/cli/using-npm/scripts#current-lifecycle-event).
 */
export function cliInvocation(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): string {
  if (env.npm_lifecycle_event !== "cli" && path.basename(argv[1] ?? "") === "gitops-platform") return "gitops-platform";
  return CHECKOUT_INVOCATION;
}

/** The CLI as a checkout runs it (docs/cli.md). */
export const CHECKOUT_INVOCATION = "npm run --silent cli --";
