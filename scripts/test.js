#!/usr/bin/env node
"use strict";
/*
 * `npm test`: the type check, ESLint, Prettier and mocha, started together rather than one after the
 * other: on 2 cores, mocha's workers and the static checks share the CPU instead of waiting for
 * each other. Each one's output is held back and printed whole when it ends, so the log reads as if
 * they had run in turn.
 *
 * The type check (`tsc --build`), ESLint and Prettier keep caches in the git-ignored `.cache/`: with nothing
 * changed they take a second or two, and a clean checkout (CI) builds them from scratch. ESLint's cache
 * is per file, and a type-aware rule can change its verdict on an unchanged file when a file it imports
 * changes: `npm run test:clean` (and every CI run) lints from scratch.
 *
 * `--timings <file>` writes each step's wall time as JSON, for `npm run bench -- --suite`.
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const tsCache = require("./ts-cache");
const testOrder = require("./test-order");

const root = path.join(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const colour = process.stdout.isTTY && !process.env.NO_COLOR;

const steps = [
  { name: "typecheck", command: bin("tsc"), args: ["--build", ...(colour ? ["--pretty"] : [])] },
  {
    name: "eslint",
    command: bin("eslint"),
    args: ["--cache", "--cache-strategy", "content", "--cache-location", ".cache/eslint/", "."],
  },
  {
    name: "prettier",
    command: bin("prettier"),
    args: ["--check", "--log-level", "warn", "--cache", "--cache-location", ".cache/prettier", "."],
  },
  // One worker per core: the main mocha process only collects results. Each test file runs whole in
  // one worker, so the root hook (test/support/hooks.ts) installs the mock engine once per worker.
  // The files go out slowest first (scripts/test-order.js), and each one's time is recorded for the next run.
  {
    name: "mocha",
    command: bin("mocha"),
    args: [
      "--parallel",
      "--jobs",
      String(Math.max(2, os.cpus().length)),
      ...testOrder.slowestFirst(testOrder.testFiles(), testOrder.lastDurations()),
    ],
    env: { TEST_DURATIONS_FILE: testOrder.durationsFile },
  },
];

function run(step) {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(step.command, step.args, {
      cwd: root,
      env: { ...process.env, ...(colour ? { FORCE_COLOR: "1" } : {}), ...step.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    let finished = false;
    const done = (code, error) => {
      // A child that fails to start reports "error" and may report "close" after it.
      if (finished) return;
      finished = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const text = Buffer.concat(output).toString("utf8") + (error ? `${error.message}\n` : "");
      if (text.trim()) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      process.stdout.write(
        `${step.name.padEnd(10)} ${code === 0 ? "ok    " : "FAILED"} ${seconds.toFixed(1).padStart(6)} s\n`,
      );
      resolve({ name: step.name, ok: code === 0, seconds });
    };
    child.on("error", (error) => done(-1, error));
    child.on("close", (code) => done(code));
  });
}

async function main() {
  const started = process.hrtime.bigint();
  fs.mkdirSync(path.dirname(testOrder.durationsFile), { recursive: true });
  const results = await Promise.all(steps.map(run));
  testOrder.compact();
  // Once every process that reads the transpile cache has ended, so that no entry goes while one is
  // read, and the entries this run used count as the newest (scripts/ts-cache.js).
  tsCache.prune();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  process.stdout.write(
    failed.length ? `npm test: ${failed.join(", ")} failed\n` : `npm test: all passed in ${seconds.toFixed(1)} s\n`,
  );
  const timings = process.argv.indexOf("--timings");
  if (timings > 0) fs.writeFileSync(process.argv[timings + 1], JSON.stringify({ seconds, steps: results }, null, 2));
  process.exitCode = failed.length ? 1 : 0;
}

void main();
