import * as path from "node:path";
import { Document, isMap, isScalar, isSeq, parse, parseDocument, Scalar, YAMLMap } from "yaml";
import { InputError, shownValue } from "../config";
import { parseYaml, readYamlFile } from "../input-files";
import { loadApp } from "../gitops/catalog/catalog";
import { isImageDigest } from "../gitops/catalog/image";
import { declaredSources, isSourceApp, SourceKind } from "../gitops/sources/schema";
import { kustomizationFileOf } from "../gitops/sources/load";
import { discoverEnvironments, Environment } from "../stack";

/**
 * Where `bump-image` writes an app's tag for one environment, by the app's source:
 * - typed spec: `image.tag` in `gitops/apps/<app>/<env>.yaml`;
 * - chart: `values.<chart.imageTagPath>` in the same file (the values layer of that environment);
 * - Kustomize: the `images:` entry named `kustomize.imageName` in the environment's overlay
 *   (`newTag`, or `digest` for a digest).
 * Every edit keeps the file's comments, and an existing value is replaced in place, byte for byte
 * around it.
 */

export interface TagEdit {
  /** The file's new text; equal to the input when the tag was already set. */
  readonly text: string;
  readonly previous?: string;
  readonly changed: boolean;
}

export interface BumpTarget {
  readonly file: string;
  /** The field as messages and commits name it: `image.tag`, `values.image.tag`, `images[web].newTag`. */
  readonly field: string;
  edit(text: string, relativeFile: string, tag: string): TagEdit;
}

export function bumpTargetOf(rootDir: string, app: string, env: Environment, envFile: string): BumpTarget {
  const catalogDir = path.dirname(path.dirname(envFile));
  if (declaredSourcesOf(path.join(catalogDir, app, "app.yaml"), catalogDir).length === 0) {
    return {
      file: envFile,
      field: "image.tag",
      edit: (text, file, tag) => setScalarAt(text, file, ["image", "tag"], tag, "a map with repository and tag"),
    };
  }
  const loaded = loadApp(catalogDir, app, env, discoverEnvironments(rootDir));
  // Stryker disable next-line all: app.yaml declares chart: or kustomize:, so loadApp gives a source app; this only narrows the type
  if (!loaded || !isSourceApp(loaded)) throw new Error(`app ${app} in ${env}: expected a source app with ${envFile}`);
  if (loaded.kind === "chart") {
    const tagPath = loaded.chart.imageTagPath;
    if (!tagPath) {
      throw new InputError(
        `bump-image --app ${app}: chart.imageTagPath: received nothing (the key is missing); expected the values key ` +
          "that holds the image tag, such as imageTagPath: image.tag under chart: in app.yaml",
      );
    }
    const keys = ["values", ...tagPath.split(".")];
    return { file: envFile, field: keys.join("."), edit: (text, file, tag) => setScalarAt(text, file, keys, tag) };
  }
  const imageName = loaded.imageName;
  if (!imageName) {
    throw new InputError(
      `bump-image --app ${app}: kustomize.imageName: received nothing (the key is missing); expected the name of ` +
        "the images: entry to set, such as imageName: ghcr.io/org/web under kustomize: in app.yaml",
    );
  }
  // Stryker disable next-line StringLiteral: loadApp refuses an overlay without a kustomization file, so the fallback is never taken
  const file = kustomizationFileOf(loaded.overlay) ?? path.join(loaded.overlay, "kustomization.yaml");
  return {
    file,
    field: `images[${imageName}]`,
    edit: (text, relative, tag) => setKustomizeImage(text, relative, imageName, tag),
  };
}

/** The sources (chart:, kustomize:) an app.yaml declares; none for a file it cannot read, which the spec path reports. */
function declaredSourcesOf(appFile: string, catalogDir: string): readonly SourceKind[] {
  try {
    // Stryker disable next-line ObjectLiteral,StringLiteral: the error these name is caught below
    return declaredSources(readYamlFile(appFile, catalogDir, { file: appFile, expected: "an app" }));
  } catch {
    return [];
  }
}

function documentOf(text: string, file: string): Document {
  // The hardened reader first (size, depth, aliases, __proto__); the Document API then edits in place.
  parseYaml(text, { file, expected: "a map" });
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(`${file}: received invalid YAML (${doc.errors[0].message.split("\n")[0]}); expected a map`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new InputError(`${file}: received ${describeNode(doc.contents)} at the top level; expected a map`);
  }
  return doc;
}

