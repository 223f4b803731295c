import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Temporary directories a test asked for, removed by `removeTempDirs` (each file's `after`, and the root hook). */
const created: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gitops-test-${prefix}-`));
  created.push(dir);
  return dir;
}

/** `text` with every temporary directory made by tempDir shown as `<dir>`, so messages compare exactly. */
export function withoutTempDir(text: string): string {
  const root = os.tmpdir().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`${root}/gitops-test-[a-z-]+-[A-Za-z0-9]{6}`, "g"), "<dir>");
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The process that made the run's temporary directory, so that only its own workers share it. */
const OWNER = "GITOPS_TEST_RUN_TMPDIR_OWNER";

/**
 * The run's own temporary directory: every `os.tmpdir()` of the test process and of the processes it
 * starts (git, the fake pulumi, the CLI's bin) lands in it, because Node and git read TMPDIR. Other
 * programs on the machine keep writing to the system one, so what is left here after the suite was
 * left by the suite. Mocha's --parallel workers are forked by the main process with its environment
 * (mocha's buffered-worker-pool): they share its directory rather than make one each, so that the
 * main process's global teardown sees what every worker left. Any other process (a mocha a test
 * starts) makes its own.
 */
export function runTmpdir(): string {
  if (process.env[OWNER] === String(process.ppid) && process.env.TMPDIR) return process.env.TMPDIR;
  const system = os.tmpdir();
  const dir = fs.mkdtempSync(path.join(system, "gitops-platform-test-run-"));
  // ts-node's compile cache (v8-compile-cache-lib) is meant to outlive a run: the CLI processes the
  // tests start keep using the one every other run uses, where that library puts it by default.
  const uid = typeof process.getuid === "function" ? `-${process.getuid()}` : "";
  process.env.V8_COMPILE_CACHE_CACHE_DIR ??= path.join(system, `v8-compile-cache${uid}`, process.versions.v8);
  process.env.TMPDIR = dir;
  process.env[OWNER] = String(process.pid);
  return dir;
}

/**
 * What the suite left in its temporary directory; removes the directory itself. The Automation API
 * removes its event-log directory with an `fs.rm` it does not await (automation/stack.js, cleanUp),
 * so removals still in flight are given a bounded moment to land before anything counts as left.
 */
export async function leftovers(dir: string, graceMs = 2_000): Promise<string[]> {
  const list = () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  const deadline = Date.now() + graceMs;
  while (list().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const entries = list();
  fs.rmSync(dir, { recursive: true, force: true });
  return entries;
}
