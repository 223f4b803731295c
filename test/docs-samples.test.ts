import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";

/**
 * Every sample output in docs/ marked `<!-- sample: <file> -->` is the file a test produces, so a
 * sample cannot show output this project no longer gives (or never gave).
 */
describe("sample outputs in docs/", () => {
  const docs = path.join(REPO_ROOT, "docs");
  const samples = fs
    .readdirSync(docs)
    .filter((f) => f.endsWith(".md"))
    .flatMap((file) => {
      const text = fs.readFileSync(path.join(docs, file), "utf8");
      return [
        ...text.matchAll(/<!-- sample: (\S+) -->\n(?:<!-- prettier-ignore -->\n)?(`{3,})\w*\n([^]*?)\n\2\n/g),
      ].map((m) => ({ file, source: m[1], body: m[3] }));
    });

  it("has samples to check", () => {
    assert.ok(samples.length > 0);
  });

  for (const sample of samples) {
    it(`shows in ${sample.file} exactly what ${sample.source} holds`, () => {
      assert.equal(`${sample.body}\n`, fs.readFileSync(path.join(REPO_ROOT, sample.source), "utf8"));
    });
  }
});
