import * as assert from "node:assert/strict";
import { assertNotDowngrade, isBumpFile, validateTag } from "../automation/bump-checks";
import { inputErrorOf } from "./support/gitops";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("bump-image checks", () => {
  describe("the tag's form", () => {
    const longest = `1.0.0-${"a".repeat(122)}`;
    for (const tag of ["1.4", "1.4.2", "v1.4.2", "10.20.30", "1.4.2-rc.1", "1.4.2-rc_1.a-b", DIGEST, longest]) {
      it(`accepts ${tag.slice(0, 24)} (${tag.length} characters)`, () => assert.doesNotThrow(() => validateTag(tag)));
    }

    const refused = [
      "latest",
      "1",
      "1.4.2.1",
      "V1.4.2",
      "x1.4.2",
      "1.4.2x",
      "1.4.2-",
      "1.4.2-.rc",
      "1.4.2+build",
      `sha256:${"a".repeat(63)}`,
      `${longest}a`,
    ];
    for (const tag of refused) {
      it(`refuses ${tag.slice(0, 24)} (${tag.length} characters), naming both forms it takes`, () => {
        assert.equal(
          inputErrorOf(() => validateTag(tag)),
          `bump-image --tag: received ${JSON.stringify(tag)}; expected a semver-ish tag (1.4.2, v1.4.2, 1.4.2-rc.1) ` +
            "or an image digest (sha256: and 64 hex digits)",
        );
      });
    }
  });

  describe("versions move forward only", () => {
    it("accepts a later or equal version, a first tag, and a move to or from a digest", () => {
      for (const [previous, tag] of [
        ["1.4.2", "1.4.3"],
        ["1.4.2", "1.4.2"],
        [undefined, "0.0.1"],
        [DIGEST, "0.0.1"],
        ["9.9.9", DIGEST],
      ] as const) {
        assert.doesNotThrow(() => assertNotDowngrade("f.yaml", previous, tag, false), `${previous} -> ${tag}`);
      }
    });

    it("refuses a lower version, naming the file, unless a downgrade is allowed", () => {
      assert.equal(
        inputErrorOf(() => assertNotDowngrade("gitops/apps/web/staging.yaml", "1.10.0", "1.9.0", false)),
        'bump-image --tag: received "1.9.0", lower than the "1.10.0" that gitops/apps/web/staging.yaml has; ' +
          "expected a later version (pass --allow-downgrade to roll back on purpose)",
      );
      assert.doesNotThrow(() => assertNotDowngrade("f.yaml", "1.10.0", "1.9.0", true));
    });
  });

  describe("the files a bump commits, the only ones a push may carry", () => {
    const bumps = [
      "gitops/apps/web/staging.yaml",
      "gitops/apps/a/prod-eu.yaml",
      "gitops/apps/web-2/dev.yaml",
      "gitops/apps/api/overlays/staging/kustomization.yaml",
      "gitops/apps/api/prod/kustomization.yml",
      "gitops/apps/api/overlays/staging/Kustomization",
    ];
    for (const file of bumps) it(`takes ${file}`, () => assert.equal(isBumpFile(file), true));

    const others = [
      "gitops/apps/web/app.yaml",
      "xgitops/apps/web/staging.yaml",
      "gitops/apps/web/staging.yaml.bak",
      "gitops/apps/web/staging.yml",
      "gitops/apps/Web/staging.yaml",
      "gitops/apps/-web/staging.yaml",
      "gitops/apps/web-/staging.yaml",
      "gitops/apps/web/base/staging.yaml",
      "gitops/apps/api/overlays/staging/deployment.yaml",
      "gitops/apps/api/overlays/staging/kustomization.yaml.orig",
      "gitops/apps/api/kustomization",
      "gitops/charts/web/values.yaml",
      "README.md",
    ];
    for (const file of others) it(`refuses ${file}`, () => assert.equal(isBumpFile(file), false));
  });
});
