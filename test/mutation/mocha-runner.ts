import * as fs from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";
import { InstrumenterContext, INSTRUMENTER_CONSTANTS, StrykerOptions } from "@stryker-mutator/api/core";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import {
  determineHitLimitReached,
  DryRunOptions,
  DryRunResult,
  DryRunStatus,
  MutantRunOptions,
  MutantRunResult,
  TestResult,
  TestRunner,
  TestRunnerCapabilities,
  TestStatus,
  toMutantRunResult,
} from "@stryker-mutator/api/test-runner";
import { parse } from "yaml";

/**
 * A Stryker test runner on mocha 12's programmatic API, in Stryker's test-runner processes. Stryker 9's
 * own mocha runner requires mocha < 12 (it loads `mocha/lib/cli/run-helpers`, which mocha 12 renamed
 * to `.cjs`), and Stryker 10 needs Node 22. The project's `.mocharc.yml` gives the required modules
 * (the root hooks) and the timeout; the option `mocha12.spec` gives the test files. They load once per
 * process and Stryker switches mutants at run time through `__stryker__.activeMutant`; a mutant of
 * code that runs while a module loads (a "static" one) is activated by loading the project afresh.
 */
export class Mocha12TestRunner implements TestRunner {
  static readonly inject = tokens(commonTokens.options);

  private readonly context: InstrumenterContext;
  private readonly systemTmpdir = process.env.TMPDIR;
  /** Loaded before any test (the TypeScript loader, this plugin): never loaded afresh. */
  private readonly resident = new Set(Object.keys(require.cache));
  private mocharc: Mocharc | undefined;
  private mocha: Mocha | undefined;
  /** Set during a perTest dry run: whose hits the instrumented code counts from now on. */
  private recordTest: ((id: string | undefined) => void) | undefined;

  constructor(private readonly options: StrykerOptions) {
    const global = globalThis as unknown as Record<string, InstrumenterContext | undefined>;
    this.context = global[INSTRUMENTER_CONSTANTS.NAMESPACE] ??= {};
  }

  capabilities(): TestRunnerCapabilities {
    return { reloadEnvironment: true };
  }

  init(): Promise<void> {
    this.mocharc = readMocharc(path.resolve(".mocharc.yml"));
    return Promise.resolve();
  }

  async dryRun(options: DryRunOptions): Promise<DryRunResult> {
    if (options.coverageAnalysis === "perTest") this.recordTest = (id) => (this.context.currentTestId = id);
    try {
      const result = await this.run(options.disableBail, undefined, { reload: false, staticMutant: undefined });
      const coverage = this.context.mutantCoverage;
      if (result.status !== DryRunStatus.Complete || options.coverageAnalysis === "off" || !coverage) return result;
      if (options.coverageAnalysis === "perTest") creditSuiteHooks(coverage.perTest, this.loaded().suite);
      return { ...result, mutantCoverage: coverage };
    } finally {
      this.recordTest = undefined;
    }
  }

  async mutantRun(options: MutantRunOptions): Promise<MutantRunResult> {
    const mutant = options.activeMutant.id;
    this.context.hitLimit = options.hitLimit;
    this.context.hitCount = options.hitLimit ? 0 : undefined;
    const result = await this.run(options.disableBail, mutant, {
      reload: options.reloadEnvironment || ownOptions(this.options).reloadEachMutant === true,
      staticMutant: options.mutantActivation === "static" ? mutant : undefined,
      grep: options.testFilter && new RegExp(options.testFilter.map((id) => `(^${escapeRegExp(id)}$)`).join("|")),
    });
    return toMutantRunResult(result);
  }

