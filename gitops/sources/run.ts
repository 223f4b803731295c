import { spawn, spawnSync } from "node:child_process";
import { InputError } from "../../config";

/** One renderer command: what it is called in errors, the binary, its arguments and its stdin. */
export interface Command {
  readonly what: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** A chart or kustomization can be large; a render that prints more than this is refused, not truncated. */
const MAX_OUTPUT = 256 * 1024 * 1024;

function failure(command: Command, code: number | null, stderr: string): InputError {
  // The renderer's own words (a template error names the template and line); at most a few lines.
  const reason = stderr.trim().split("\n").slice(0, 5).join("\n    ") || `exit code ${code}`;
  return new InputError(`${command.what} failed: ${reason}`);
}

export function runSync(command: Command): string {
  const result = spawnSync(command.file, command.args, {
    input: command.input ?? "",
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT,
    env: command.env ?? process.env,
  });
  if (result.error) throw new InputError(`${command.what} failed: ${result.error.message}`);
  if (result.status !== 0) throw failure(command, result.status, result.stderr);
  return result.stdout;
}

export function runAsync(command: Command): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, command.args, { env: command.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) child.kill("SIGKILL");
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.once("error", (error) => reject(new InputError(`${command.what} failed: ${error.message}`)));
    child.once("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(failure(command, code, Buffer.concat(err).toString("utf8")));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(command.input ?? "");
  });
}

/** Runs `work` over `items`, at most `limit` at a time; settles when every one has. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
  });
  await Promise.all(workers);
}
