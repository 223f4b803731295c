import * as assert from "node:assert/strict";
import { setKustomizeImage, setScalarAt } from "../automation/bump-targets";
import { inputErrorOf } from "./support/gitops";

/** bump-image's edits of a chart app's values key and a Kustomize overlay's images: entry. */

const DIGEST = `sha256:${"b".repeat(64)}`;

describe("bump-image targets", () => {
  describe("a chart app's values key in <env>.yaml", () => {
    const keys = ["values", "image", "tag"];

    it("replaces the value in place, keeping comments, quoting and everything else byte for byte", () => {
      const text = "# staging\nvalues:\n  replicas: 2 # two\n  image:\n    tag: '1.0.0' # CI\n";
      assert.deepEqual(setScalarAt(text, "staging.yaml", keys, "1.1.0"), {
        text: "# staging\nvalues:\n  replicas: 2 # two\n  image:\n    tag: '1.1.0' # CI\n",
        previous: "1.0.0",
        changed: true,
      });
    });

    it("adds the key when the file has none, keeping its comments", () => {
      const edit = setScalarAt("# production values\nvalues:\n  replicas: 3\n", "production.yaml", keys, "2.0.0");
      assert.equal(edit.text, "# production values\nvalues:\n  replicas: 3\n  image:\n    tag: 2.0.0\n");
      assert.equal(edit.previous, undefined);
    });

    it("changes nothing when the value is already set", () => {
      const text = "values:\n  image:\n    tag: 1.0.0\n";
      assert.deepEqual(setScalarAt(text, "f.yaml", keys, "1.0.0"), { text, previous: "1.0.0", changed: false });
    });

    it("refuses a key on the way that is not a map, naming the file and the key", () => {
      assert.equal(
        inputErrorOf(() => setScalarAt("values:\n  image: ghcr.io/x:1\n", "staging.yaml", keys, "1.1.0")),
        'staging.yaml: values.image: received "ghcr.io/x:1"; expected a map',
      );
    });
  });

  describe("a Kustomize overlay's images: entry", () => {
    const overlay =
      'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/example/api\n    newTag: "1.0.0" # set by bump-image\n' +
      "  - name: ghcr.io/example/worker\n    newTag: 3.0.0\n";

    it("sets newTag of the named entry in place, and no other", () => {
      const edit = setKustomizeImage(overlay, "kustomization.yaml", "ghcr.io/example/api", "1.1.0");
      assert.equal(edit.text, overlay.replace('"1.0.0"', '"1.1.0"'));
      assert.equal(edit.previous, "1.0.0");
    });

    it("sets a digest in place of the tag", () => {
      const edit = setKustomizeImage(overlay, "kustomization.yaml", "ghcr.io/example/worker", DIGEST);
      assert.match(edit.text, new RegExp(`  - name: ghcr.io/example/worker\\n    digest: ${DIGEST}\\n$`));
      assert.match(edit.text, /newTag: "1\.0\.0" # set by bump-image/);
      assert.equal(edit.previous, "3.0.0");
    });

    it("adds the entry, or the images: list, when there is none", () => {
      assert.equal(
        setKustomizeImage("# overlay\nresources: [../../base]\n", "k.yaml", "ghcr.io/example/api", "1.0.0").text,
        "# overlay\nresources: [ ../../base ]\nimages:\n  - name: ghcr.io/example/api\n    newTag: 1.0.0\n",
      );
      assert.match(
        setKustomizeImage(overlay, "k.yaml", "ghcr.io/example/new", "0.1.0").text,
        /- name: ghcr.io\/example\/new\n {4}newTag: 0\.1\.0\n$/,
      );
    });

    it("refuses an images: key that is not a list", () => {
      assert.equal(
        inputErrorOf(() => setKustomizeImage("images: ghcr.io/x\n", "kustomization.yaml", "ghcr.io/x", "1.0.0")),
        'kustomization.yaml: images: received "ghcr.io/x"; expected a list of images',
      );
    });
  });
});
