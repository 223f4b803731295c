import { describeRefusal, KubeApi } from "./kube-api";
import { Emitted } from "./emitted";

/**
 * Sends emitted objects to the real apiserver: Namespaces are created for real (namespaced
 * objects are admitted only into an existing namespace), everything else is applied server-side
 * as a dry run, so every validation, defaulting and admission step runs and nothing is stored.
 */

export interface Refusal {
  readonly source: string;
  readonly object: string;
  readonly reason: string;
}

export interface ValidationResult {
  readonly acceptedPerKind: ReadonlyMap<string, number>;
  readonly refusals: readonly Refusal[];
  readonly objects: number;
  readonly ms: number;
}

const CONCURRENCY = 8;

export async function validateOnServer(api: KubeApi, emitted: readonly Emitted[]): Promise<ValidationResult> {
  const started = Date.now();
  const accepted = new Map<string, number>();
  const refusals: Refusal[] = [];
  const send = async ({ source, object }: Emitted, dryRun: boolean) => {
    const kind = `${object.kind}.${object.apiVersion}`;
    try {
      await api.apply(object, { dryRun });
      accepted.set(kind, (accepted.get(kind) ?? 0) + 1);
    } catch (error) {
      refusals.push({ source, object: `${object.kind}/${object.metadata?.name}`, reason: describeRefusal(error) });
    }
  };
  const namespaces = emitted.filter((e) => e.object.kind === "Namespace");
  for (const namespace of namespaces) await send(namespace, false);
  const queue = emitted.filter((e) => e.object.kind !== "Namespace");
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await send(next, true);
  });
  await Promise.all(workers);
  return { acceptedPerKind: accepted, refusals, objects: emitted.length, ms: Date.now() - started };
}

export function formatRefusals(refusals: readonly Refusal[]): string {
  return refusals.map((r) => `  ${r.object} (${r.source}): ${r.reason}`).join("\n");
}

/** The per-kind table the suite prints at the end: what the server accepted, summed over all runs. */
export class ValidationTally {
  private readonly perKind = new Map<string, number>();
  private objects = 0;
  private ms = 0;

  add(result: ValidationResult): void {
    for (const [kind, count] of result.acceptedPerKind) this.perKind.set(kind, (this.perKind.get(kind) ?? 0) + count);
    this.objects += result.objects;
    this.ms += result.ms;
  }

  render(): string {
    const rows = [...this.perKind].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(...rows.map(([kind]) => kind.length), 4);
    const perSecond = this.ms > 0 ? (this.objects / (this.ms / 1000)).toFixed(0) : "-";
    return [
      `accepted by the apiserver, per kind (${this.objects} objects, ${perSecond} objects/s):`,
      ...rows.map(([kind, count]) => `  ${kind.padEnd(width)}  ${count}`),
    ].join("\n");
  }
}
