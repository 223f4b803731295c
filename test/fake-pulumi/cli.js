"use strict";
// The fake CLI in a process of its own: bin/pulumi runs this when no test process serves it (server.js).
const { run } = require("./fake-pulumi");

run(process.argv.slice(2), { env: process.env, cwd: process.cwd() }).then(({ code, stdout, stderr }) => {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
});
