import * as assert from "node:assert/strict";
import { compareImageTags, isImageDigest } from "../gitops/catalog/image";

const HEX = "0123456789abcdef".repeat(4);

describe("image digests", () => {
  it("reads sha256: and 64 lower-case hex digits as a digest", () => {
    assert.equal(isImageDigest(`sha256:${HEX}`), true);
  });

  it("reads anything else as a tag: 63 or 65 digits, upper case, another algorithm, text around it", () => {
    assert.deepEqual(
      [
        `sha256:${HEX.slice(1)}`,
        `sha256:${HEX}0`,
        `sha256:${HEX.toUpperCase()}`,
        `sha256:${HEX.slice(1)}g`,
        `sha512:${HEX}${HEX}`,
        `@sha256:${HEX}`,
        `sha256:${HEX}\n`,
        "latest",
      ].map((tag) => isImageDigest(tag)),
      [false, false, false, false, false, false, false, false],
    );
  });
});

describe("image tag order (Semantic Versioning 2.0.0 precedence)", () => {
  const ordered = [
    "0.9.0",
    "0.9.9",
    "0.9.10",
    "1.0.0-0",
    "1.0.0-0.1",
    "1.0.0-0.2",
    "1.0.0-2",
    "1.0.0-10",
    "1.0.0-1a",
    "1.0.0-RC",
    "1.0.0-a1",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "v1.0.1",
    "1.1",
    "1.10.0",
    "2.0.0",
    "10.0.0",
  ];
  for (const [i, tag] of ordered.entries()) {
    it(`orders ${tag} after every tag above it in the list and before every one below`, () => {
      for (const earlier of ordered.slice(0, i))
        assert.equal(compareImageTags(earlier, tag), -1, `${earlier} < ${tag}`);
      for (const later of ordered.slice(i + 1)) assert.equal(compareImageTags(later, tag), 1, `${later} > ${tag}`);
      assert.equal(compareImageTags(tag, tag), 0);
    });
  }

  it("treats v1.2.0, 1.2.0 and 1.2 as equal", () => {
    assert.equal(compareImageTags("v1.2.0", "1.2.0"), 0);
    assert.equal(compareImageTags("1.2", "1.2.0"), 0);
    assert.equal(compareImageTags("v1.2.0-rc.1", "1.2-rc.1"), 0);
  });

  it("gives no order for a digest, a word, or a version with text around it", () => {
    for (const tag of [
      `sha256:${HEX}`,
      "latest",
      "release-1.2.3",
      "1.2.3_1",
      "1.2.3-",
      "1.2.3-.rc",
      "1",
      "1.x.0",
      "V1.2.3",
    ]) {
      assert.equal(compareImageTags(tag, "1.0.0"), undefined, tag);
      assert.equal(compareImageTags("1.0.0", tag), undefined, tag);
    }
  });
});
