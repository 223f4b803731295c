import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, shownValue } from "../config";
import { commitPaths, git, GitError, remoteUrl, tryGit, workTree } from "../gitops/state-repo/git";
import { assertWritableInside, readProjectFile } from "../input-files";
import { pushWithRebase } from "../gitops/state-repo/push";
import { Environment } from "../stack";
import { assertNotDowngrade, isBumpFile, validateTag } from "./bump-checks";
import { bumpTargetOf, setScalarAt, TagEdit } from "./bump-targets";

/**
 * `bump-image`: what an app repository's CI calls after it pushed an image. It sets `image.tag` in
 * `gitops/apps/<app>/<env>.yaml` (for a chart app the values key it declares there, for a Kustomize
 * app the overlay's `images:` entry: bump-targets.ts), commits, and with --push pushes (rebasing and
 * retrying when other bumps win the race). The edit touches only the tag's own characters, so
 * comments and formatting elsewhere in the file stay byte for byte.
 */

export const CATALOG_DIR = path.join("gitops", "apps");

/** Sets `image.tag` in a typed spec's env file: setScalarAt (bump-targets.ts) at that key. */
export function setImageTag(text: string, file: string, tag: string): TagEdit {
  return setScalarAt(text, file, ["image", "tag"], tag);
}

export interface BumpImageOptions {
  /** The checkout of this repository to edit. */
  readonly rootDir: string;
  readonly app: string;
  readonly env: Environment;
  readonly tag: string;
  readonly push: boolean;
  readonly remote?: string;
  /** Branch to push to; the checked-out branch by default. */
  readonly branch?: string;
  /** Push attempts in all. */
  readonly attempts?: number;
  /** Waits between push attempts; a jittered pause by default. */
  readonly pause?: (failedAttempt: number) => Promise<void>;
  readonly log: (message: string) => void;
  /** Where the image came from, for the commit's trailers (GITHUB_REPOSITORY, GITHUB_SHA). */
  readonly source?: { readonly repository?: string; readonly commit?: string };
  /** Allow a version tag lower than the one set (a rollback); refused by default. */
  readonly allowDowngrade?: boolean;
}

export interface BumpImageResult {
  readonly file: string;
  /** What was set: `image.tag`, a chart's `values.<path>`, or a kustomization's `images[<name>]`. */
  readonly field: string;
  readonly previous?: string;
  readonly tag: string;
  readonly changed: boolean;
  readonly commit?: string;
  readonly pushed: boolean;
}

