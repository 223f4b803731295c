import { createHash } from "node:crypto";
import type { EngineEvent, OpMap, PolicyEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { diffValues } from "../synth/diff";
import { SECRET_MARKER, UNKNOWN_MARKER } from "../../config";
import { Finding } from "../../policy/engine";
import { refOfUrn, stackOfUrn } from "../../policy/urn";
import { PROJECT_NAME } from "../../stack";

/**
 * Turns the engine events of one operation on one stack (`onEvent`) into what a reviewer reads:
 * which resources change, how, and which properties, with secrets and unknowns never shown as
 * values. Pure: feed it events, read the result.
 */

export type ResourceOp = "create" | "import" | "update" | "replace" | "delete";

export interface PropertyChange {
  /** Property path as the engine names it (`tags.Name`, `ingress[0].fromPort`). */
  readonly path: string;
  readonly kind: "add" | "delete" | "update";
  /** The change forces the resource to be replaced. */
  readonly replaces: boolean;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ResourceOp;
  readonly properties: readonly PropertyChange[];
}

export interface ChangeCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly same: number;
}

export interface StackChanges {
  readonly stack: string;
  readonly counts: ChangeCounts;
  readonly resources: readonly ResourceChange[];
  /** Error diagnostics the engine reported (a failed resource, a program error). */
  readonly errors: readonly string[];
  /** What the policy pack reported (its `policyEvent`s), in the order the engine emitted them. */
  readonly policy: readonly PackFinding[];
}

/** A violation the policy pack reported on a resource of a real preview or update. */
export type PackFinding = Finding & { readonly resource: string; readonly stack: string };

// Pulumi's wire markers (sdk/go/common/resource/sig): a secret value and an unknown computed value.
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const OPS: Record<string, ResourceOp | undefined> = {
  create: "create",
  import: "import",
  "import-replacement": "replace",
  update: "update",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  delete: "delete",
  discard: "delete",
};

export function hasChanges(changes: StackChanges): boolean {
  const { create, update, replace, delete: deleted } = changes.counts;
  return create + update + replace + deleted > 0;
}

/** Collects the events of one operation; pass `onEvent` to the Automation API. */
export class EngineEventCollector {
  private readonly byUrn = new Map<string, ResourceChange>();
  private readonly errors: string[] = [];
  private readonly policy: PackFinding[] = [];
  private readonly sequences = new Set<number>();
  private summary: OpMap | undefined;
  private sameCount = 0;

  constructor(private readonly stack: string) {}

  readonly onEvent = (event: EngineEvent): void => {
    // The SDK tails the JSON-lines event log with @logdna/tail-file, whose quit() reads once more
    // while a poll may still be reading the same bytes: an event can arrive twice. The engine
    // numbers every event of an operation, so a number seen before is that duplicate.
    if (this.sequences.has(event.sequence)) return;
    this.sequences.add(event.sequence);
    if (event.resourcePreEvent) this.step(event.resourcePreEvent.metadata);
    if (event.summaryEvent) this.summary = event.summaryEvent.resourceChanges;
    if (event.policyEvent) this.policy.push(packFinding(event.policyEvent, this.stack));
    const diagnostic = event.diagnosticEvent;
    if (diagnostic?.severity === "error") {
      const where = diagnostic.urn ? `${nameOf(diagnostic.urn)}: ` : "";
      this.errors.push(`${where}${stripAnsi(diagnostic.message).trim()}`);
    }
  };

  result(): StackChanges {
    const resources = [...this.byUrn.values()];
    return {
      stack: this.stack,
      counts: this.counts(resources),
      resources,
      errors: [...this.errors],
      policy: [...this.policy],
    };
  }

  private step(metadata: StepEventMetadata): void {
    const op = OPS[metadata.op];
    if (!op) {
      if (metadata.op === "same" || metadata.op === "refresh" || metadata.op === "read") this.sameCount++;
      return;
    }
    const existing = this.byUrn.get(metadata.urn);
    // A replacement arrives as create-replacement, replace and delete-replaced: keep the one with the diff.
    if (existing && (existing.properties.length > 0 || metadata.op === "delete-replaced")) return;
    this.byUrn.set(metadata.urn, {
      urn: metadata.urn,
      type: metadata.type,
      name: nameOf(metadata.urn),
      op,
      properties: propertyChanges(metadata, op),
    });
  }

