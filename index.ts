import * as pulumi from "@pulumi/pulumi";
import { assertKnownConfigKeys, CONFIG_NAMESPACE, InputError } from "./config";
import { loadFleet } from "./environments";
import { gitopsProgram } from "./gitops";
import { infraProgram } from "./infra";
import { platformProgram } from "./platform";
import { Layer, selectStack, StackIdentity } from "./stack";

/** The Pulumi entry point: picks the layer from the stack name, nothing else. */
const programs: Record<Layer, (stack: StackIdentity) => object | Promise<object>> = {
  infra: infraProgram,
  platform: platformProgram,
  gitops: gitopsProgram,
};

// The language host awaits an exported promise: the platform layer reads its own previous run first.
async function main(): Promise<object> {
  try {
    const stack = selectStack(pulumi.getStack(), new pulumi.Config(CONFIG_NAMESPACE).get("environment"));
    assertKnownConfigKeys(Object.keys(pulumi.runtime.allConfig()), stack.configFile);
    // The fleet as a whole (promotion order, one cluster and state repo each) before anything is declared.
    loadFleet();
    return await programs[stack.layer](stack);
  } catch (err) {
    // A RunError is printed by the CLI as its message alone: bad input deserves no stack trace.
    throw err instanceof InputError ? new pulumi.RunError(err.message) : err;
  }
}

export = main();
