import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import { tempDir } from "./support/temp";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const order = require(path.join(REPO_ROOT, "scripts", "test-order.js")) as {
  compact: (file: string) => void;
  lastDurations: (file: string) => Map<string, number>;
  slowestFirst: (files: readonly string[], durations: Map<string, number>) => string[];
  testFiles: () => string[];
};

describe("npm test's file order (scripts/test-order.js)", () => {
  it("GIVEN last run's durations WHEN ordering THEN files never timed come first, then the slowest, ties in name order", () => {
    const durations = new Map([
      ["test/a.test.ts", 1],
      ["test/b.test.ts", 9],
      ["test/c.test.ts", 1],
    ]);
    assert.deepEqual(
      order.slowestFirst(["test/a.test.ts", "test/b.test.ts", "test/c.test.ts", "test/new.test.ts"], durations),
      ["test/new.test.ts", "test/b.test.ts", "test/a.test.ts", "test/c.test.ts"],
    );
  });

  it("GIVEN a record with repeated files and a line cut short WHEN read THEN each file has its last duration", () => {
    const file = path.join(tempDir("test-order"), "durations.jsonl");
    fs.writeFileSync(
      file,
      '{"file":"test/a.test.ts","seconds":3}\n{"file":"test/b.test.ts","seconds":2}\n{"file":"test/a.test.ts","seconds":5}\n{"file":"test/c.te',
    );
    assert.deepEqual(
      [...order.lastDurations(file)],
      [
        ["test/a.test.ts", 5],
        ["test/b.test.ts", 2],
      ],
    );
    order.compact(file);
    assert.equal(
      fs.readFileSync(file, "utf8"),
      '{"file":"test/a.test.ts","seconds":5}\n{"file":"test/b.test.ts","seconds":2}\n',
    );
  });

  it("GIVEN no record yet WHEN read THEN no file has a duration", () => {
    assert.equal(order.lastDurations(path.join(tempDir("test-order"), "missing.jsonl")).size, 0);
  });

  it("runs every test file of the project, this one and those in subdirectories among them", () => {
    const files = order.testFiles();
    assert.ok(files.includes(path.join("test", "test-order.test.ts")), files.join(", "));
    assert.ok(files.includes(path.join("test", "infra", "config.test.ts")), files.join(", "));
    assert.ok(
      files.every((file) => file.endsWith(".test.ts")),
      files.join(", "),
    );
  });
});
