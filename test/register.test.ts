import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import { tempDir } from "./support/temp";

const REGISTER = path.join(REPO_ROOT, "scripts", "register.js");
// The loader this process runs under (.mocharc.yml): requiring it again returns the loaded module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheEntryFile } = require(REGISTER) as { cacheEntryFile: (fileName: string, code: string) => string };

/** Runs `file` through the project's TypeScript loader in a process of its own; returns stderr. */
function run(file: string): string {
  const result = spawnSync(process.execPath, ["-r", REGISTER, file], { encoding: "utf8" });
  assert.equal(result.status, 1, result.stderr);
  return result.stderr;
}

describe("the TypeScript loader's transpile cache (scripts/register.js)", () => {
  const token = `register-test-${randomUUID()}`;
  const source = (extraLines: number) =>
    `${"\n".repeat(extraLines)}interface Unused { a: string }\nexport function boom(): never {\n  throw new Error("${token}");\n}\nboom();\n`;
  after(() => {
    for (const lines of [0, 2]) fs.rmSync(cacheEntryFile("boom.ts", source(lines)), { force: true });
  });

  it("GIVEN a file loaded once WHEN the same text loads at another path THEN it comes from the cache, with that path's TypeScript positions, and is marked as used", () => {
    const first = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(first, source(0));
    assert.match(run(first), new RegExp(`at boom \\(${first}:3:9\\)`));

    const entry = cacheEntryFile(first, source(0));
    assert.ok(fs.readFileSync(entry, "utf8").includes(token), "the transpiled file is cached under its text");
    fs.writeFileSync(entry, fs.readFileSync(entry, "utf8").replace(token, `${token}-served-from-cache`));
    // Marked as used long ago: serving it must mark it again, or the cache's pruning would drop it first.
    const longAgo = new Date(Date.UTC(2020, 0, 1));
    fs.utimesSync(entry, longAgo, longAgo);

    const second = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(second, source(0));
    const stderr = run(second);
    assert.match(stderr, new RegExp(`Error: ${token}-served-from-cache`));
    assert.match(stderr, new RegExp(`at boom \\(${second}:3:9\\)`));
    assert.ok(fs.statSync(entry).mtimeMs > longAgo.getTime(), "serving the entry marked it as used");
  });

  it("GIVEN a cached file WHEN its text changes THEN it is transpiled afresh", () => {
    const file = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(file, source(2));
    const stderr = run(file);
    assert.match(stderr, new RegExp(`Error: ${token}\\n`));
    assert.match(stderr, new RegExp(`at boom \\(${file}:5:9\\)`));
  });
});

describe("the transpile cache's size (scripts/ts-cache.js)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prune } = require(path.join(REPO_ROOT, "scripts", "ts-cache.js")) as {
    prune: (options: { dir: string; maxBytes: number; keepBytes: number }) => { removed: number; bytes: number };
  };

  /** Five entries of 100 bytes, entry 0 used longest ago. */
  function cacheOfFive(): string {
    const dir = tempDir("ts-cache");
    for (let i = 0; i < 5; i++) {
      const file = path.join(dir, `${i}.json`);
      fs.writeFileSync(file, "x".repeat(100));
      const used = new Date(Date.UTC(2026, 0, 1 + i));
      fs.utimesSync(file, used, used);
    }
    return dir;
  }

  it("GIVEN a cache at its limit WHEN pruned THEN nothing is removed", () => {
    const dir = cacheOfFive();
    assert.deepEqual(prune({ dir, maxBytes: 500, keepBytes: 200 }), { removed: 0, bytes: 500 });
    assert.equal(fs.readdirSync(dir).length, 5);
  });

  it("GIVEN a cache one byte over its limit WHEN pruned THEN the least recently used entries go until it is down to keepBytes", () => {
    const dir = cacheOfFive();
    assert.deepEqual(prune({ dir, maxBytes: 499, keepBytes: 200 }), { removed: 3, bytes: 200 });
    assert.deepEqual(fs.readdirSync(dir).sort(), ["3.json", "4.json"]);
  });
});
