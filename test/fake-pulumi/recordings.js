"use strict";
// Reads recorded engine-event streams: one JSON object per line (as `--event-log` writes them) or
// pretty-printed objects one after another (as pulumi/pulumi publishes its display test data).
const fs = require("node:fs");
const path = require("node:path");

const RECORDINGS_DIR = path.join(__dirname, "..", "fixtures", "pulumi-engine-events");

/** @returns {Record<string, unknown>[]} */
function readRecording(file) {
  const full = path.isAbsolute(file) ? file : path.join(RECORDINGS_DIR, file);
  return parseConcatenatedJson(fs.readFileSync(full, "utf8"));
}

/** Splits text holding JSON objects back to back (any whitespace between them) into the objects. */
function parseConcatenatedJson(text) {
  const objects = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}") {
      depth--;
      if (depth === 0) objects.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return objects;
}

module.exports = { RECORDINGS_DIR, readRecording, parseConcatenatedJson };
