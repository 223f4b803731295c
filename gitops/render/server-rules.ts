/**
 * Rules the Kubernetes API server enforces on an object that its OpenAPI schema does not express:
 * uniqueness inside lists, the syntax of label and annotation keys and values, and name lengths
 * (k8s.io/apimachinery/pkg/util/validation and pkg/apis/core/validation). The schemas
 * (`kubernetes-models`) accept all of these; the server, or server-side apply, refuses them when
 * Argo CD syncs, long after the commit.
 *
 * Pure: a manifest in, violations out, each at its path inside the manifest. Hydrate checks them
 * before writing; the control-plane tier can confirm each rule against a real API server.
 */

export interface ServerRuleViolation {
  /** Where in the manifest, e.g. `["spec", "ports", 1, "port"]`. */
  readonly path: readonly (string | number)[];
  readonly received: unknown;
  readonly expected: string;
}

type Path = readonly (string | number)[];
type Json = Readonly<Record<string, unknown>>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_NAME = /^[-._a-zA-Z0-9]+$/;
/** IANA service names, what a container port's name must be: lower-case, at most 15, at least one letter. */
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery's TotalAnnotationSizeLimitB: keys and values of one object's annotations together. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Whether `key` is a label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

export const QUALIFIED_NAME_EXPECTATION =
  "a key of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), " +
  "optionally after a DNS prefix and /, such as example.com/team";

/** Every rule the server would break on, for one manifest. */
export function serverRuleViolations(manifest: Json): ServerRuleViolation[] {
  const found: ServerRuleViolation[] = [];
  const add = (path: Path, received: unknown, expected: string): void => {
    found.push({ path, received, expected });
  };
  const kind = String(manifest.kind);
  const metadata = record(manifest.metadata);
  checkName(kind, metadata.name, add);
  checkMetadata(metadata, ["metadata"], add);
  const spec = record(manifest.spec);
  checkLabels(record(record(spec.selector).matchLabels), ["spec", "selector", "matchLabels"], add);
  for (const [podPath, template] of podTemplates(kind, spec)) {
    checkMetadata(record(template.metadata), [...podPath, "metadata"], add);
    checkPodSpec(record(template.spec), [...podPath, "spec"], add);
  }
  if (kind === "Service") checkServicePorts(list(spec.ports), ["spec", "ports"], add);
  return found;
}

type Add = (path: Path, received: unknown, expected: string) => void;

/** Name rules beyond the schema's: by kind, the server's own (validation.go's Validate<Kind>Name). */
function checkName(kind: string, name: unknown, add: Add): void {
  if (typeof name !== "string") return;
  const at = ["metadata", "name"];
  if (kind === "Service") {
    if (name.length > 63 || !DNS_1035_LABEL.test(name))
      add(at, name, "a Service name: at most 63 lower-case letters, digits and -, starting with a letter");
  } else if (kind === "ConfigMap") {
    if (name.length > 253 || !CONFIG_MAP_NAME.test(name))
      add(at, name, "a ConfigMap name: at most 253 letters, digits, -, _ and .");
  } else if (kind === "Role" || kind === "RoleBinding") {
    if (name === "." || name === ".." || /[/%]/.test(name)) add(at, name, "a name without /, % and not . or ..");
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    add(at, name, "a name of at most 253 lower-case letters, digits, - and .");
  }
  // A CronJob's controller appends 11 characters to name its Jobs; a Job's name becomes the value
  // of its pods' job-name label, which is at most 63 characters.
  if (kind === "CronJob" && name.length > 52) add(at, name, "a CronJob name of at most 52 characters");
  if (kind === "Job" && name.length > 63) add(at, name, "a Job name of at most 63 characters");
}

function checkMetadata(metadata: Json, at: Path, add: Add): void {
  checkLabels(record(metadata.labels), [...at, "labels"], add);
  const annotations = record(metadata.annotations);
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    if (!isQualifiedName(key))
      add([...at, "annotations", key], key, `an annotation key: ${QUALIFIED_NAME_EXPECTATION}`);
    bytes += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    add([...at, "annotations"], `${bytes} bytes of annotations`, `at most ${MAX_ANNOTATIONS_BYTES} bytes in all`);
  }
}

function checkLabels(labels: Json, at: Path, add: Add): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedName(key)) add([...at, key], key, `a label key: ${QUALIFIED_NAME_EXPECTATION}`);
    if (typeof value === "string" && (value.length > 63 || !LABEL_VALUE.test(value))) {
      add(
        [...at, key],
        value,
        "a label value of at most 63 letters, digits, -, _ and . (starting and ending with a letter or digit), or empty",
      );
    }
  }
}

