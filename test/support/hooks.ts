import { installTestEngine, testEngine } from "./engine";

/** Mocha root hooks: install the mock engine once, and clear what it recorded before each test. */
export const mochaHooks = {
  beforeAll(): void {
    installTestEngine();
  },
  beforeEach(): void {
    testEngine().reset();
  },
};
