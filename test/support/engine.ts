import { MockEngine } from "../../automation/synth/mock-engine";
import { offlineEngine, synthesize, SynthArgs, SynthResult } from "../../automation/synth/synth";

let engine: MockEngine | undefined;

/** Called once by the root hook: `setMocks` is process-global, so one engine owns it. */
export function installTestEngine(): MockEngine {
  engine ??= offlineEngine();
  return engine;
}

export function testEngine(): MockEngine {
  if (!engine) throw new Error("the mock engine is installed by test/support/hooks.ts; run tests through mocha");
  return engine;
}

/** Synthesizes with the shared test engine. */
export function synth(args: Omit<SynthArgs, "engine">): Promise<SynthResult> {
  return synthesize({ ...args, engine: testEngine() });
}
