"use strict";
// The fake CLI's errors and version arithmetic.

/** An error the CLI reports as `error: <message>`; `kind` picks the exit code on CLIs with semantic codes. */
class CliError extends Error {
  constructor(message, kind = "generic") {
    super(message);
    this.kind = kind;
  }
}

function compareVersions(a, b) {
  const pa = a.replace(/^v/, "").split(/[.-]/).map(Number);
  const pb = b.replace(/^v/, "").split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

module.exports = { CliError, compareVersions };
