import { InputError, shownValue } from "../config";
import { compareImageTags, isImageDigest } from "../gitops/catalog/image";

/**
 * What `bump-image` refuses, as pure checks: a tag of another form, a version lower than the one
 * set, and, among the local commits a push would carry, any file that a bump does not write.
 */

const SEMVERISH = /^v?\d+\.\d+(\.\d+)?(-[0-9A-Za-z][0-9A-Za-z._-]*)?$/;
// An OCI tag is at most 128 characters (distribution spec, "tag" grammar).
const MAX_TAG_LENGTH = 128;

export function validateTag(tag: string): void {
  if (tag.length <= MAX_TAG_LENGTH && (SEMVERISH.test(tag) || isImageDigest(tag))) return;
  throw new InputError(
    `bump-image --tag: received ${shownValue(tag)}; expected a semver-ish tag (1.4.2, v1.4.2, 1.4.2-rc.1) ` +
      "or an image digest (sha256: and 64 hex digits)",
  );
}

/**
 * A version tag moves forward only: with racing bumps of one app and environment, the last push
 * would otherwise win, which may be the oldest build. `--allow-downgrade` is the deliberate rollback.
 */
export function assertNotDowngrade(file: string, previous: string | undefined, tag: string, allowed: boolean): void {
  // Stryker disable next-line ConditionalExpression: with no tag set, compareImageTags finds no order either, which passes
  if (previous === undefined) return;
  if (allowed || (compareImageTags(tag, previous) ?? 0) >= 0) return;
  throw new InputError(
    `bump-image --tag: received ${shownValue(tag)}, lower than the ${shownValue(previous)} that ${file} has; ` +
      "expected a later version (pass --allow-downgrade to roll back on purpose)",
  );
}

/**
 * What bump-image commits, and all it commits: an env file of the catalog (typed spec and chart
 * apps), or a Kustomize app's kustomization (its overlay's `images:`).
 */
const BUMP_FILE =
  /^gitops\/apps\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/((?!app\.yaml$)[^/]+\.yaml|.+\/(kustomization\.ya?ml|Kustomization))$/;

/** Whether a committed path is one bump-image writes, so that a push may carry the commit. */
export function isBumpFile(file: string): boolean {
  return BUMP_FILE.test(file);
}
