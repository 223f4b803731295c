import { parseAllDocuments } from "yaml";
import { InputError } from "../../config";
import { isMap } from "../catalog/merge";
import { Manifest } from "../render/manifest";

/**
 * Reading what helm and kustomize print. The apiserver reads manifests with sigs.k8s.io/yaml, whose
 * resolver follows YAML 1.1 (`0644` is an octal 420, `on` a boolean), so that is how their output
 * is read here, except timestamps: go-yaml only makes a time of one when decoding into a time.Time,
 * and into an untyped map it stays a string.
 */
const YAML_1_1 = {
  version: "1.1" as const,
  customTags: (tags: readonly unknown[]) =>
    tags.filter((tag) => (tag as { tag?: string }).tag !== "tag:yaml.org,2002:timestamp") as never,
};

/**
 * The objects of one renderer's output, in order: every non-empty document must be a Kubernetes
 * object (apiVersion, kind, metadata.name). A Secret keeps its keys but not their values, so no
 * plaintext ever reaches the render cache or an error message.
 */
export function parseRendered(text: string, what: string): Manifest[] {
  const objects: Manifest[] = [];
  for (const doc of parseAllDocuments(text, YAML_1_1)) {
    // helm prints `# Source: <template>` first in each document; yaml keeps it on the document or its first node.
    const comment = `${doc.commentBefore ?? ""}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ""}`;
    const source = /Source: (\S+)/.exec(comment)?.[1];
    const where = source ? `${what} (${source})` : what;
    if (doc.errors.length) {
      throw new InputError(`${where}: printed invalid YAML (${doc.errors[0].message.split("\n")[0]})`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      // Its content is not echoed: it may be a Secret's.
      const keys = isMap(value) ? `a map with keys ${Object.keys(value).sort().join(", ")}` : `a ${typeof value}`;
      throw new InputError(
        `${where}: rendered ${keys}; expected a Kubernetes object with apiVersion, kind and metadata.name`,
      );
    }
    objects.push(value.kind === "Secret" ? withoutSecretValues(value) : value);
  }
  return objects;
}

function isObject(value: unknown): value is Manifest {
  if (!isMap(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string") return false;
  return isMap(value.metadata) && typeof value.metadata.name === "string" && value.metadata.name !== "";
}

function withoutSecretValues(secret: Manifest): Manifest {
  const blank = (data: unknown) =>
    isMap(data) ? Object.fromEntries(Object.keys(data).map((key) => [key, ""])) : undefined;
  const { data, stringData, ...rest } = secret;
  return {
    ...rest,
    ...(data !== undefined ? { data: blank(data) } : {}),
    ...(stringData !== undefined ? { stringData: blank(stringData) } : {}),
  };
}

/** An object without a namespace lands in the app's; one naming another is refused by validation. */
export function inAppNamespace(app: string, object: Manifest): Manifest {
  if (object.metadata.namespace !== undefined) return object;
  return { ...object, metadata: { ...object.metadata, namespace: app } };
}
