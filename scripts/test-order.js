"use strict";
/*
 * The order npm test hands its test files to mocha's workers: the slowest first, as each file took
 * last time. Mocha's parallel runner gives the files out in the order it is given them; in name order
 * a slow file near the end (synth-diff, 14 s of CPU) runs alone while the other worker has nothing
 * left. Longest first, the last files to finish are short ones. Jest orders its test files the same
 * way. The durations live in the git-ignored .cache/; a file not timed yet goes first.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
/** Where the root hooks (test/support/hooks.ts) append `{"file","seconds"}` lines when TEST_DURATIONS_FILE names it. */
const durationsFile = path.join(root, ".cache", "test-durations.jsonl");

/** Every `test/**\/*.test.ts`, relative to the project, in name order. */
function testFiles(dir = path.join(root, "test")) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(full);
      return entry.name.endsWith(".test.ts") ? [path.relative(root, full)] : [];
    })
    .sort();
}

/** Each file's last recorded duration in seconds. */
function lastDurations(file = durationsFile) {
  const durations = new Map();
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return durations;
  }
  for (const line of text.split("\n")) {
    try {
      const { file: testFile, seconds } = JSON.parse(line);
      if (typeof testFile === "string" && typeof seconds === "number") durations.set(testFile, seconds);
    } catch {
      // A line cut short by a run that was stopped.
    }
  }
  return durations;
}

/** The files, the ones never timed first, then the slowest first; equal ones in name order. */
function slowestFirst(files, durations) {
  const seconds = (file) => durations.get(file) ?? Infinity;
  return [...files].sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b));
}

/** Keeps one line per file, so the record does not grow with every run. */
function compact(file = durationsFile) {
  const durations = lastDurations(file);
  if (durations.size === 0) return;
  const lines = [...durations].map(([testFile, seconds]) => JSON.stringify({ file: testFile, seconds }));
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
}

module.exports = { compact, durationsFile, lastDurations, slowestFirst, testFiles };
