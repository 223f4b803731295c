import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";

/**
 * Compares generated text with `test/golden/<name>`. With UPDATE_GOLDEN=1 the file is rewritten
 * instead: review the diff before committing it.
 */
export function assertGolden(name: string, actual: string): void {
  const file = path.join(REPO_ROOT, "test", "golden", name);
  if (process.env.UPDATE_GOLDEN === "1") {
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${name} is missing: run the test with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, fs.readFileSync(file, "utf8"), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}
