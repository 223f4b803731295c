import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../automation/synth/synth";
import { tempDir } from "./support/temp";

const REGISTER = path.join(REPO_ROOT, "scripts", "register.js");
const CACHE = path.join(REPO_ROOT, "node_modules", ".cache", "gitops-platform-ts");

/** Runs `file` through the project's TypeScript loader (and `loaders` after it) in a process of its own; returns stderr. */
function run(file: string, ...loaders: string[]): string {
  const preload = [REGISTER, ...loaders].flatMap((loader) => ["-r", loader]);
  const result = spawnSync(process.execPath, [...preload, file], { encoding: "utf8" });
  assert.equal(result.status, 1, result.stderr);
  return result.stderr;
}

function cacheEntriesHolding(token: string): string[] {
  if (!fs.existsSync(CACHE)) return [];
  return fs
    .readdirSync(CACHE)
    .map((name) => path.join(CACHE, name))
    .filter((file) => fs.readFileSync(file, "utf8").includes(token));
}

describe("the TypeScript loader's transpile cache (scripts/register.js)", () => {
  const token = `register-test-${randomUUID()}`;
  const source = (extraLines: number) =>
    `${"\n".repeat(extraLines)}interface Unused { a: string }\nexport function boom(): never {\n  throw new Error("${token}");\n}\nboom();\n`;
  after(() => {
    for (const file of cacheEntriesHolding(token)) fs.rmSync(file);
  });

  it("GIVEN a file loaded once WHEN the same text loads at another path THEN it comes from the cache, with that path's TypeScript positions", () => {
    const first = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(first, source(0));
    assert.match(run(first), new RegExp(`at boom \\(${first}:3:9\\)`));

    const [entry] = cacheEntriesHolding(token);
    assert.ok(entry, "the transpiled file is cached");
    fs.writeFileSync(entry, fs.readFileSync(entry, "utf8").replace(token, `${token}-served-from-cache`));

    const second = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(second, source(0));
    const stderr = run(second);
    assert.match(stderr, new RegExp(`Error: ${token}-served-from-cache`));
    assert.match(stderr, new RegExp(`at boom \\(${second}:3:9\\)`));
  });

  it("GIVEN a cached file WHEN its text changes THEN it is transpiled afresh", () => {
    const file = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(file, source(2));
    const stderr = run(file);
    assert.match(stderr, new RegExp(`Error: ${token}\\n`));
    assert.match(stderr, new RegExp(`at boom \\(${file}:5:9\\)`));
  });

  it("GIVEN the loader of a copy of the project loads after this one's WHEN a file loads THEN it is transpiled once", () => {
    // What Stryker's test-runner processes do: the plugin loads the project's loader, .mocharc.yml the sandbox's.
    const copy = tempDir("register-copy");
    fs.mkdirSync(path.join(copy, "scripts"));
    fs.copyFileSync(REGISTER, path.join(copy, "scripts", "register.js"));
    fs.copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(copy, "tsconfig.json"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
    const file = path.join(tempDir("register"), "boom.ts");
    fs.writeFileSync(file, source(4).replace(token, `${token}-copy`));

    const stderr = run(file, path.join(copy, "scripts", "register.js"));
    assert.match(stderr, new RegExp(`at boom \\(${file}:7:9\\)`));
    assert.equal(
      cacheEntriesHolding(`${token}-copy`).length,
      1,
      "one transpiled text, not its output transpiled again",
    );
  });
});
