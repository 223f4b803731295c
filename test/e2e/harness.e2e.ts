import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { LOG_DIR, startEtcd } from "./support/control-plane";
import { binary, freePort, HarnessError, pollUntil, runningServers, ServerProcess } from "./support/process";

/**
 * The harness fails loudly and cleanly: each failure names its step and what to do, and leaves no
 * process or directory behind (the root hook checks both after the run).
 */
describe("the e2e harness, when something is wrong", function () {
  const logDir = path.join(LOG_DIR, "harness-test");

  it("names the missing binary and the command that builds it", function () {
    assert.throws(() => binary("kube-scheduler"), {
      name: "HarnessError",
      message:
        /kube-scheduler is not built: .*\.e2e\/bin\/kube-scheduler is missing\. Run `npm run e2e:tools` first \(it needs Go\)\./,
    });
  });

  it("reports a port already taken as the server's own exit, with its log", async function () {
    const serversBefore = runningServers();
    const holder = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-e2e-etcd-"));
    try {
      await assert.rejects(startEtcd(dataDir, logDir, { client: port, peer: await freePort() }), (error: Error) => {
        assert.ok(error instanceof HarnessError);
        assert.match(
          error.message,
          new RegExp(`etcd on http://127.0.0.1:${port} becoming healthy: etcd stopped \\(exit code \\d+\\)`),
        );
        assert.match(error.message, /address already in use/);
        return true;
      });
    } finally {
      holder.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    assert.deepEqual(runningServers(), serversBefore, "the failed etcd is gone");
  });

  it("gives up on a server that never becomes ready, within the bound, saying what it saw last", async function () {
    const sleeper = new ServerProcess({ name: "never-ready", command: "sleep", args: ["60"], logDir });
    const started = Date.now();
    try {
      await assert.rejects(
        pollUntil({
          what: "never-ready answering",
          timeoutMs: 1000,
          intervalMs: 100,
          process: sleeper,
          probe: () => Promise.resolve({ last: "connection refused" }),
        }),
        { name: "HarnessError", message: "never-ready answering: not done within 1 s; last seen: connection refused" },
      );
      assert.ok(Date.now() - started < 5000, "the poll is bounded");
    } finally {
      await sleeper.stop();
    }
    assert.equal(sleeper.exitedWith, "signal SIGTERM");
  });

  it("tells a machine without Go what e2e:tools needs, and exits non-zero", function () {
    const script = path.join(__dirname, "tools", "build.ts");
    const result = spawnSync(process.execPath, ["-r", "ts-node/register", script], {
      encoding: "utf8",
      env: { ...process.env, PATH: path.dirname(process.execPath) },
      cwd: path.resolve(__dirname, "..", ".."),
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /e2e:tools needs Go 1\.26 or later on PATH, with access to a Go module proxy/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, "no stack trace");
  });
});