  private counts(resources: readonly ResourceChange[]): ChangeCounts {
    const s = this.summary;
    if (s) {
      return {
        create: (s.create ?? 0) + (s.import ?? 0),
        update: s.update ?? 0,
        replace: s.replace ?? 0,
        delete: (s.delete ?? 0) + (s.discard ?? 0),
        same: (s.same ?? 0) + (s.refresh ?? 0) + (s.read ?? 0),
      };
    }
    const count = (...ops: ResourceOp[]) => resources.filter((r) => ops.includes(r.op)).length;
    return {
      create: count("create", "import"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      same: this.sameCount,
    };
  }
}

/**
 * A policy event as a finding. The engine sends the analyzer's message between colour directives
 * (`<{%reset%}>`, pulumi's diag/colors), and @pulumi/policy makes that message the policy's
 * description, a newline, then what was reported: the finding is the part after the description.
 * `remediate` is reported as mandatory, as the engine does when a remediation still violates.
 */
export function packFinding(event: PolicyEvent, stack: string): PackFinding {
  const text = event.message.replace(/<\{%[^%]*%\}>/g, "").trim();
  const lines = text.split("\n").map((l) => l.trim());
  const urn =
    event.resourceUrn || `urn:pulumi:${stack}::${PROJECT_NAME}::pulumi:pulumi:Stack::${PROJECT_NAME}-${stack}`;
  const resource = refOfUrn(urn);
  const reported = (lines.length > 1 ? lines.slice(1) : lines).filter(Boolean).join(" ");
  const level: string = event.enforcementLevel;
  return {
    rule: event.policyName,
    severity: level === "mandatory" || level === "remediate" ? "mandatory" : "advisory",
    stack: stackOfUrn(urn),
    resource,
    message: reported.startsWith(`${resource}: `) ? reported.slice(resource.length + 2) : reported,
  };
}

function propertyChanges(m: StepEventMetadata, op: ResourceOp): PropertyChange[] {
  if (op === "delete") return [];
  const oldInputs = clean(m.old?.inputs);
  const newInputs = clean(m.new?.inputs);
  if (op === "create" || op === "import") {
    return Object.keys(newInputs)
      .sort()
      .map((key) => ({ path: key, kind: "add", replaces: false, after: shown(newInputs[key]) }));
  }
  if (m.detailedDiff && Object.keys(m.detailedDiff).length > 0) {
    return Object.entries(m.detailedDiff)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, diff]) => {
        // An output diff compares the old outputs with the new inputs (pulumi's display does the same).
        const before = valueAt(diff.inputDiff ? oldInputs : clean(m.old?.outputs), key);
        const kind = diff.diffKind.startsWith("add") ? "add" : diff.diffKind.startsWith("delete") ? "delete" : "update";
        return {
          path: key,
          kind,
          replaces: diff.diffKind.endsWith("-replace"),
          ...(kind === "add" ? {} : { before: shown(before) }),
          ...(kind === "delete" ? {} : { after: shown(valueAt(newInputs, key)) }),
        };
      });
  }
  if (m.diffs && m.diffs.length > 0) {
    const replaceKeys = new Set(m.keys ?? []);
    return [...m.diffs].sort().map((key) => change(key, oldInputs[key], newInputs[key], replaceKeys.has(key)));
  }
  // The stack resource changes through its outputs; everything else through its inputs.
  const isStack = m.type === "pulumi:pulumi:Stack";
  const before = isStack ? clean(m.old?.outputs) : oldInputs;
  const after = isStack ? clean(m.new?.outputs) : newInputs;
  return diffValues(before, after, "").map((d) => change(d.path, d.before, d.after, false));
}

function change(path: string, before: unknown, after: unknown, replaces: boolean): PropertyChange {
  const kind = before === undefined ? "add" : after === undefined ? "delete" : "update";
  return {
    path,
    kind,
    replaces,
    ...(before === undefined ? {} : { before: shown(before) }),
    ...(after === undefined ? {} : { after: shown(after) }),
  };
}

/**
 * Drops the engine's bookkeeping (`__defaults`, `__meta`) from a property map, and seals every secret
 * before anything compares or prints it: a secret becomes an opaque token that differs when the
 * secret differs (so a changed secret is still seen as changed) and that `shown` prints as [secret].
 */
function clean(value: Record<string, unknown> | undefined | null): Record<string, unknown> {
  return (seal(value ?? {}) as Record<string, unknown>) ?? {};
}

const SEALED = "\u0000secret:";

function seal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(seal);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) {
      return `${SEALED}${createHash("sha256").update(JSON.stringify(record)).digest("hex").slice(0, 16)}`;
    }
    if (SIGNATURE_KEY in record) return value;
    return Object.fromEntries(
      Object.entries(record)
        .filter(([k]) => k !== "__defaults" && k !== "__meta")
        .map(([k, v]) => [k, seal(v)]),
    );
  }
  return value;
}

/** A value as it may be shown: secrets and unknowns replaced by markers, at any depth. */
export function shown(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_MARKER;
  if (typeof value === "string" && value.startsWith(SEALED)) return SECRET_MARKER;
  if (Array.isArray(value)) return value.map(shown);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) return SECRET_MARKER;
    if (SIGNATURE_KEY in record) return `[${String(record[SIGNATURE_KEY]).slice(0, 8)}]`;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, shown(v)]));
  }
  return value;
}

/** Reads a property path: `a.b`, `a[0].b`, `a["key.with.dots"]`. */
export function valueAt(root: unknown, propertyPath: string): unknown {
  const parts = propertyPath.match(/[^.[\]"]+|\[\d+\]|\["[^"]*"\]/g) ?? [];
  let value = root;
  for (const raw of parts) {
    if (value === null || typeof value !== "object") return undefined;
    const key = raw.startsWith('["') ? raw.slice(2, -2) : raw.startsWith("[") ? Number(raw.slice(1, -1)) : raw;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}
