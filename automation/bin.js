#!/usr/bin/env node
// The package's `gitops-platform` bin: loads the TypeScript CLI without type-checking it, which
// `npm test` does once with `tsc` (type-checking on every start would cost ~10 s; DESIGN.md), and
// with the transpiled files cached between runs (scripts/register.js).
require("../scripts/register.js");
require("./output.ts").endQuietlyWhenStdoutCloses();
require("./cli.ts")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
