/**
 * Image references of the app spec. On its own so that `bump-image`, which validates tags, loads
 * this rule without the whole spec schema.
 */

/** A content digest (OCI image spec, "digests"): the only algorithm registries serve is sha256. */
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Whether an `image.tag` value is a digest: the image is then pinned as `repository@sha256:…`. */
export function isImageDigest(tag: string): boolean {
  return IMAGE_DIGEST.test(tag);
}
