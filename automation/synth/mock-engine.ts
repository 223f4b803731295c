import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN_MARKER } from "../../config";
import { EnvironmentConfig, PROJECT_NAME, StackIdentity } from "../../stack";
import { normalizeValue, NormalizeOptions, refOf, ResourceRefs } from "./normalize";

/**
 * Runs a Pulumi program under Pulumi's own mock engine (`pulumi.runtime.setMocks`, the documented
 * unit-test route) and records every resource it declares: type, name, parent, inputs and the
 * resource options the SDK lets us observe. No cloud, no CLI, no credentials.
 *
 * The run is a preview (`dryRun`), so anything only the cloud would know (ids, ARNs, endpoints)
 * stays unknown and is shown as `[unknown]` rather than invented.
 */

/** Config as the CLI passes it to a program (`PULUMI_CONFIG`): strings, with maps and lists as JSON. */
export function toProgramConfig(config: EnvironmentConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.values).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** Pulumi's self-hosted backends report this organization; StackReferences are built with it. */
export const MOCK_ORGANIZATION = "organization";

export interface ResourceOptionsRecord {
  /** Effective value: set on the resource or inherited from its parent. */
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deletedWith: string | null;
  readonly dependsOn: readonly string[];
  /** The provider a custom resource is registered with, explicit or inherited; null for components. */
  readonly provider: string | null;
}

export interface ResourceRecord {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent; top-level resources are parented to the stack. */
  readonly parent: string;
  /** True for custom resources (a cloud object), false for components. */
  readonly custom: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly options: ResourceOptionsRecord;
}

export interface StackRun {
  readonly stack: StackIdentity;
  readonly resources: readonly ResourceRecord[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** Outputs of another stack, as a StackReference would read them. */
export interface ReferencedStack {
  readonly outputs: Record<string, unknown>;
  readonly secretOutputNames: readonly string[];
}

export interface MockEngineOptions {
  /**
   * Extra outputs a resource reports beyond its inputs: how a test plays the cloud for a remote
   * component such as `eks.Cluster`. Without it every output that is not an input stays unknown.
   */
  readonly resourceOutputs?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
  /** Answers StackReferences, by fully qualified stack name (`organization/gitops-platform/infra-staging`). */
  readonly stackReference: (fullName: string) => ReferencedStack;
  /** Answers provider functions (invokes). The default refuses, naming the function. */
  readonly call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
  /** Record secrets' values rather than `[secret]` (see NormalizeOptions); off for synth. */
  readonly revealSecrets?: boolean;
}

interface Declaration {
  readonly resource: pulumi.Resource;
  readonly type: string;
  readonly name: string;
  readonly opts: pulumi.ResourceOptions;
}

const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
/** The engine's built-in function that reads a stack's outputs: what a StackReference does, without a resource. */
const READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs";

export interface RunOptions {
  /**
   * The outputs of this stack's last completed up: what reading the stack itself returns (the engine
   * answers from the backend's checkpoint). None by default: a stack never deployed.
   */
  readonly previousOutputs?: Readonly<Record<string, unknown>>;
}

export class MockEngine {
  private declarations: Declaration[] = [];
  private inputs = new Map<string, Record<string, unknown>>();
  private refs: ResourceRefs = new WeakMap();
  private options: MockEngineOptions;
  /** The stack running now and its previous outputs, for a program that reads its own stack. */
  private self?: { readonly name: string; readonly outputs: Readonly<Record<string, unknown>> };

  constructor(private readonly defaults: MockEngineOptions) {
    this.options = defaults;
  }

  /** Plays the cloud differently until the next reset(): how a test gives a remote component its outputs. */
  play(overrides: Partial<MockEngineOptions>): void {
    this.options = { ...this.defaults, ...overrides };
  }

  /** Forgets what was recorded and played; a test's root hook calls this before each test. */
  reset(): void {
    this.options = this.defaults;
    this.clearRecords();
  }

  /** `type::name` of every resource the current or last run declared, even one that failed midway. */
  declared(): string[] {
    return this.declarations.map((d) => refOf(d.type, d.name));
  }

  private clearRecords(): void {
    this.declarations = [];
    this.inputs = new Map();
    this.refs = new WeakMap();
  }

  private readonly mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      const key = refOf(args.type, args.name);
      const inputs = args.inputs as Record<string, unknown>;
      if (this.inputs.has(key)) {
        throw new Error(`two resources of type ${args.type} are both named "${args.name}"; give each a unique name`);
      }
      this.inputs.set(key, inputs);
      if (args.type === STACK_REFERENCE_TYPE) {
        const name = String(inputs.name);
        const referenced = this.readStack(name);
        return {
          id: name,
          state: { name, outputs: referenced.outputs, secretOutputNames: [...referenced.secretOutputNames] },
        };
      }
      // An input set by the program is what the cloud will report back; everything else stays
      // unknown because this is a preview. The id is left unset for the same reason.
      return { id: undefined, state: { ...inputs, ...this.options.resourceOutputs?.(args) } };
    },
    call: (args) => {
      if (args.token === READ_STACK_OUTPUTS) {
        const name = String((args.inputs as { name?: unknown }).name);
        const referenced = this.readStack(name);
        return { name, outputs: referenced.outputs, secretOutputNames: [...referenced.secretOutputNames] };
      }
      if (this.options.call) return this.options.call(args);
      const message = `no offline answer for the provider function ${args.token}; only the cloud knows it`;
      // The SDK rebuilds an invoke failure from the gRPC-style `details` field, not from `message`.
      throw Object.assign(new Error(message), { details: message });
    },
  };

