"use strict";
/*
 * Loads TypeScript as `ts-node/register` does with this project's tsconfig (transpile only, no type
 * check), and keeps what TypeScript's transpiler writes on disk, keyed by the file's text and
 * extension, the TypeScript version and the compiler options. Transpiling is most of what starting the CLI
 * costs: 44 % of the CPU of `synth --layer infra` in a fresh process (a V8 CPU profile, 2026-12-03),
 * and the tests start the CLI, mocha workers and other TypeScript processes dozens of times. ts-node
 * keeps no cache between processes, so this one does, in node_modules/.cache (the usual place for
 * tools' caches; copies of the project that link node_modules share it). A changed file has a new
 * key; `rm -rf node_modules/.cache/gitops-platform-ts` empties it.
 */
const fs = require("node:fs");
const path = require("node:path");
const { cacheDir, entryFile } = require("./ts-cache");

const root = path.join(__dirname, "..");
const service = require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
const salt = `${require("typescript").version}\n${JSON.stringify(service.config.options)}\n`;

/** Transpiled text served from the cache, for stack traces: ts-node's source-map lookup only knows what it compiled. */
const served = new Map();
require("@cspotcode/source-map-support").install({
  environment: "node",
  retrieveFile: (file) => served.get(file) || "",
});

const compile = service.compile.bind(service);
const MAP = "//# sourceMappingURL=data:application/json;charset=utf-8;base64,";

/**
 * ts-node ends its output with an inline source map naming the file (dist/index.js, updateSourceMap).
 * The cache keeps the map without the name, so that the same text at another path (a copy of the
 * project, another commit checked out by `synth --diff`) is served too, named afresh.
 */
function named(entry, fileName) {
  const map = { ...entry.map, file: fileName, sources: [fileName] };
  return `${entry.code}${MAP}${Buffer.from(JSON.stringify(map), "utf8").toString("base64")}`;
}

// ts-node's require hook looks `service.compile` up on each call (dist/index.js, registerExtension).
service.compile = (code, fileName, lineOffset) => {
  const file = entryFile(salt, fileName, code);
  try {
    const output = named(JSON.parse(fs.readFileSync(file, "utf8")), fileName);
    served.set(fileName, output);
    touch(file);
    return output;
  } catch {
    const output = compile(code, fileName, lineOffset);
    const at = output.lastIndexOf(MAP);
    if (at < 0) return output;
    const entry = {
      code: output.slice(0, at),
      map: JSON.parse(Buffer.from(output.slice(at + MAP.length), "base64").toString("utf8")),
    };
    // Written whole under a temporary name, then renamed: processes starting side by side never read half a file.
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify(entry));
      fs.renameSync(temporary, file);
    } catch {
      fs.rmSync(temporary, { force: true });
    }
    return output;
  }
};

/** Marks an entry as used, for the cache's pruning (scripts/ts-cache.js); a failure only makes it look older. */
function touch(file) {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // Read-only or removed meanwhile.
  }
}

/** The cache entry `code` at `fileName` has or would have: for the loader's own tests. */
module.exports = { cacheEntryFile: (fileName, code) => entryFile(salt, fileName, code) };
