import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../config";
import { isImageDigest } from "../gitops/catalog/image";
import { commitPaths, git, remoteUrl, workTree } from "../gitops/state-repo/git";
import { pushWithRebase } from "../gitops/state-repo/push";
import { Environment } from "../stack";
import { bumpTargetOf, setScalarAt, TagEdit } from "./bump-targets";

/**
 * `bump-image`: what an app repository's CI calls after it pushed an image. It sets `image.tag` in
 * `gitops/apps/<app>/<env>.yaml` (for a chart app the values key it declares there, for a Kustomize
 * app the overlay's `images:` entry: bump-targets.ts), commits, and with --push pushes (rebasing and
 * retrying when other bumps win the race). The edit touches only the tag's own characters, so
 * comments and formatting elsewhere in the file stay byte for byte.
 */

export const CATALOG_DIR = path.join("gitops", "apps");

const SEMVERISH = /^v?\d+\.\d+(\.\d+)?(-[0-9A-Za-z][0-9A-Za-z._-]*)?$/;
// An OCI tag is at most 128 characters (distribution spec, "tag" grammar).
const MAX_TAG_LENGTH = 128;

export function validateTag(tag: string): void {
  if (tag.length <= MAX_TAG_LENGTH && (SEMVERISH.test(tag) || isImageDigest(tag))) return;
  throw new InputError(
    `bump-image --tag: received ${JSON.stringify(tag)}; expected a semver-ish tag (1.4.2, v1.4.2, 1.4.2-rc.1) ` +
      "or an image digest (sha256: and 64 hex digits)",
  );
}

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

  const edit = async (): Promise<{ previous?: string; commit?: string }> => {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const result = target.edit(text, relative, tag);
    if (!result.changed) return { previous: result.previous };
    fs.writeFileSync(file, result.text);
    const commit = await commitPaths(rootDir, [relative], commitMessage(options, relative, field, result.previous));
    return { previous: result.previous, commit };
  };

  const first = await edit();
  if (!first.commit) {
    options.log(`bump-image: ${relative} already has ${field} ${tag}: nothing to commit`);
    return { file: relative, field, previous: first.previous, tag, changed: false, pushed: false };
  }
  options.log(
    `bump-image: ${relative}: ${field} ${first.previous ?? "(unset)"} -> ${tag}, commit ${first.commit.slice(0, 12)}`,
  );
  if (!options.push || !branch)
    return { file: relative, field, previous: first.previous, tag, changed: true, commit: first.commit, pushed: false };

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
  options.log(`bump-image: pushed ${pushed.head.slice(0, 12)} to ${remote}/${branch} (attempt ${pushed.rebases + 1})`);
  return { file: relative, field, previous: first.previous, tag, changed: true, commit: pushed.head, pushed: true };
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
      `bump-image --app: received ${JSON.stringify(app)}; expected an app of the catalog (${CATALOG_DIR}/<app>/app.yaml): ` +
        `${known.length > 0 ? known.join(", ") : "the catalog is empty"}`,
    );
  }
  const file = path.join(catalog, app, `${env}.yaml`);
  if (!fs.existsSync(file)) {
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
