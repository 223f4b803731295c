/**
 * Mocha root hooks: install the mock engine once, and clear what it recorded before each test.
 * With --parallel, mocha's main process also loads this file, to find the hooks, but runs no test:
 * the engine (and the Pulumi SDK with it) is loaded only in the processes that run tests.
 */
let engine: Promise<typeof import("./engine")> | undefined;
const loadEngine = () => (engine ??= import("./engine"));

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    (await loadEngine()).installTestEngine();
  },
  async beforeEach(): Promise<void> {
    (await loadEngine()).testEngine().reset();
  },
};
