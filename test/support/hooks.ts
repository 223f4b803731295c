import * as fs from "node:fs";
import * as path from "node:path";
import { leftovers, removeTempDirs, runTmpdir } from "./temp";

// Set when mocha loads this file, before any test file runs its describe bodies. With --parallel the
// main process loads it first and its workers, started later, share the directory it made.
const tmpdir = runTmpdir();

/**
 * Mocha root hooks: install the mock engine once per process that runs tests, clear what it recorded
 * before each test, and remove the temporary directories a file asked for. With --parallel, mocha's
 * main process also loads this file, to find the hooks, but runs no test: the engine (and the Pulumi
 * SDK with it) is loaded only in the processes that run tests. Root hooks run around each file there.
 */
let engine: Promise<typeof import("./engine")> | undefined;
const loadEngine = () => (engine ??= import("./engine"));

let fileStarted = 0;

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    fileStarted = performance.now();
    (await loadEngine()).installTestEngine();
  },
  async beforeEach(): Promise<void> {
    (await loadEngine()).testEngine().reset();
  },
  afterAll(this: Mocha.Context): void {
    removeTempDirs();
    recordDuration(this.test?.parent);
  },
};

/**
 * With TEST_DURATIONS_FILE set (npm test sets it), appends how long this file took, for the order of
 * the next run (scripts/test-order.js). Only where the root hooks run around one file: mocha's
 * parallel workers; a serial run has one root suite for every file.
 */
function recordDuration(root: Mocha.Suite | undefined): void {
  const target = process.env.TEST_DURATIONS_FILE;
  const files = new Set(root?.suites.map((suite) => suite.file));
  const [file] = files;
  if (!target || files.size !== 1 || !file) return;
  const seconds = Math.round(performance.now() - fileStarted) / 1000;
  fs.appendFileSync(target, `${JSON.stringify({ file: path.relative(process.cwd(), file), seconds })}\n`);
}

/**
 * Fails the run when a test left a temporary file or directory behind. A global fixture runs once, in
 * mocha's main process, after every file (in every worker) has finished.
 */
export async function mochaGlobalTeardown(): Promise<void> {
  const left = await leftovers(tmpdir);
  if (left.length > 0) {
    throw new Error(
      `the tests left ${left.length} temporary entries behind (each test removes what it creates): ${left.join(", ")}`,
    );
  }
}
