import { ControlPlane, startControlPlane } from "./control-plane";
import { KubeApi } from "./kube-api";

/**
 * Root hooks of the e2e tier: one control plane for the whole run (envtest's model), started
 * before the first test and always stopped, even when a test fails. Suites reach it through
 * `controlPlane()` and never know its ports or paths.
 */

let current: { plane: ControlPlane; api: KubeApi } | undefined;

export function controlPlane(): { plane: ControlPlane; api: KubeApi } {
  if (!current) throw new Error("the control plane is not running: the e2e root hook starts it");
  return current;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    const plane = await startControlPlane();
    current = { plane, api: new KubeApi(plane.server, plane.token, plane.caFile) };
    process.stderr.write(`control plane ready in ${(plane.startupMs / 1000).toFixed(1)} s at ${plane.server}\n`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await current?.plane.stop();
    current = undefined;
  },
};
