import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { bumpTargetOf, setKustomizeImage, setScalarAt } from "../automation/bump-targets";
import { AppFiles, inputErrorOf, removeTempDirs, runningIn, tempDir, writeCatalog } from "./support/gitops";

/** bump-image's edits of a chart app's values key and a Kustomize overlay's images: entry. */

const DIGEST = `sha256:${"b".repeat(64)}`;

/**
 * A checkout with the staging environment, the catalog `apps` (each running in staging) and a file
 * for each of `files` (path from the checkout: content).
 */
function checkout(apps: Record<string, AppFiles>, files: Record<string, string> = {}): string {
  const root = tempDir("bump-target");
  fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), "config:\n  gitops-platform:environment: staging\n");
  writeCatalog(runningIn("staging", apps), path.join(root, "gitops", "apps"));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

const envFile = (root: string, app: string) => path.join(root, "gitops", "apps", app, "staging.yaml");

describe("bump-image targets", () => {
  after(removeTempDirs);

  describe("which file and key an app's source names", () => {
    it("sets image.tag in <env>.yaml for a typed spec, which needs image to be a map", () => {
      const root = checkout({ web: { "app.yaml": { image: { repository: "ghcr.io/example/web", tag: "1.0.0" } } } });
      const target = bumpTargetOf(root, "web", "staging", envFile(root, "web"));
      assert.deepEqual([target.file, target.field], [envFile(root, "web"), "image.tag"]);
      assert.deepEqual(target.edit("# staging\nreplicas: 2\n", "staging.yaml", "1.1.0"), {
        text: "# staging\nreplicas: 2\nimage:\n  tag: 1.1.0\n",
        previous: undefined,
        changed: true,
      });
      assert.equal(
        inputErrorOf(() => target.edit("image: ghcr.io/example/web:1\n", "staging.yaml", "1.1.0")),
        'staging.yaml: image: received "ghcr.io/example/web:1"; expected a map with repository and tag',
      );
    });

    it("takes an app.yaml it cannot read for a typed spec, whose loader reports it", () => {
      const root = checkout({ web: { "app.yaml": "chart: [\n" } });
      assert.equal(bumpTargetOf(root, "web", "staging", envFile(root, "web")).field, "image.tag");
    });

    it("sets the values key a chart app names in <env>.yaml", () => {
      const root = checkout(
        { web: { "app.yaml": { chart: { path: "../../charts/web", imageTagPath: "image.tag" } } } },
        { "gitops/charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n" },
      );
      const target = bumpTargetOf(root, "web", "staging", envFile(root, "web"));
      assert.deepEqual([target.file, target.field], [envFile(root, "web"), "values.image.tag"]);
      assert.equal(target.edit("values: {}\n", "staging.yaml", "2.0.0").text, "values: { image: { tag: 2.0.0 } }\n");
    });

    it("fails for a chart app that names no values key for the tag", () => {
      const root = checkout(
        { web: { "app.yaml": { chart: { path: "../../charts/web" } } } },
        { "gitops/charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n" },
      );
      assert.equal(
        inputErrorOf(() => bumpTargetOf(root, "web", "staging", envFile(root, "web"))),
        "bump-image --app web: chart.imageTagPath: received nothing (the key is missing); expected the values key " +
          "that holds the image tag, such as imageTagPath: image.tag under chart: in app.yaml",
      );
    });

    it("sets the named images: entry in a Kustomize app's overlay, whatever its kustomization file is called", () => {
      const root = checkout(
        { api: { "app.yaml": { kustomize: { base: "base", imageName: "ghcr.io/example/api" } } } },
        {
          "gitops/apps/api/base/kustomization.yaml": "resources: []\n",
          "gitops/apps/api/overlays/staging/kustomization.yml": "resources: [../../base]\n",
        },
      );
      const target = bumpTargetOf(root, "api", "staging", envFile(root, "api"));
      assert.deepEqual(
        [target.file, target.field],
        [
          path.join(root, "gitops", "apps", "api", "overlays", "staging", "kustomization.yml"),
          "images[ghcr.io/example/api]",
        ],
      );
      assert.equal(
        target.edit("resources: [../../base]\n", "kustomization.yml", "1.2.0").text,
        "resources: [ ../../base ]\nimages:\n  - name: ghcr.io/example/api\n    newTag: 1.2.0\n",
      );
    });

    it("fails for a Kustomize app that names no images: entry", () => {
      const root = checkout(
        { api: { "app.yaml": { kustomize: { base: "base" } } } },
        {
          "gitops/apps/api/base/kustomization.yaml": "resources: []\n",
          "gitops/apps/api/overlays/staging/kustomization.yaml": "resources: [../../base]\n",
        },
      );
      assert.equal(
        inputErrorOf(() => bumpTargetOf(root, "api", "staging", envFile(root, "api"))),
        "bump-image --app api: kustomize.imageName: received nothing (the key is missing); expected the name of the " +
          "images: entry to set, such as imageName: ghcr.io/org/web under kustomize: in app.yaml",
      );
    });
  });

  describe("a file that is not a map", () => {
    const keys = ["image", "tag"];
    const refused: [string, string, string][] = [
      ["a list", "- a\n", "f.yaml: received a list at the top level; expected a map"],
      ["a scalar", "x\n", 'f.yaml: received "x" at the top level; expected a map'],
      [
        "YAML the hardened reader refuses",
        "a: b: c\n",
        "f.yaml: received invalid YAML (bad indentation of a mapping entry at line 1, column 5); expected a map",
      ],
      [
        "YAML only the editing library refuses (a key over 1024 characters)",
        `${"k".repeat(1100)}: 1\n`,
        "f.yaml: received invalid YAML (The : indicator must be at most 1024 chars after the start of an implicit " +
          "block mapping key at line 1, column 1:); expected a map",
      ],
    ];
    for (const [what, text, message] of refused) {
      it(`refuses ${what}, for either edit`, () => {
        assert.equal(
          inputErrorOf(() => setScalarAt(text, "f.yaml", keys, "1.0.0")),
          message,
        );
        assert.equal(
          inputErrorOf(() => setKustomizeImage(text, "f.yaml", "ghcr.io/x", "1.0.0")),
          message,
        );
      });
    }

    it("takes an empty file as an empty map", () => {
      assert.deepEqual(setScalarAt("", "f.yaml", keys, "1.0.0"), {
        text: "image:\n  tag: 1.0.0\n",
        previous: undefined,
        changed: true,
      });
    });
  });
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

    it("says what the tag's parent should be only for the tag's parent", () => {
      const parent = "a map with tag";
      assert.equal(
        inputErrorOf(() => setScalarAt("values: 3\n", "f.yaml", keys, "1.1.0", parent)),
        "f.yaml: values: received 3; expected a map",
      );
      assert.equal(
        inputErrorOf(() => setScalarAt("values:\n  image: [a]\n", "f.yaml", keys, "1.1.0", parent)),
        "f.yaml: values.image: received a list; expected a map with tag",
      );
    });

    it("refuses a tag that is a list or a map", () => {
      assert.equal(
        inputErrorOf(() => setScalarAt("values:\n  image:\n    tag: [1]\n", "f.yaml", keys, "1.1.0")),
        "f.yaml: values.image.tag: received a list; expected a string",
      );
      assert.equal(
        inputErrorOf(() => setScalarAt("values:\n  image:\n    tag: {a: 1}\n", "f.yaml", keys, "1.1.0")),
        "f.yaml: values.image.tag: received a map; expected a string",
      );
    });

    it("adds every missing key on the way, and fills a key without a value", () => {
      assert.equal(setScalarAt("a: 1\n", "f.yaml", keys, "1.1.0").text, "a: 1\nvalues:\n  image:\n    tag: 1.1.0\n");
      assert.equal(setScalarAt("? values\n", "f.yaml", keys, "1.1.0").text, "values:\n  image:\n    tag: 1.1.0\n");
    });

    it("keeps long lines whole when it adds the key", () => {
      const long = `note: ${"word ".repeat(30).trim()}\n`;
      assert.equal(setScalarAt(long, "f.yaml", keys, "1.1.0").text, `${long}values:\n  image:\n    tag: 1.1.0\n`);
    });

    it("quotes a replaced plain value only where plain would read back as another value", () => {
      const text = "values:\n  image:\n    tag: 1.0.0\n";
      assert.equal(setScalarAt(text, "f.yaml", keys, "1.10").text, 'values:\n  image:\n    tag: "1.10"\n');
      assert.equal(setScalarAt(text, "f.yaml", keys, "v1.10").text, "values:\n  image:\n    tag: v1.10\n");
      assert.equal(
        setScalarAt('values:\n  image:\n    tag: "1.0"\n', "f.yaml", keys, "1.2.0").text,
        'values:\n  image:\n    tag: "1.2.0"\n',
      );
    });

    it("reads a previous tag YAML took for a number or a boolean as its text", () => {
      assert.equal(setScalarAt("values:\n  image:\n    tag: 1.10\n", "f.yaml", keys, "1.2.0").previous, "1.1");
      assert.equal(setScalarAt("values:\n  image:\n    tag: true\n", "f.yaml", keys, "1.2.0").previous, "true");
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
      assert.equal(
        setKustomizeImage(overlay, "k.yaml", "ghcr.io/example/new", "0.1.0").text,
        `${overlay}  - name: ghcr.io/example/new\n    newTag: 0.1.0\n`,
      );
    });

    const digestA = `sha256:${"a".repeat(64)}`;

    it("replaces the tag in place in a file of another layout, keeping it byte for byte", () => {
      const text = "images:\n- name:  ghcr.io/x\n  newTag:   '1.0.0'   # pinned\n";
      assert.equal(
        setKustomizeImage(text, "k.yaml", "ghcr.io/x", "1.1.0").text,
        "images:\n- name:  ghcr.io/x\n  newTag:   '1.1.0'   # pinned\n",
      );
    });

    it("keeps long lines whole when it adds an entry", () => {
      const long = `# ${"word ".repeat(30).trim()}\nnote: ${"word ".repeat(30).trim()}\n`;
      assert.equal(
        setKustomizeImage(long, "k.yaml", "ghcr.io/x", "1.0.0").text,
        `${long}images:\n  - name: ghcr.io/x\n    newTag: 1.0.0\n`,
      );
    });

    it("changes nothing when the entry already has the tag", () => {
      const text = "images:\n- name: ghcr.io/x\n  newTag: 1.0.0\n";
      assert.deepEqual(setKustomizeImage(text, "k.yaml", "ghcr.io/x", "1.0.0"), {
        text,
        previous: "1.0.0",
        changed: false,
      });
    });

    it("drops the digest of an entry that has the tag and a digest", () => {
      const text = `images:\n- name: ghcr.io/x\n  newTag: 1.0.0\n  digest: ${digestA}\n`;
      assert.deepEqual(setKustomizeImage(text, "k.yaml", "ghcr.io/x", "1.0.0"), {
        text: "images:\n  - name: ghcr.io/x\n    newTag: 1.0.0\n",
        previous: "1.0.0",
        changed: true,
      });
    });

    it("replaces a digest with a tag, naming the digest as the previous value", () => {
      const text = `images:\n- name: ghcr.io/x\n  digest: ${digestA}\n`;
      assert.deepEqual(setKustomizeImage(text, "k.yaml", "ghcr.io/x", "1.2.0"), {
        text: "images:\n  - name: ghcr.io/x\n    newTag: 1.2.0\n",
        previous: digestA,
        changed: true,
      });
    });

    it("adds the entry under an images: key without a value", () => {
      assert.equal(
        setKustomizeImage("? images\n", "k.yaml", "ghcr.io/x", "1.0.0").text,
        "images:\n  - name: ghcr.io/x\n    newTag: 1.0.0\n",
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
