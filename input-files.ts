import * as fs from "node:fs";
import * as path from "node:path";
import { CORE_SCHEMA, load, YAMLException } from "js-yaml";
import { InputError, keyPath, truncated } from "./config";

/**
 * Every file a user writes (the environments' config files, the app catalog, the env file
 * `bump-image` edits) is read here, and every YAML text is parsed here, so that no input can
 * escape the project, hang the process or exhaust its memory:
 * - a path that is, or passes through, a symbolic link resolving outside the project is refused
 *   before anything is read, and nothing is ever written through a link;
 * - a file larger than MAX_YAML_BYTES is refused before it is read;
 * - nesting deeper than MAX_YAML_DEPTH is refused while parsing;
 * - aliases that expand past MAX_YAML_EXPANSION are refused before anything walks the value
 *   (an alias bomb is tiny on disk and exponential once copied, compared or serialized);
 * - a `__proto__` key, which JavaScript objects would drop or turn into a prototype, is refused at
 *   its key path.
 */

/**
 * The largest YAML input: twice Kubernetes' 1 MiB cap on a ConfigMap's data
 * (https://kubernetes.io/docs/concepts/configuration/configmap/), the largest thing an app's files
 * can legitimately carry.
 */
export const MAX_YAML_BYTES = 2 * 1024 * 1024;
/** Deeper than any Kubernetes object or Helm values tree this project writes. */
export const MAX_YAML_DEPTH = 64;
/**
 * The size of a value with every alias written out, counted as nodes plus characters of strings:
 * a file without aliases stays below its own size, so only aliasing can reach this.
 */
export const MAX_YAML_EXPANSION = 4 * MAX_YAML_BYTES;

/** js-yaml 4.3 enforces `maxDepth` (its loader's option; @types/js-yaml does not list it yet). */
const loadOptions = { schema: CORE_SCHEMA, maxDepth: MAX_YAML_DEPTH };

export interface YamlSource {
  /** The file as errors show it, e.g. `gitops/apps/demo/app.yaml`. */
  readonly file: string;
  /** What key paths in errors start with (an app's name); the document's own keys when absent. */
  readonly keyPrefix?: string;
  /** What the file should hold, for the error on invalid YAML, e.g. "the settings of app demo". */
  readonly expected: string;
}

/** Parses YAML text with the YAML 1.2 core schema, within the limits above; errors name the file and key. */
export function parseYaml(text: string, source: YamlSource): unknown {
  if (text.length > MAX_YAML_BYTES) {
    throw new InputError(
      `${source.file}: received ${text.length} characters of YAML; expected at most ${MAX_YAML_BYTES} (${source.expected})`,
    );
  }
  let value: unknown;
  try {
    // js-yaml rather than the yaml package: about 7 times faster, which hydrating 1000 apps x 2 envs
    // in under 3 s needs (DESIGN.md). The core schema reads no timestamps or other implicit types
    // beyond booleans, numbers and null, as the yaml package and Kubernetes' YAML 1.2 readers do.
    value = load(text, loadOptions);
  } catch (err) {
    const reason =
      err instanceof YAMLException
        ? `${truncated(err.reason)} at line ${err.mark.line + 1}, column ${err.mark.column + 1}`
        : truncated((err as Error).message.split("\n")[0]);
    throw new InputError(`${source.file}: received invalid YAML (${reason}); expected ${source.expected}`);
  }
  checkExpansion(value, source);
  return value;
}

/** Reads a YAML file of the project rooted at `root` (see readProjectFile) and parses it (see parseYaml). */
export function readYamlFile(fullPath: string, root: string, source: YamlSource): unknown {
  return parseYaml(readProjectFile(fullPath, root, source.file), source);
}

/**
 * Reads a text file of the project rooted at `root`, refusing a path that resolves outside it
 * through a symbolic link, anything but a regular file (a FIFO would hang the read), and a file
 * larger than MAX_YAML_BYTES, all before reading a byte.
 */
export function readProjectFile(fullPath: string, root: string, shown: string): string {
  const real = resolveInside(fullPath, root, shown);
  const stat = fs.statSync(real);
  if (!stat.isFile()) throw new InputError(`${shown}: received something that is not a file; expected a YAML file`);
  if (stat.size > MAX_YAML_BYTES) {
    throw new InputError(`${shown}: received a file of ${stat.size} bytes; expected at most ${MAX_YAML_BYTES}`);
  }
  return fs.readFileSync(real, "utf8");
}

/** The real path of `fullPath`, refused when a symbolic link on the way leads outside `root`. */
export function resolveInside(fullPath: string, root: string, shown: string): string {
  const realRoot = fs.realpathSync(root);
  let real: string;
  try {
    real = fs.realpathSync(fullPath);
  } catch {
    throw new InputError(`${shown}: is a symbolic link to nothing (its target is missing); expected a file`);
  }
  if (real !== realRoot && !real.startsWith(`${realRoot}${path.sep}`)) {
    throw new InputError(
      `${shown}: is a symbolic link to ${truncated(real)}, outside ${root}; expected a file inside the project ` +
        "(links out of it are never read or written)",
    );
  }
  return real;
}

/**
 * Refuses to write `fullPath` when it, or a directory on the way to it from `root`, is a symbolic
 * link: writing through one would change a file the path does not name, inside the project or out.
 */
export function assertWritableInside(fullPath: string, root: string, shown: string): void {
  const relative = path.relative(root, fullPath);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new InputError(`${shown}: is outside ${root}; expected a file inside the project`);
  }
  let current = root;
  for (const segment of relative.split(path.sep)) {
    current = path.join(current, segment);
    const stat = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      const which =
        current === fullPath ? "is a symbolic link" : `${path.relative(root, current)}, on its way, is a symbolic link`;
      throw new InputError(
        `${shown}: ${which}; expected a plain file and directories: nothing is written through a link`,
      );
    }
  }
}

/**
 * Walks the value as if every alias were written out, remembering each shared map or list so the
 * walk stays linear in the file, and refuses `__proto__` keys and an expansion past the limit.
 */
function checkExpansion(root: unknown, source: YamlSource): void {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const sizeOf = (value: unknown, at: readonly PropertyKey[]): number => {
    if (typeof value === "string") return 1 + value.length;
    if (value === null || typeof value !== "object") return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) {
      // js-yaml registers a collection's anchor before reading its items, so `&a [*a]` contains itself.
      throw new InputError(
        `${source.file}: ${keyPath(source.keyPrefix ?? "", at).replace(/^\./, "") || "(top level)"}: ` +
          "received an alias to a map or list that contains it; expected a value that ends",
      );
    }
    open.add(value);
    let size = 1;
    if (Array.isArray(value)) {
      value.forEach((item, i) => (size += sizeOf(item, [...at, i])));
    } else {
      if (Object.prototype.hasOwnProperty.call(value, "__proto__")) {
        throw new InputError(
          `${source.file}: ${keyPath(source.keyPrefix ?? "", [...at, "__proto__"]).replace(/^\./, "")}: ` +
            'received the key "__proto__"; expected another key (JavaScript reads this one as the prototype of the map)',
        );
      }
      for (const [key, item] of Object.entries(value)) size += key.length + sizeOf(item, [...at, key]);
    }
    if (size > MAX_YAML_EXPANSION) {
      throw new InputError(
        `${source.file}: received YAML whose aliases expand to more than ${MAX_YAML_EXPANSION} nodes and characters; ` +
          "expected the values written out, or fewer aliases (this is how an alias bomb looks)",
      );
    }
    open.delete(value);
    sizes.set(value, size);
    return size;
  };
  sizeOf(root, []);
}
