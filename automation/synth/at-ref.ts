import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError, truncated } from "../../config";
import { configFileOf, Environment, Layer, stackIdentity } from "../../stack";
import { exportCommit, resolveCommit } from "../commit-tree";
import { SynthResult } from "./synth";

/**
 * Synthesizes another commit of this repository: its tree is exported with `git archive` into a
 * temporary directory that borrows this checkout's node_modules, and that commit's own CLI runs
 * `synth --json` there. Nothing in this checkout is touched.
 */
export function synthesizeAtRef(rootDir: string, ref: string, env: Environment, layers: readonly Layer[]): SynthResult {
  const commit = resolveCommit(rootDir, ref, "synth --diff");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-synth-"));
  try {
    exportCommit(rootDir, commit, dir);
    fs.symlinkSync(path.join(rootDir, "node_modules"), path.join(dir, "node_modules"), "dir");
    // An environment the pull request adds has nothing at the base: everything it declares is new.
    if (!fs.existsSync(path.join(dir, configFileOf(env)))) {
      return {
        env,
        stacks: layers.map((layer) => ({ layer, stack: stackIdentity(layer, env).name, resources: [], outputs: {} })),
      };
    }
    const cli = path.join(dir, "automation", "cli.ts");
    if (!fs.existsSync(cli))
      throw new InputError(`synth --diff: ${ref} has no automation/cli.ts; expected a commit that has synth`);
    // That commit's own loader, when it has one (the transpile cache in the node_modules both share).
    const register = path.join(dir, "scripts", "register.js");
    const args = [
      "-r",
      fs.existsSync(register) ? register : "ts-node/register",
      cli,
      "synth",
      "--env",
      env,
      "--json",
      ...(layers.length === 1 ? ["--layer", layers[0]] : []),
    ];
    const run = spawnSync(process.execPath, args, {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: "1" },
    });
    if (run.status === 2) {
      // That commit's own config or catalog is bad input: exit 2 here too, with its message.
      const reason = run.stderr.split("\n").find((line) => line.startsWith("error: ")) ?? run.stderr.trim();
      throw new InputError(`synth --diff: ${ref} (${commit.slice(0, 12)}) cannot be synthesized: ${truncated(reason)}`);
    }
    if (run.status !== 0) {
      throw new Error(
        `synth of ${ref} (${commit.slice(0, 12)}) failed with exit code ${run.status}:\n${run.stderr.trim()}`,
      );
    }
    return JSON.parse(run.stdout) as SynthResult;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