export async function bumpImage(options: BumpImageOptions): Promise<BumpImageResult> {
  const { rootDir, app, env, tag } = options;
  validateTag(tag);
  const target = bumpTargetOf(rootDir, app, env, envFileOf(rootDir, app, env));
  const { file, field } = target;
  const relative = path.relative(rootDir, file);
  const checkout = await workTree(rootDir);
  if (!checkout.inside) {
    throw new InputError(
      `bump-image: ${rootDir}: received a directory that is not a git checkout; expected a clone of this repository`,
    );
  }
  const remote = options.remote ?? "origin";
  let branch: string | undefined;
  if (options.push) {
    if (!(await remoteUrl(rootDir, remote))) {
      throw new InputError(
        `bump-image --push: the checkout at ${rootDir} has no git remote "${remote}"; expected a clone of the repository to push to`,
      );
    }
    branch = options.branch ?? checkout.branch;
    if (!branch) throw new InputError("bump-image --push: HEAD is detached; expected a checked-out branch or --branch");
  }
  const dirty = (await git(rootDir, ["status", "--porcelain", "--", relative])).trim();
  if (dirty) throw new InputError(`bump-image: ${relative} has uncommitted changes; expected a clean file to edit`);
  const before = await checkoutState(rootDir, relative);

  const edit = async (): Promise<{ previous?: string; commit?: string }> => {
    // Refused before reading too: a link out is never read, and one inside would edit another file.
    assertWritableInside(file, rootDir, relative);
    const text = fs.existsSync(file) ? readProjectFile(file, rootDir, relative) : "";
    const result = target.edit(text, relative, tag);
    if (!result.changed) return { previous: result.previous };
    assertNotDowngrade(relative, result.previous, tag, options.allowDowngrade === true);
    fs.writeFileSync(file, result.text);
    const commit = await commitPaths(rootDir, [relative], commitMessage(options, relative, field, result.previous));
    return { previous: result.previous, commit };
  };

  try {
    // What the remote does not have yet goes out with this push: only bump commits may be among it.
    const unpushed = options.push && branch ? await unpushedCommits(rootDir, remote, branch) : [];
    const first = await edit();
    if (!first.commit && unpushed.length === 0) {
      options.log(`bump-image: ${relative} already has ${field} ${tag}: nothing to commit`);
      return { file: relative, field, previous: first.previous, tag, changed: false, pushed: false };
    }
    if (first.commit) {
      options.log(
        `bump-image: ${relative}: ${field} ${first.previous ?? "(unset)"} -> ${tag}, commit ${first.commit.slice(0, 12)}`,
      );
    } else {
      options.log(
        `bump-image: ${relative} already has ${field} ${tag}, but ${remote}/${branch} lacks the local commit(s) ` +
          `${unpushed.map((c) => c.sha.slice(0, 12)).join(", ")}: pushing them`,
      );
    }
    if (!options.push || !branch)
      return {
        file: relative,
        field,
        previous: first.previous,
        tag,
        changed: true,
        commit: first.commit,
        pushed: false,
      };

    const pushed = await pushWithRebase(rootDir, {
      remote,
      branch,
      attempts: options.attempts ?? 20,
      pause: options.pause,
      // A clean rebase keeps our commit; after a conflict the edit is made again on their head.
      afterRebase: async (rebased) => rebased || (await edit()).commit !== undefined,
    });
    if (pushed.superseded) {
      options.log(`bump-image: ${remote}/${branch} already had ${field} ${tag}: nothing pushed`);
      return { file: relative, field, previous: first.previous, tag, changed: false, pushed: false };
    }
    options.log(
      `bump-image: pushed ${pushed.head.slice(0, 12)} to ${remote}/${branch} (attempt ${pushed.rebases + 1})`,
    );
    return {
      file: relative,
      field,
      previous: first.previous,
      tag,
      changed: first.commit !== undefined,
      commit: pushed.head,
      pushed: true,
    };
  } catch (err) {
    if (await restoreCheckout(rootDir, relative, file, before)) {
      options.log(
        `bump-image: nothing was pushed; ${relative} and the branch are back as they were before the command`,
      );
    }
    throw err;
  }
}

/** What the command may have to put back: HEAD and whether the env file was tracked. */
interface CheckoutState {
  readonly head?: string;
  readonly tracked: boolean;
}

async function checkoutState(rootDir: string, relative: string): Promise<CheckoutState> {
  const head = await tryGit(rootDir, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  const tracked = (await git(rootDir, ["ls-files", "--", relative])).trim() !== "";
  return { ...(head.code === 0 ? { head: head.stdout.trim() } : {}), tracked };
}

/**
 * Puts the branch and the env file back as they were before the command, keeping any other local
 * change (`reset --keep`); returns whether anything had moved.
 */
async function restoreCheckout(
  rootDir: string,
  relative: string,
  file: string,
  before: CheckoutState,
): Promise<boolean> {
  if (!before.head) return false;
  const now = await checkoutState(rootDir, relative);
  const moved =
    now.head !== before.head || (await git(rootDir, ["status", "--porcelain", "--", relative])).trim() !== "";
  if (!moved) return false;
  await git(rootDir, ["reset", "--quiet", "--keep", before.head]);
  if (before.tracked)
    await git(rootDir, ["restore", "--source", before.head, "--staged", "--worktree", "--", relative]);
  else {
    await git(rootDir, ["rm", "--quiet", "--cached", "--ignore-unmatch", "--", relative]);
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isFile()) fs.rmSync(file);
  }
  return true;
}

interface LocalCommit {
  readonly sha: string;
  readonly subject: string;
  readonly files: readonly string[];
}

