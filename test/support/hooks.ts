import { installTestEngine, testEngine } from "./engine";
import { isolateTmpdir, leftovers, removeTempDirs } from "./temp";

// Set when mocha loads this file, before any test file runs its describe bodies.
const runTmpdir = isolateTmpdir();

/**
 * Mocha root hooks: install the mock engine once, clear what it recorded before each test, and fail
 * the run when a test left a temporary file or directory behind.
 */
export const mochaHooks = {
  beforeAll(): void {
    installTestEngine();
  },
  beforeEach(): void {
    testEngine().reset();
  },
  async afterAll(): Promise<void> {
    removeTempDirs();
    const left = await leftovers(runTmpdir);
    if (left.length > 0) {
      throw new Error(
        `the tests left ${left.length} temporary entries behind (each test removes what it creates): ${left.join(", ")}`,
      );
    }
  },
};
