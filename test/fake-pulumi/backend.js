"use strict";
// The fake CLI's DIY state backend, laid out like the real one under `<PULUMI_BACKEND_URL>/.pulumi/`.
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { CliError } = require("./errors");

function backend(project, env) {
  const url = env.PULUMI_BACKEND_URL;
  if (!url) throw new CliError("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
  if (!url.startsWith("file://")) throw new CliError(`the fake pulumi emulates file:// backends only, not ${url}`);
  const root = path.join(url.slice("file://".length), ".pulumi");
  const stackFile = (stack) => path.join(root, "stacks", project, `${stack}.json`);
  const lockDir = (stack) => path.join(root, "locks", "organization", project, stack);
  const historyDir = (stack) => path.join(root, "history", project, stack);
  return {
    url,
    exists: (stack) => fs.existsSync(stackFile(stack)),
    read(stack) {
      if (!fs.existsSync(stackFile(stack))) throw new CliError(`no stack named '${stack}' found`, "stack-not-found");
      return JSON.parse(fs.readFileSync(stackFile(stack), "utf8"));
    },
    write(stack, state) {
      fs.mkdirSync(path.dirname(stackFile(stack)), { recursive: true });
      fs.writeFileSync(stackFile(stack), JSON.stringify(state, null, 2));
    },
    lock(stack) {
      const dir = lockDir(stack);
      const held = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
      if (held.length > 0) {
        const lines = held.map((f) => {
          const info = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
          return `  file://${path.join(dir, f)}: created by ${info.username}@${info.hostname} (pid ${info.pid}) at ${info.timestamp}`;
        });
        throw new CliError(
          `the stack is currently locked by ${held.length} lock(s). Either wait for the other process(es) to end ` +
            "or delete the lock file with `pulumi cancel`.\n" +
            lines.join("\n"),
        );
      }
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${crypto.randomUUID()}.json`);
      const info = { pid: process.pid, username: os.userInfo().username, hostname: os.hostname() };
      fs.writeFileSync(file, JSON.stringify({ ...info, timestamp: new Date().toISOString() }));
      return () => fs.rmSync(file, { force: true });
    },
    history(stack) {
      const dir = historyDir(stack);
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir)
        .sort()
        .reverse()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
    },
    record(stack, entry) {
      const dir = historyDir(stack);
      fs.mkdirSync(dir, { recursive: true });
      const version = this.history(stack).length + 1;
      const file = path.join(dir, `${stack}-${String(version).padStart(6, "0")}.history.json`);
      fs.writeFileSync(file, JSON.stringify({ ...entry, version }));
    },
  };
}

function requirePassphrase(state, env) {
  if (state.secretsProvider !== "passphrase") return;
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    throw new CliError(
      'constructing secrets manager of type "passphrase": passphrase must be set with PULUMI_CONFIG_PASSPHRASE or ' +
        "PULUMI_CONFIG_PASSPHRASE_FILE environment variables",
    );
  }
}

/** Config as the engine's prelude event shows it: strings, maps as JSON, secure values as "[secret]". */
module.exports = { backend, requirePassphrase };
