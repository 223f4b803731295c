import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";

/**
 * The content hash of directory trees: every regular file's path (relative to `root`) and bytes, in
 * a fixed order, so the hash changes exactly when what a renderer could read there changes. A
 * symbolic link is refused: what it points at could change without the tree changing.
 */
export function hashTrees(root: string, dirs: readonly string[]): string {
  const hash = createHash("sha256");
  const files = [...new Set(dirs.flatMap((dir) => filesOf(dir)))].sort();
  for (const file of files) {
    hash.update(`${path.relative(root, file)}\0`);
    hash.update(createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function filesOf(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      throw new InputError(
        `${full}: received a symbolic link; expected only files and directories in a chart or kustomization`,
      );
    }
    if (entry.isDirectory()) files.push(...filesOf(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
