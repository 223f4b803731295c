import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { BIN_DIR } from "../tools/tools";
import { ControlPlane, startControlPlane } from "./control-plane";
import { KubeApi } from "./kube-api";
import { runningServers } from "./process";

/**
 * Root hooks of the e2e tier: one control plane for the whole run (envtest's model), started
 * before the first test and always stopped, even when a test fails. Suites reach it through
 * `controlPlane()` and never know its ports or paths.
 */

let current: { plane: ControlPlane; api: KubeApi } | undefined;
let tempBefore: Set<string>;

const TEMP_PREFIX = "gitops-e2e-";

function e2eTempDirs(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(TEMP_PREFIX)));
}

/** Processes running one of our binaries, as the system sees them (not only as this run tracked them). */
function strayProcesses(): string[] {
  try {
    return execFileSync("pgrep", ["-a", "-f", BIN_DIR], { encoding: "utf8" }).trim().split("\n");
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

export function controlPlane(): { plane: ControlPlane; api: KubeApi } {
  if (!current) throw new Error("the control plane is not running: the e2e root hook starts it");
  return current;
}

// The product's own kubectl calls (the platform's hand-off checks, cluster teardown) run `kubectl`
// from PATH: in this tier, the pinned client built by e2e:tools.
process.env.PATH = `${BIN_DIR}:${process.env.PATH ?? ""}`;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    tempBefore = e2eTempDirs();
    const plane = await startControlPlane();
    current = { plane, api: new KubeApi(plane.server, plane.token, plane.caFile) };
    process.stderr.write(`control plane ready in ${(plane.startupMs / 1000).toFixed(1)} s at ${plane.server}\n`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await current?.plane.stop();
    current = undefined;
    // A harness that leaks processes or temp dirs fails on a busy CI machine: fail the run here.
    const tracked = runningServers();
    const stray = strayProcesses();
    const leftDirs = [...e2eTempDirs()].filter((dir) => !tempBefore.has(dir));
    if (tracked.length || stray.length || leftDirs.length) {
      throw new Error(
        `the e2e run left behind: processes ${JSON.stringify([...tracked, ...stray])}, temp dirs ${JSON.stringify(leftDirs)}`,
      );
    }
  },
};