  dispose(): Promise<void> {
    try {
      this.mocha?.dispose();
    } catch (err) {
      // Stryker disposes a runner whose mutant timed out (an endless loop) while mocha still runs it.
      if ((err as { code?: string }).code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") throw err;
    }
    return Promise.resolve();
  }

  /**
   * Loads the root hooks and the test files, and with them the code under test. A static mutant is
   * active while they load; to load another, every module of the project is evaluated afresh (the
   * packages under node_modules stay loaded, which makes this far cheaper than a new process).
   */
  private async load(staticMutant: string | undefined): Promise<void> {
    const rc = this.mocharc;
    if (!rc) throw new Error("the mocha 12 test runner was used before init()");
    if (this.mocha) {
      this.mocha.dispose();
      forgetProjectModules(process.cwd(), this.resident);
      // The root hooks file makes the run's TMPDIR when it loads: from the system's again, not inside the last one.
      if (this.systemTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = this.systemTmpdir;
    }
    this.context.activeMutant = staticMutant;
    let rootHooks: Mocha.RootHookObject = {};
    for (const module of rc.require) {
      // As mocha does: a path in the project (the root hooks file) or else a package.
      const local = path.resolve(module);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads what .mocharc.yml names, at run time
      const loaded = require(fs.existsSync(local) ? local : module) as { mochaHooks?: Mocha.RootHookObject };
      if (loaded.mochaHooks) rootHooks = { ...rootHooks, ...loaded.mochaHooks };
    }
    const track: Track = (id) => this.recordTest?.(id);
    const mocha = new Mocha({ reporter: Recorder, reporterOptions: { track }, timeout: rc.timeout, rootHooks });
    mocha.cleanReferencesAfterRun(false);
    for (const file of ownOptions(this.options).spec) mocha.addFile(path.resolve(file));
    this.mocha = mocha;
    await mocha.loadFilesAsync();
  }

  private async run(
    disableBail: boolean,
    activeMutant: string | undefined,
    how: { readonly reload: boolean; readonly staticMutant: string | undefined; readonly grep?: RegExp },
  ): Promise<DryRunResult> {
    try {
      // Inside the try: a static mutant that breaks loading is a failed run, as a failed test is.
      if (how.reload || !this.mocha) await this.load(how.staticMutant);
      const mocha = this.loaded();
      mocha.grep(how.grep ?? /.*/);
      setBail(mocha.suite, !disableBail);
      this.context.activeMutant = activeMutant;
      // The root hooks remove the run's TMPDIR after the suite (test/support/temp.ts); here it runs once per mutant.
      const tmpdir = process.env.TMPDIR;
      if (tmpdir !== undefined && tmpdir !== this.systemTmpdir) fs.mkdirSync(tmpdir, { recursive: true });
      Recorder.forget();
      await new Promise<void>((resolve) => mocha.run(() => resolve()));
      const timedOut = determineHitLimitReached(this.context.hitCount, this.context.hitLimit);
      if (timedOut) return timedOut;
      const recorder = Recorder.current();
      if (!recorder) return { status: DryRunStatus.Error, errorMessage: "mocha ran without the Stryker reporter" };
      return { status: DryRunStatus.Complete, tests: recorder.tests };
    } catch (err) {
      return {
        status: DryRunStatus.Error,
        errorMessage: err instanceof Error ? (err.stack ?? err.message) : String(err),
      };
    }
  }

  private loaded(): Mocha {
    if (!this.mocha) throw new Error("the mocha 12 test runner ran before loading the tests");
    return this.mocha;
  }
}

/** The mocha reporter that hands each test's outcome to Stryker. */
class Recorder extends Mocha.reporters.Base {
  private static last: Recorder | undefined;
  readonly tests: TestResult[] = [];
  private started = process.hrtime.bigint();

  /** Forgets the last run's recorder; the next `mocha.run` constructs its own. */
  static forget(): void {
    Recorder.last = undefined;
  }

  static current(): Recorder | undefined {
    return Recorder.last;
  }

  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    Recorder.last = this;
    // perTest coverage: hits count for the test that runs, from its beforeEach hooks on; hits in a
    // suite's before/after hooks count for the suite, and creditSuiteHooks hands them to its tests.
    const track = (options?.reporterOptions as { track?: Track } | undefined)?.track ?? (() => undefined);
    const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_BEGIN } = Mocha.Runner.constants;
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => track(suite.root ? undefined : suiteId(suite)));
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => track(suite.root ? undefined : suiteId(suite)));
    runner.on(EVENT_TEST_BEGIN, (test: Mocha.Test) => track(test.fullTitle()));
    runner.on(Mocha.Runner.constants.EVENT_TEST_BEGIN, () => (this.started = process.hrtime.bigint()));
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      const title = test.fullTitle();
      this.tests.push({
        id: title,
        name: title,
        status: TestStatus.Success,
        timeSpentMs: this.elapsedMs(),
        fileName: test.file,
      });
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Test, err: Error) => {
      // A failing hook reports the hook; the test it ran for is the one Stryker knows.
      const title = test.ctx?.currentTest?.fullTitle() ?? test.fullTitle();
      this.tests.push({
        id: title,
        name: title,
        status: TestStatus.Failed,
        failureMessage: err.message || err.stack || "(no failure message)",
        timeSpentMs: this.elapsedMs(),
      });
    });
  }

  private elapsedMs(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e6;
  }
}

