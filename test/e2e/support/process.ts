import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { BIN_DIR } from "../tools/tools";

/**
 * One real server process of the e2e tier: started from .e2e/bin (or PATH for Debian's
 * redis-server), its output kept in a log file, always stopped. Every process started here is
 * also killed if the test run itself is interrupted (SIGINT, SIGTERM) or exits early.
 */

const running = new Set<ChildProcess>();

/** Server processes started here that have not exited yet: the root hook checks none is left. */
export function runningServers(): number[] {
  return [...running].map((child) => child.pid ?? -1);
}

function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

export class HarnessError extends Error {
  override name = "HarnessError";
}

export function binary(name: string): string {
  const file = path.join(BIN_DIR, name);
  if (!fs.existsSync(file)) {
    throw new HarnessError(`${name} is not built: ${file} is missing. Run \`npm run e2e:tools\` first (it needs Go).`);
  }
  return file;
}

/** A port the kernel says is free now. Another process may take it first; start() then reports it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcessArgs {
  /** Names the process in messages and its log file. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export class ServerProcess {
  readonly logFile: string;
  private readonly child: ChildProcess;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  constructor(readonly spec: ServerProcessArgs) {
    fs.mkdirSync(spec.logDir, { recursive: true });
    this.logFile = path.join(spec.logDir, `${spec.name}.log`);
    const out = fs.openSync(this.logFile, "w");
    this.child = spawn(spec.command, spec.args, {
      stdio: ["ignore", out, out],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
    });
    fs.closeSync(out);
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        running.delete(this.child);
        resolve();
      });
      this.child.once("error", (error) => {
        this.exit = { code: null, signal: null };
        fs.appendFileSync(this.logFile, `\n${error.message}\n`);
        running.delete(this.child);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the process is no longer running, or undefined while it runs. */
  get exitedWith(): string | undefined {
    if (!this.exit) return undefined;
    return this.exit.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  logTail(lines = 15): string {
    const text = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** SIGTERM, then SIGKILL after a grace period. Resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface PollArgs<T> {
  /** What is awaited, for the timeout message. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Returns the value once ready, or undefined with `last` describing the state seen. */
  readonly probe: () => Promise<{ readonly value?: T; readonly last: string }>;
  /** A process whose death ends the wait at once. */
  readonly process?: ServerProcess;
}

/** A bounded poll that reports the last state it saw. Never a bare sleep. */
export async function pollUntil<T>(args: PollArgs<T>): Promise<T> {
  const deadline = Date.now() + args.timeoutMs;
  let last = "nothing yet";
  for (;;) {
    const died = args.process?.exitedWith;
    if (died) {
      throw new HarnessError(
        `${args.what}: ${args.process?.spec.name} stopped (${died}). Last lines of ${args.process?.logFile}:\n${args.process?.logTail()}`,
      );
    }
    try {
      const result = await args.probe();
      if (result.value !== undefined) return result.value;
      last = result.last;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new HarnessError(`${args.what}: not done within ${args.timeoutMs / 1000} s; last seen: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, args.intervalMs ?? 200));
  }
}

/**
 * Servers started together: a throwaway work directory, a fresh log directory (logs survive stop),
 * and a stop that ends them in reverse start order and removes the work directory, even after a
 * failed start.
 */
export interface ProcessGroup {
  readonly workDir: string;
  readonly logDir: string;
  readonly processes: ServerProcess[];
  readonly stop: () => Promise<void>;
}

export function processGroup(tmpPrefix: string, logDir: string): ProcessGroup {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  fs.rmSync(logDir, { recursive: true, force: true });
  const processes: ServerProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...processes].reverse()) await p.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  return { workDir, logDir, processes, stop };
}
