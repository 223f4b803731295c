import { Command, Option } from "commander";
import { Environment, PROJECT_ROOT } from "../../stack";
import { ExitCode } from "../exit-codes";
import { envOption, jsonOption } from "../options";
import { logProgress, writeData, writeJson } from "../output";
import { examples } from "./help";

export interface BumpImageCommandOptions {
  readonly app: string;
  readonly env: Environment;
  readonly tag: string;
  readonly push?: boolean;
  readonly remote: string;
  readonly branch?: string;
  readonly repo?: string;
  readonly json?: boolean;
  readonly allowDowngrade?: boolean;
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
    .addOption(new Option("--allow-downgrade", "allow a version lower than the one set (a deliberate rollback)"))
    .addOption(new Option("--remote <name>", "remote to push to").default("origin"))
    .addOption(new Option("--branch <branch>", "branch to push to (default: the checked-out branch)"))
    .addOption(new Option("--repo <dir>", "checkout of this repository to edit (default: the one this CLI runs from)"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      examples(
        ["bump-image --app demo --env staging --tag 6.7.2", "set the tag and commit"],
        ["bump-image --app demo --env production --tag 6.7.2 --push --json", "also push, as an app repo's CI does"],
      ) +
        "\nEdits image.tag in gitops/apps/<app>/<env>.yaml (a chart app: values.<chart.imageTagPath> there; a\n" +
        "Kustomize app: the images: entry kustomize.imageName of its overlay), keeping comments and formatting; no\n" +
        "commit when the tag is already set. A version lower than the one set is refused without --allow-downgrade.\n" +
        "--push also pushes earlier local bump commits the remote lacks, and refuses, naming them, to push local\n" +
        "commits that are not bumps; when the push fails, the local commit is undone.\n" +
        "Exit codes: 0 done (or nothing to do), 1 failure (including a push the remote's rules refuse), 2 bad input\n" +
        "(unknown app, bad tag, downgrade, malformed file, no git remote, refused credentials, local commits that\n" +
        "are not bumps).",
    )
    .action(async (options: BumpImageCommandOptions) => {
      const { bumpImage } = await import("../bump-image");
      const result = await bumpImage({
        rootDir: options.repo ?? PROJECT_ROOT,
        app: options.app,
        env: options.env,
        tag: options.tag,
        push: options.push === true,
        allowDowngrade: options.allowDowngrade === true,
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
            : result.pushed
              ? `${result.file}: ${result.field} already ${result.tag}; pushed the local commit that set it`
              : `${result.file}: unchanged`,
        );
      process.exitCode = ExitCode.Ok;
    });
}
