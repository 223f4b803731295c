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

/** The tags `bump-image` orders: `1.4`, `1.4.2`, `v1.4.2`, `1.4.2-rc.1` (semver 2.0.0 with an optional v and patch). */
const SEMVER_TAG = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;

/**
 * Semantic Versioning 2.0.0 precedence (https://semver.org, item 11) of two image tags: negative
 * when `a` comes before `b`, 0 when equal, positive after; undefined when either is not a version
 * (a digest, `latest`), which has no order.
 */
export function compareImageTags(a: string, b: string): number | undefined {
  const [x, y] = [SEMVER_TAG.exec(a), SEMVER_TAG.exec(b)];
  if (!x || !y) return undefined;
  for (const i of [1, 2, 3]) {
    const diff = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return comparePrerelease(x[4], y[4]);
}

/** A version without a pre-release comes after one with it; identifiers compare one by one. */
function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const [as, bs] = [a.split("."), b.split(".")];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const [p, q] = [as[i], bs[i]];
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn && Number(p) !== Number(q)) return Math.sign(Number(p) - Number(q));
    if (pn !== qn) return pn ? -1 : 1;
    if (!pn && p !== q) {
      // Stryker disable next-line EqualityOperator: p !== q here, so p <= q is p < q
      return p < q ? -1 : 1;
    }
  }
  return Math.sign(as.length - bs.length);
}
