import * as fs from "node:fs";
import * as path from "node:path";
import { checksumOf, Manifest } from "../render/manifest";

/**
 * The render cache (docs/catalog.md, "Render cache"). Running helm or kustomize costs far more
 * than rendering a typed spec, so each app-env render is kept under a key of everything its output
 * depends on, and reused while the key is the same:
 * - the source: the chart archive's locked digest, or the content hash of the chart directory or of
 *   every kustomization tree the overlay reaches;
 * - the merged values (key order does not matter);
 * - the renderer and its version;
 * - the Kubernetes version and API versions helm is told about;
 * - the release name and namespace (the app's name).
 * Entries are the parsed objects, Secrets without their values, as JSON files named by the key;
 * a missing or unreadable entry is a miss. Deleting the directory is always safe.
 */

/** Bumped when what an entry holds changes shape, so older entries are misses. */
const FORMAT = 1;

export function cacheKeyOf(inputs: Readonly<Record<string, unknown>>): string {
  return checksumOf({ format: FORMAT, ...inputs });
}

export class RenderCache {
  private readonly memory = new Map<string, readonly Manifest[]>();

  /** `dir` undefined: an in-memory cache, for one process. */
  constructor(readonly dir: string | undefined) {}

  get(key: string): readonly Manifest[] | undefined {
    const known = this.memory.get(key);
    if (known || !this.dir) return known;
    let objects: unknown;
    try {
      objects = JSON.parse(fs.readFileSync(this.fileOf(key), "utf8"));
    } catch {
      return undefined;
    }
    if (!Array.isArray(objects)) return undefined;
    this.memory.set(key, objects as Manifest[]);
    return objects as Manifest[];
  }

  /** Keeps `objects` under `key`; the file appears whole or not at all (written aside, then renamed). */
  set(key: string, objects: readonly Manifest[]): void {
    this.memory.set(key, objects);
    if (!this.dir) return;
    const file = this.fileOf(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(objects));
    fs.renameSync(temporary, file);
  }

  private fileOf(key: string): string {
    return path.join(this.dir ?? "", "renders", key.slice(0, 2), `${key}.json`);
  }
}
