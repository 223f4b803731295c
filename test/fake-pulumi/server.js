"use strict";
/*
 * Serves the fake CLI from the test process. bin/pulumi, started by the Automation API as usual,
 * connects to this port when PULUMI_FAKE_SERVER names it, sends its command line, working directory
 * and PULUMI_* variables, and prints what `run` answers. The SDK still starts an executable and reads
 * its stdout, stderr and exit code; what is saved is a Node start per command. The test process must
 * not block while a command it started waits for the answer: give the port only to what the SDK
 * starts (spawn), never to a spawnSync'd process.
 */
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { run } = require("./fake-pulumi");

/**
 * The request, once whole: `<cwd>\0<count>\0<arg>\0...<NAME=value>\0...\0`. Arguments may be empty;
 * the variables never are, so the first empty field after the arguments ends the request.
 */
function parseRequest(text) {
  const fields = text.split("\0");
  if (fields.length < 3) return undefined;
  const [cwd, count] = fields;
  const variablesAt = 2 + Number(count);
  const end = fields.indexOf("", variablesAt);
  // The last field is whatever follows the final NUL: the request is whole when the empty one comes before it.
  if (end < 0 || end === fields.length - 1) return undefined;
  const env = {};
  for (const variable of fields.slice(variablesAt, end)) {
    const at = variable.indexOf("=");
    env[variable.slice(0, at)] = variable.slice(at + 1);
  }
  return { cwd, args: fields.slice(2, variablesAt), env };
}

/**
 * The SDK reads a JSON-lines event log (CLIs up to 3.205.0) with @logdna/tail-file: one read when it
 * starts, then every 200 ms, and a last one when the command has exited. A command that exits while
 * the first read is still under way loses the events written meanwhile: that last read resolves on the
 * first one's end (tail-file's quit awaits any 'flush'). The real CLI, and the fake in a Node process
 * of its own, take well over the first read's few milliseconds; answered from here, a command takes
 * about as long as that Node start did.
 */
const EVENT_LOG_SETTLE_MS = 100;

function tailsEventLogFile(args) {
  const at = args.indexOf("--event-log");
  return at >= 0 && !String(args[at + 1]).startsWith("tcp://");
}

function answer(socket) {
  let text = "";
  let answered = false;
  let dir;
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    text += chunk;
    const request = answered ? undefined : parseRequest(text);
    if (!request) return;
    answered = true;
    const started = Date.now();
    void run(request.args, { env: request.env, cwd: request.cwd }).then(async ({ code, stdout, stderr }) => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-answer-"));
      fs.writeFileSync(path.join(dir, "stdout"), stdout);
      fs.writeFileSync(path.join(dir, "stderr"), stderr);
      const wait = EVENT_LOG_SETTLE_MS - (Date.now() - started);
      if (tailsEventLogFile(request.args) && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      socket.end(`${code} ${dir}\n`);
    });
  });
  socket.on("error", () => undefined);
  socket.on("close", () => dir && fs.rmSync(dir, { recursive: true, force: true }));
}

let port;

/** Starts serving (once per process) and returns the port for PULUMI_FAKE_SERVER. It never keeps the process alive. */
function serveFakePulumi() {
  port ??= new Promise((resolve, reject) => {
    const server = net.createServer(answer);
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve(server.address().port);
    });
  });
  return port;
}

module.exports = { parseRequest, serveFakePulumi };