  /** Another stack's outputs, or this one's previous outputs when a program reads its own stack. */
  private readStack(fullName: string): ReferencedStack {
    if (fullName === this.self?.name) return { outputs: this.self.outputs, secretOutputNames: [] };
    return this.options.stackReference(fullName);
  }

  /** Runs `program` as stack `stack` with `config` and returns everything it declared. */
  async run(
    stack: StackIdentity,
    config: EnvironmentConfig,
    program: () => unknown,
    options: RunOptions = {},
  ): Promise<StackRun> {
    // The SDK reads `new Error().stack` for every promise it makes (runtime/debuggable.js), and under
    // ts-node each read runs source-map-support over every frame: about 70% of an infra synth's CPU.
    // V8's own formatter serves those reads. A stack is formatted when first read, so an error the
    // program throws and the CLI prints after the run still shows TypeScript positions.
    const sourceMappedStacks = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
    Reflect.deleteProperty(Error, "prepareStackTrace");
    const unhandled = new UnhandledRejections();
    try {
      this.self = {
        name: `${MOCK_ORGANIZATION}/${PROJECT_NAME}/${stack.name}`,
        outputs: options.previousOutputs ?? {},
      };
      const run = await this.runProgram(stack, config, program);
      await unhandled.stop();
      unhandled.rethrowFirst();
      return run;
    } finally {
      await unhandled.stop();
      if (sourceMappedStacks) Object.defineProperty(Error, "prepareStackTrace", sourceMappedStacks);
    }
  }

