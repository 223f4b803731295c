"use strict";
/*
 * Where scripts/register.js keeps transpiled TypeScript, and how big it may grow. Each distinct text
 * of a file is an entry, so editing, checking out other commits and mutation runs (whose
 * instrumented files are all different) add entries without end: on the development machine it
 * reached 8,820 entries and 2.2 GB in two weeks. A read touches its entry, and `prune` removes the
 * least recently used ones once the cache outgrows MAX_BYTES.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "gitops-platform-ts");

/** Far more than one checkout needs (the whole project transpiles to about 25 MB), far less than disks hold. */
const MAX_BYTES = 256 * 1024 * 1024;
/** What a prune leaves: room for a few more checkouts before the next one. */
const KEEP_BYTES = 128 * 1024 * 1024;

/** The entry for one text of a file: keyed by what the transpiler is given, never by the file's path. */
function entryFile(salt, fileName, code) {
  const key = crypto
    .createHash("sha256")
    .update(salt)
    .update(path.extname(fileName))
    .update("\n")
    .update(code)
    .digest("hex");
  return path.join(cacheDir, `${key}.json`);
}

/** Removes the least recently used entries (by modification time, which a read sets) when the cache is over MAX_BYTES. */
function prune({ dir = cacheDir, maxBytes = MAX_BYTES, keepBytes = KEEP_BYTES } = {}) {
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { removed: 0, bytes: 0 };
  }
  const entries = [];
  let bytes = 0;
  for (const name of names) {
    try {
      const stat = fs.statSync(path.join(dir, name));
      entries.push({ name, size: stat.size, used: stat.mtimeMs });
      bytes += stat.size;
    } catch {
      // Removed meanwhile by another prune.
    }
  }
  if (bytes <= maxBytes) return { removed: 0, bytes };
  entries.sort((a, b) => a.used - b.used);
  let removed = 0;
  for (const entry of entries) {
    if (bytes <= keepBytes) break;
    fs.rmSync(path.join(dir, entry.name), { force: true });
    bytes -= entry.size;
    removed += 1;
  }
  return { removed, bytes };
}

module.exports = { cacheDir, entryFile, prune };
