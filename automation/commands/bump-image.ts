import { Command, Option } from "commander";
import { Environment, PROJECT_ROOT } from "../../stack";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption } from "../options";
import { logProgress, writeData, writeJson } from "../output";

export interface BumpImageCommandOptions {
  readonly app: string;
  readonly env: Environment;
  readonly tag: string;
  readonly push?: boolean;
  readonly remote: string;
  readonly branch?: string;
  readonly repo?: string;
  readonly json?: boolean;
}

export function bumpImageCommand(): Command {
  return new Command("bump-image")
    .description("Set an app's image tag for one environment, commit, and optionally push (what app repos' CI calls)")
    .addOption(new Option("-a, --app <app>", "the app: gitops/apps/<app>").makeOptionMandatory())
    .addOption(envOption())
    .addOption(
      new Option("-t, --tag <tag>", "the new tag: 1.4.2, v1.4.2, 1.4.2-rc.1 or sha256:<digest>").makeOptionMandatory(),
    )
    .addOption(new Option("--push", "push the commit, rebasing and retrying when other pushes win the race"))
    .addOption(new Option("--remote <name>", "remote to push to").default("origin"))
    .addOption(new Option("--branch <branch>", "branch to push to (default: the checked-out branch)"))
    .addOption(new Option("--repo <dir>", "checkout of this repository to edit (default: the one this CLI runs from)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nEdits image.tag in gitops/apps/<app>/<env>.yaml (a chart app: values.<chart.imageTagPath> there; a Kustomize\n" +
        "app: the images: entry kustomize.imageName of its overlay), keeping comments and formatting; no commit when the tag\n" +
        "is already set. Exit codes: 0 done (or nothing to do), 1 failure, 2 bad input (unknown app, bad tag,\n" +
        "malformed file, no git remote, push refused).",
    )
    .action(async (options: BumpImageCommandOptions) => {
      const { bumpImage } = await import("../bump-image");
      const result = await bumpImage({
        rootDir: options.repo ?? PROJECT_ROOT,
        app: options.app,
        env: options.env,
        tag: options.tag,
        push: options.push === true,
        remote: options.remote,
        branch: options.branch,
        log: logProgress,
        source: { repository: process.env.GITHUB_REPOSITORY, commit: process.env.GITHUB_SHA },
      });
      if (options.json) writeJson(result);
      else
        writeData(
          result.changed
            ? `${result.file}: ${result.field} ${result.previous ?? "(unset)"} -> ${result.tag}`
            : `${result.file}: unchanged`,
        );
      process.exitCode = ExitCode.Ok;
    });
}
