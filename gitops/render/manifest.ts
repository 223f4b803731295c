import { createHash } from "node:crypto";

/** A Kubernetes object as plain data: what the renderer produces and every later step reads. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** The labels every object of an app carries (Kubernetes' recommended labels). */
export function appLabels(app: string): Record<string, string> {
  return { "app.kubernetes.io/managed-by": "gitops-platform", "app.kubernetes.io/name": app };
}

/** The labels that select an app's pods; immutable once a Deployment exists, so never more than this. */
export function selectorLabels(app: string): Record<string, string> {
  return { "app.kubernetes.io/name": app };
}

/** Metadata of an object of `app`, which lives in the app's own namespace. */
export function metadataOf(app: string, name: string, annotations?: Record<string, string>): ObjectMeta {
  return {
    name,
    namespace: app,
    labels: appLabels(app),
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}

/** `Kind/name`, how findings and errors refer to an object. */
export function refOfManifest(manifest: Manifest): string {
  return `${manifest.kind}/${manifest.metadata.name}`;
}

/** A content hash: stable across runs, so pod templates change only when their inputs do. */
export function checksumOf(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(sortedDeep(value)))
    .digest("hex");
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]),
  );
}

/** Drops keys whose value is undefined, so optional settings leave no trace in the output. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