/** The pod templates of a workload kind, each with its path. */
function podTemplates(kind: string, spec: Json): [Path, Json][] {
  if (kind === "Deployment" || kind === "StatefulSet" || kind === "Job")
    return [[["spec", "template"], record(spec.template)]];
  if (kind === "CronJob") {
    const job = record(record(spec.jobTemplate).spec);
    return [[["spec", "jobTemplate", "spec", "template"], record(job.template)]];
  }
  // Stryker disable next-line ArrayDeclaration: a string item reads as an empty template at an odd path, which finds nothing
  return [];
}

function checkPodSpec(pod: Json, at: Path, add: Add): void {
  const volumes = list(pod.volumes);
  const volumeNames = unique(
    volumes,
    [...at, "volumes"],
    (v) => v.name,
    "a volume name no other volume of the pod uses",
    add,
  );
  for (const [i, volume] of volumes.entries()) {
    if (typeof volume.name === "string" && (volume.name.length > 63 || !DNS_LABEL.test(volume.name)))
      add([...at, "volumes", i, "name"], volume.name, "a volume name of at most 63 lower-case letters, digits and -");
  }
  const containerNames = new Set<unknown>();
  for (const field of ["initContainers", "containers"] as const) {
    for (const [i, container] of list(pod[field]).entries()) {
      const cat = [...at, field, i];
      const name = container.name;
      if (containerNames.has(name)) add([...cat, "name"], name, "a container name no other container of the pod uses");
      containerNames.add(name);
      if (typeof name === "string" && (name.length > 63 || !DNS_LABEL.test(name)))
        add([...cat, "name"], name, "a container name of at most 63 lower-case letters, digits and -");
      checkContainer(container, cat, volumeNames, add);
    }
  }
}

function checkContainer(container: Json, at: Path, volumeNames: ReadonlySet<unknown>, add: Add): void {
  const ports = list(container.ports);
  unique(ports, [...at, "ports"], (p) => p.name, "a port name no other port of the container uses", add);
  // Server-side apply keys these lists (x-kubernetes-list-map-keys): a duplicate key is refused
  // (the API server itself only warns on a duplicate port or variable; Argo CD may apply server-side).
  unique(
    ports,
    [...at, "ports"],
    (p) => (p.containerPort === undefined ? undefined : JSON.stringify([p.containerPort, p.protocol ?? "TCP"])),
    "a containerPort and protocol no other port of the container uses",
    add,
    "containerPort",
  );
  for (const [i, port] of ports.entries()) {
    if (typeof port.name === "string" && (port.name.length > 15 || !IANA_SVC_NAME.test(port.name)))
      add(
        [...at, "ports", i, "name"],
        port.name,
        "a port name of at most 15 lower-case letters, digits and -, with a letter",
      );
  }
  unique(
    list(container.env),
    [...at, "env"],
    (e) => e.name,
    "a variable name no other variable of the container sets",
    add,
  );
  const mounts = list(container.volumeMounts);
  unique(
    mounts,
    [...at, "volumeMounts"],
    (m) => m.mountPath,
    "a mountPath no other mount of the container uses",
    add,
    "mountPath",
  );
  for (const [i, mount] of mounts.entries()) {
    if (mount.name !== undefined && !volumeNames.has(mount.name))
      add([...at, "volumeMounts", i, "name"], mount.name, "the name of one of the pod's volumes");
  }
}

function checkServicePorts(ports: readonly Json[], at: Path, add: Add): void {
  unique(ports, at, (p) => p.name, "a port name no other port of the Service uses", add);
  unique(
    ports,
    at,
    (p) => (p.port === undefined ? undefined : JSON.stringify([p.port, p.protocol ?? "TCP"])),
    "a port and protocol no other port of the Service uses",
    add,
    "port",
  );
  if (ports.length > 1) {
    for (const [i, port] of ports.entries()) {
      if (port.name === undefined || port.name === "")
        add([...at, i, "name"], port.name, "a name: a Service with several ports names each");
    }
  }
}

/** Reports each item whose key another item before it has; returns the keys seen. */
function unique(
  items: readonly Json[],
  at: Path,
  keyOf: (item: Json) => unknown,
  expected: string,
  add: Add,
  field = "name",
): Set<unknown> {
  const seen = new Set<unknown>();
  for (const [i, item] of items.entries()) {
    const key = keyOf(item);
    if (key === undefined) continue;
    if (seen.has(key)) add([...at, i, field], item[field], expected);
    seen.add(key);
  }
  return seen;
}

function record(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}
