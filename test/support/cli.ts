import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { main } from "../../automation/cli";
import { REPO_ROOT } from "../../automation/synth/synth";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process, capturing what it writes; `env` is applied for the duration. */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const saved = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
    env: { ...process.env },
    exitCode: process.exitCode,
  };
  let stdout = "";
  let stderr = "";
  process.stdout.write = (chunk: string | Uint8Array) => ((stdout += chunk.toString()), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += chunk.toString()), true);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    restoreEnv(saved.env);
    process.exitCode = saved.exitCode;
  }
}

/**
 * Puts the environment back in place. Assigning `process.env` a copy would detach it from the real
 * environment, which `os.tmpdir()` and other native readers still see.
 */
function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) if (process.env[key] !== value) process.env[key] = value;
}

/** Runs the installed bin (`gitops-platform`) as a separate process, as a user or CI would. */
export function spawnCli(argv: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const bin = path.join(opts.cwd ?? REPO_ROOT, "automation", "bin.js");
  const result = spawnSync(process.execPath, [bin, ...argv], {
    cwd: opts.cwd ?? REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