interface Mocharc {
  readonly require: readonly string[];
  readonly timeout: number;
}

function readMocharc(file: string): Mocharc {
  const rc = parse(fs.readFileSync(file, "utf8")) as { require?: string[]; timeout?: number };
  return { require: rc.require ?? [], timeout: rc.timeout ?? 2000 };
}

type Track = (id: string | undefined) => void;

const suiteId = (suite: Mocha.Suite): string => `\u0000suite\u0000${suite.fullTitle()}`;

/** Hands the hits of each suite's hooks to every test of that suite (a filtered run still runs its hooks). */
function creditSuiteHooks(perTest: Record<string, Record<string, number>>, suite: Mocha.Suite): void {
  for (const child of suite.suites) creditSuiteHooks(perTest, child);
  if (suite.root) return;
  const hits = perTest[suiteId(suite)];
  if (!hits) return;
  delete perTest[suiteId(suite)];
  const credit = (s: Mocha.Suite): void => {
    for (const test of s.tests) {
      const own = (perTest[test.fullTitle()] ??= {});
      for (const [mutant, count] of Object.entries(hits)) own[mutant] = (own[mutant] ?? 0) + count;
    }
    s.suites.forEach(credit);
  };
  credit(suite);
}

/** Drops the project's own modules (not its packages, nor `resident`) from the require cache, so they load afresh. */
function forgetProjectModules(root: string, resident: ReadonlySet<string>): void {
  const packages = `${path.sep}node_modules${path.sep}`;
  for (const file of Object.keys(require.cache))
    if (file.startsWith(`${root}${path.sep}`) && !file.includes(packages) && !resident.has(file))
      delete require.cache[file];
}

function setBail(suite: Mocha.Suite, bail: boolean): void {
  suite.bail(bail);
  for (const child of suite.suites) setBail(child, bail);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The runner's option: `mocha12.spec`, the test files to load. Not Stryker's `testFiles`: with it,
 * Stryker 9.6 runs a static mutant with those file names as its test filter and without activating
 * the mutant while the modules load, so no static mutant can ever be killed.
 */
export const strykerValidationSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Mocha12TestRunnerOptions",
  type: "object",
  properties: {
    mocha12: {
      type: "object",
      properties: {
        spec: { type: "array", items: { type: "string" }, minItems: 1 },
        /**
         * Load the modules afresh for every mutant, for code that keeps state between calls (a memo
         * cache would answer from a run without the mutant, hiding it).
         */
        reloadEachMutant: { type: "boolean" },
      },
      required: ["spec"],
      additionalProperties: false,
    },
  },
};

interface OwnOptions {
  readonly spec: readonly string[];
  readonly reloadEachMutant?: boolean;
}

function ownOptions(options: StrykerOptions): OwnOptions {
  const own = (options as { mocha12?: OwnOptions }).mocha12;
  if (!own?.spec) throw new Error("the mocha12 test runner needs the test files in the option mocha12.spec");
  return own;
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "mocha12", Mocha12TestRunner)];