  private async runProgram(stack: StackIdentity, config: EnvironmentConfig, program: () => unknown): Promise<StackRun> {
    this.clearRecords();
    await pulumi.runtime.setMocks(this.mocks, PROJECT_NAME, stack.name, true, MOCK_ORGANIZATION);
    pulumi.runtime.setAllConfig(toProgramConfig(config), [...config.secretKeys]);

    // The program's own return value, not runInPulumiStack's: the SDK lifts the stack outputs into
    // one Output, which a preview makes wholly unknown as soon as one output is (an eks.Cluster's
    // kubeconfig, say). Normalizing each value shows the known ones and marks only the rest.
    let outputs: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => this.capture(args));
      outputs = await program();
      return outputs;
    });
    // A resource's URN resolves once its registration has completed: awaiting every URN is how we
    // know that the mock saw every resource, without sleeping.
    await Promise.all(this.declarations.map((d) => settled(d.resource.urn)));

    const resources: ResourceRecord[] = [];
    const protectedRefs = new Set<string>();
    for (const declaration of this.declarations) {
      const record = await this.toRecord(stack, declaration, protectedRefs);
      if (record.options.protect) protectedRefs.add(refOf(record.type, record.name));
      resources.push(record);
    }
    return {
      stack,
      resources,
      outputs: (await normalizeValue(outputs ?? {}, this.refs, this.normalizeOptions())) as Record<string, unknown>,
    };
  }

  private normalizeOptions(): NormalizeOptions {
    return { revealSecrets: this.options.revealSecrets };
  }

  private capture(args: pulumi.ResourceTransformationArgs): undefined {
    this.refs.set(args.resource, refOf(args.type, args.name));
    // A resource with `urn` set is a reference to an existing one being rehydrated, not a declaration.
    if (!args.opts.urn)
      this.declarations.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts });
    return undefined;
  }

  private async toRecord(stack: StackIdentity, d: Declaration, protectedRefs: Set<string>): Promise<ResourceRecord> {
    const inputs = this.inputs.get(refOf(d.type, d.name));
    if (!inputs) throw new Error(`resource ${refOf(d.type, d.name)} was declared but never registered`);
    const parent = d.opts.parent ? (this.refs.get(d.opts.parent) ?? UNKNOWN_MARKER) : stackRef(stack);
    const custom = pulumi.CustomResource.isInstance(d.resource);
    const provider = custom ? d.resource.getProvider(d.type) : undefined;
    return {
      type: d.type,
      name: d.name,
      parent,
      custom,
      inputs: (await normalizeValue(inputs, this.refs, this.normalizeOptions())) as Record<string, unknown>,
      options: {
        protect: d.opts.protect ?? protectedRefs.has(parent),
        retainOnDelete: d.opts.retainOnDelete ?? false,
        ignoreChanges: [...(d.opts.ignoreChanges ?? [])].sort(),
        deletedWith: d.opts.deletedWith ? (this.refs.get(d.opts.deletedWith) ?? UNKNOWN_MARKER) : null,
        dependsOn: await this.dependencies(d.opts.dependsOn),
        provider: provider ? (this.refs.get(provider) ?? UNKNOWN_MARKER) : null,
      },
    };
  }

  private async dependencies(dependsOn: pulumi.ResourceOptions["dependsOn"]): Promise<string[]> {
    if (!dependsOn) return [];
    const resolved = await settledInput(dependsOn);
    const list = (Array.isArray(resolved) ? resolved : [resolved]) as unknown[];
    const refs: string[] = [];
    for (const item of list) {
      const resource = await settledInput(item);
      refs.push(pulumi.Resource.isInstance(resource) ? (this.refs.get(resource) ?? UNKNOWN_MARKER) : UNKNOWN_MARKER);
    }
    return refs;
  }
}

export function stackRef(stack: StackIdentity): string {
  return refOf("pulumi:pulumi:Stack", `${PROJECT_NAME}-${stack.name}`);
}

/**
 * Waits for an Output to settle. `promise()` is internal to the SDK but is the only way to see a
 * registration failure; `apply` never runs its callback when the value is rejected or unknown.
 */
function settled(output: pulumi.Output<unknown>): Promise<unknown> {
  return (output as unknown as { promise(): Promise<unknown> }).promise();
}

async function settledInput(input: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(input)) return settled(input);
  return input;
}

/**
 * What Pulumi's language host does for a program (cmd/run/run.js in @pulumi/pulumi): it listens for
 * unhandled rejections while the program runs and reports each error once. A program that throws
 * rejects not only the stack's promise, which the run awaits, but also promises the SDK derives from
 * it and never awaits (the root Stack output's `isKnown` and `isSecret`); left alone, Node prints
 * each with a stack trace and exits 1 after the CLI has reported the error. The run's own error
 * stands for those echoes; a rejection nothing else reported fails the run.
 */
class UnhandledRejections {
  private readonly reasons: unknown[] = [];
  private listening = true;
  private readonly listener = (reason: unknown): void => {
    this.reasons.push(reason);
  };

  constructor() {
    process.on("unhandledRejection", this.listener);
  }

  /** Stops listening once Node has reported the rejections of the run: after the current macrotask. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", this.listener);
  }

  rethrowFirst(): void {
    if (this.reasons.length > 0) throw this.reasons[0];
  }
}