/**
 * Sets the scalar at `keys` of a YAML map. An existing value is replaced in place, keeping its
 * quoting; a missing one is added through the Document API, which keeps comments. Malformed input
 * throws an InputError naming the file and key, and nothing is written.
 */
export function setScalarAt(
  text: string,
  file: string,
  keys: readonly string[],
  value: string,
  expectedParent = "a map",
): TagEdit {
  const doc = documentOf(text, file);
  let node: unknown = doc.contents;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    node = isMap(node) ? node.get(key, true) : undefined;
    // YAMLMap.get(key, true) gives a Scalar for a null value and undefined for a missing key, never null.
    if (node !== undefined && !isMap(node)) {
      const at = keys.slice(0, i + 1).join(".");
      const expected = i === keys.length - 2 ? expectedParent : "a map";
      throw new InputError(`${file}: ${at}: received ${describeNode(node)}; expected ${expected}`);
    }
  }
  const field = keys.join(".");
  const current = isMap(node) ? node.get(keys[keys.length - 1], true) : undefined;
  if (current !== undefined && !isScalar(current)) {
    throw new InputError(`${file}: ${field}: received ${describeNode(current)}; expected a string`);
  }
  const previous = scalarText(current);
  if (previous === value) return { text, previous, changed: false };
  const next = current?.range ? splice(text, current, value) : (doc.setIn(keys, value), doc.toString({ lineWidth: 0 }));
  // Stryker disable next-line OptionalChaining: every key on the way was just set, so the walk never meets undefined
  const check: unknown = keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], parse(next));
  // Stryker disable next-line all: a guard against the yaml library writing a value that reads back otherwise; no input reaches it
  if (check !== value) throw new Error(`${file}: editing ${field} produced ${JSON.stringify(check)}`);
  return { text: next, previous, changed: true };
}

/** Sets `newTag` (or `digest`, for a digest) of the `images:` entry named `name` in a kustomization. */
export function setKustomizeImage(text: string, file: string, name: string, tag: string): TagEdit {
  const doc = documentOf(text, file);
  const images = doc.get("images", true);
  if (images !== undefined && !isSeq(images)) {
    throw new InputError(`${file}: images: received ${describeNode(images)}; expected a list of images`);
  }
  const entry = isSeq(images) ? images.items.find((item) => isMap(item) && item.get("name") === name) : undefined;
  const [field, other] = isImageDigest(tag) ? ["digest", "newTag"] : ["newTag", "digest"];
  const current = isMap(entry) ? entry.get(field, true) : undefined;
  const previous = scalarText(current) ?? (isMap(entry) ? scalarText(entry.get(other, true)) : undefined);
  if (scalarText(current) === tag && !(isMap(entry) && entry.has(other))) return { text, previous, changed: false };
  let next: string;
  if (isScalar(current) && current.range && !(isMap(entry) && entry.has(other))) {
    next = splice(text, current, tag);
  } else {
    const target: YAMLMap = isMap(entry) ? entry : doc.createNode({ name });
    target.set(field, tag);
    target.delete(other);
    if (!entry) {
      if (isSeq(images)) images.items.push(target);
      else doc.set("images", doc.createNode([target]));
    }
    next = doc.toString({ lineWidth: 0 });
  }
  const check = (parse(next) as { images?: { name?: string; newTag?: string; digest?: string }[] }).images;
  // Stryker disable all: a guard against the yaml library writing a value that reads back otherwise; no input reaches it
  if (check?.find((i) => i.name === name)?.[field as "newTag" | "digest"] !== tag) {
    throw new Error(`${file}: editing images[${name}] did not set ${field}`);
  }
  // Stryker restore all
  return { text: next, previous, changed: true };
}

function splice(text: string, replaced: Scalar, value: string): string {
  // Stryker disable next-line ArrayDeclaration: both callers splice only a Scalar that has a range
  const [start, end] = replaced.range ?? [0, 0];
  return `${text.slice(0, start)}${scalarSource(value, replaced)}${text.slice(end)}`;
}

/** The value as YAML source, quoted like the value it replaces (and quoted when plain would not read back as it). */
function scalarSource(value: string, replaced: Scalar): string {
  if (replaced.type === Scalar.QUOTE_SINGLE) return `'${value}'`;
  if (replaced.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  return parse(value) === value ? value : JSON.stringify(value);
}

function scalarText(node: unknown): string | undefined {
  const value = isScalar(node) ? node.value : undefined;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

function describeNode(node: unknown): string {
  if (isScalar(node)) return shownValue(node.value);
  if (isMap(node)) return "a map";
  return "a list";
}
