import { isMap, isScalar, isSeq, parseDocument, Scalar, visit } from "yaml";
import { InputError } from "../../config";

/**
 * Edits of YAML files people maintain by hand (the config files, the catalog), made by replacing
 * only the characters of the nodes that change: comments, quoting, blank lines and the order of
 * everything else stay byte for byte, as bump-image does for `image.tag`. The yaml package's
 * Document API finds the nodes and their source ranges; re-serializing the whole document would
 * reflow it.
 */

function parsed(text: string, file: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new InputError(`${file}: received invalid YAML (${doc.errors[0].message.split("\n")[0]}); expected a map`);
  }
  return doc;
}

/** A value as YAML source in the style of the node it replaces (quoted when plain would not read back). */
export function scalarSource(value: string, replaced?: Scalar): string {
  if (replaced?.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (replaced?.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  const plain = parseDocument(value).contents;
  return isScalar(plain) && plain.value === value ? value : JSON.stringify(value);
}

/**
 * Appends `value` to the sequence at `keyPath`: inside the brackets of a flow sequence, or as a new
 * `- value` line under the last item of a block one, with its indentation.
 */
export function appendToSequence(text: string, file: string, keyPath: readonly string[], value: string): string {
  const doc = parsed(text, file);
  const seq = doc.getIn(keyPath, true);
  if (!isSeq(seq) || !seq.range || seq.items.length === 0) {
    throw new InputError(
      `${file}: ${keyPath.join(".")}: received ${JSON.stringify(doc.getIn(keyPath))}; expected a list`,
    );
  }
  const last = seq.items[seq.items.length - 1] as Scalar;
  if (!last.range) throw new InputError(`${file}: ${keyPath.join(".")}: expected a list of plain values`);
  if (seq.flow) {
    const at = last.range[1];
    return `${text.slice(0, at)}, ${scalarSource(value, last)}${text.slice(at)}`;
  }
  const lineStart = text.lastIndexOf("\n", last.range[0]) + 1;
  const indent = /^\s*-\s*/.exec(text.slice(lineStart))?.[0] ?? "- ";
  const lineEnd = text.indexOf("\n", last.range[1]);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  const newline = lineEnd < 0 ? "\n" : "";
  return `${text.slice(0, at)}${newline}${indent}${scalarSource(value, last)}\n${text.slice(at)}`;
}

export interface ScalarChange {
  /** Dotted path of the value, e.g. `config.gitops-platform:infra.clusterName`. */
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Rewrites every string value (never a key) that `rename` changes, and every comment, splicing each
 * in place. Returns the new text and the values it changed, in file order.
 */
export function renameInValues(
  text: string,
  file: string,
  rename: (value: string) => string,
  /** Values under these key paths (`config.gitops-platform:tier`) stay as they are. */
  keep: (path: string) => boolean = () => false,
): { text: string; changes: ScalarChange[] } {
  const doc = parsed(text, file);
  const edits: { start: number; end: number; source: string; change: ScalarChange }[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.range) return;
      const after = rename(node.value);
      if (after === node.value) return;
      const path = ancestors
        .flatMap((a) => (isMap(a) ? [] : "key" in a && isScalar(a.key) ? [String(a.key.value)] : []))
        .join(".");
      if (keep(path)) return;
      edits.push({
        start: node.range[0],
        end: node.range[1],
        source: scalarSource(after, node),
        change: { path, before: node.value, after },
      });
    },
  });
  let next = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    next = `${next.slice(0, edit.start)}${edit.source}${next.slice(edit.end)}`;
  }
  return { text: renameInComments(next, rename), changes: edits.map((e) => e.change) };
}

/** The comment part of each line (from a `#` outside quotes that starts the line or follows a space). */
function renameInComments(text: string, rename: (value: string) => string): string {
  return text
    .split("\n")
    .map((line) => {
      let quote: string | undefined;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
          if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i) + rename(line.slice(i));
      }
      return line;
    })
    .join("\n");
}