/**
 * The local commits `remote`/`branch` does not have, oldest first. A push carries them all, so each
 * must be a bump (it touches only catalog env files), such as an earlier bump committed without
 * --push; anything else is someone's work that this command must not publish: it refuses, naming it.
 */
async function unpushedCommits(rootDir: string, remote: string, branch: string): Promise<LocalCommit[]> {
  const fetched = await tryGit(rootDir, ["-c", "maintenance.auto=false", "fetch", "--quiet", remote, branch]);
  // A branch the remote does not have yet: the push creates it with the whole local history.
  if (fetched.code !== 0 && /couldn't find remote ref/i.test(fetched.stderr)) return [];
  if (fetched.code !== 0) throw new GitError(["fetch", remote, branch], fetched);
  const shas = (await git(rootDir, ["rev-list", "--reverse", "FETCH_HEAD..HEAD"])).trim().split("\n").filter(Boolean);
  const commits: LocalCommit[] = [];
  for (const sha of shas) {
    const [subject, ...files] = (await git(rootDir, ["show", "--no-renames", "--name-only", "--format=%s", sha]))
      .trim()
      .split("\n")
      .filter(Boolean);
    commits.push({ sha, subject, files });
  }
  const foreign = commits.filter((c) => c.files.length === 0 || c.files.some((f) => !isBumpFile(f)));
  if (foreign.length > 0) {
    const named = foreign.map((c) => `${c.sha.slice(0, 12)} "${c.subject}" (${c.files.join(", ") || "no files"})`);
    throw new InputError(
      `bump-image --push: the checkout has ${foreign.length} local commit(s) that ${remote}/${branch} does not have ` +
        `and that are not image bumps: ${named.join("; ")}; expected only bump commits (gitops/apps/<app>/<env>.yaml) ` +
        `to push with this one: push them yourself (git push ${remote} HEAD:${branch}) or drop them ` +
        `(git reset --hard ${remote}/${branch}), then run again`,
    );
  }
  return commits;
}

/**
 * `gitops/apps/<app>/<env>.yaml` of a known app that runs in `env`. An unknown app is bad input, and
 * so is an environment the app has no file for: the file is what makes the app run there, and a
 * bump must never deploy an app to a cluster that does not run it.
 */
export function envFileOf(rootDir: string, app: string, env: Environment): string {
  const catalog = path.join(rootDir, CATALOG_DIR);
  const known = fs.existsSync(catalog)
    ? fs
        .readdirSync(catalog)
        .filter((name) => fs.existsSync(path.join(catalog, name, "app.yaml")))
        .sort()
    : [];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(app) || !known.includes(app)) {
    throw new InputError(
      `bump-image --app: received ${shownValue(app)}; expected an app of the catalog (${CATALOG_DIR}/<app>/app.yaml): ` +
        `${known.length > 0 ? known.join(", ") : "the catalog is empty"}`,
    );
  }
  const file = path.join(catalog, app, `${env}.yaml`);
  // A link counts as there, dangling or not: the edit refuses it as a link, never writes through it.
  if (!fs.lstatSync(file, { throwIfNoEntry: false })) {
    const runsIn = fs
      .readdirSync(path.join(catalog, app))
      .filter((name) => name.endsWith(".yaml") && name !== "app.yaml")
      .map((name) => name.slice(0, -".yaml".length))
      .sort();
    throw new InputError(
      `bump-image --env: received "${env}", where app ${app} does not run (no ${CATALOG_DIR}/${app}/${env}.yaml); ` +
        `expected an environment it runs in: ${runsIn.length > 0 ? runsIn.join(", ") : "none"}`,
    );
  }
  return file;
}

function commitMessage(options: BumpImageOptions, file: string, field: string, previous: string | undefined): string {
  const trailers = [
    options.source?.repository && `Source-Repository: ${options.source.repository}`,
    options.source?.commit && `Source-Commit: ${options.source.commit}`,
  ].filter(Boolean);
  return [
    `${options.app}: deploy ${options.tag} to ${options.env}`,
    "",
    `${file}: ${field} ${previous ?? "(unset)"} -> ${options.tag}`,
    ...(trailers.length > 0 ? ["", ...trailers] : []),
  ].join("\n");
}
