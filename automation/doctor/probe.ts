import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * What the checks of `doctor` and of the commands' preflight look at: the environment variables,
 * the home directory, the project, and the programs on PATH, run with a timeout. Nothing here
 * writes anything.
 */
export interface CheckContext {
  readonly rootDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** The path of `program` on PATH, or undefined. */
  readonly which: (program: string) => string | undefined;
  /** Runs a program; a program that cannot start or outlives the timeout reports a non-zero code. */
  readonly run: (file: string, args: readonly string[], options?: { timeoutMs?: number }) => Promise<RunResult>;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Finds executables the way a shell does: each directory of `searchPath`, in order. */
export function pathLookup(searchPath: string | undefined): (program: string) => string | undefined {
  const dirs = (searchPath ?? "").split(path.delimiter).filter(Boolean);
  return (program) =>
    dirs
      .map((dir) => path.join(dir, program))
      .find((file) => {
        try {
          fs.accessSync(file, fs.constants.X_OK);
          return fs.statSync(file).isFile();
        } catch {
          return false;
        }
      });
}

export function runProgram(env: NodeJS.ProcessEnv): CheckContext["run"] {
  return (file, args, options = {}) =>
    new Promise((resolve) => {
      execFile(
        file,
        [...args],
        // Never wait for a prompt (git credentials), and never wait forever (a proxy that swallows packets).
        {
          env: { ...env, GIT_TERMINAL_PROMPT: "0" },
          timeout: options.timeoutMs ?? 15_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          const why = err && typeof err.code !== "number" ? (err.killed ? "timed out" : err.message) : "";
          resolve({ code, stdout, stderr: stderr || why });
        },
      );
    });
}

/** The checks as the CLI runs them: this process's environment and PATH. */
export function processCheckContext(rootDir: string, env: NodeJS.ProcessEnv = process.env): CheckContext {
  return { rootDir, env, home: os.homedir(), which: pathLookup(env.PATH), run: runProgram(env) };
}
