import * as assert from "node:assert/strict";
import * as path from "node:path";
import { FAKE_PULUMI_ROOT } from "./support/fake-pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseRequest } = require(path.join(FAKE_PULUMI_ROOT, "server.js")) as {
  parseRequest: (text: string) => { cwd: string; args: string[]; env: Record<string, string> } | undefined;
};

describe("the fake pulumi's requests to the test process (test/fake-pulumi/server.js)", () => {
  // What bin/pulumi sends: the directory, the count of arguments, the arguments, the variables, an empty field.
  const whole = ["/work", "3", "stack", "", "--json", "PULUMI_A=1", "PULUMI_B=x=y", "", ""].join("\0");

  it("GIVEN a whole request THEN it has the directory, every argument (an empty one too) and each variable", () => {
    assert.deepEqual(parseRequest(whole), {
      cwd: "/work",
      args: ["stack", "", "--json"],
      env: { PULUMI_A: "1", PULUMI_B: "x=y" },
    });
  });

  it("GIVEN a request cut anywhere before its last field THEN it is not whole yet", () => {
    for (let end = 0; end < whole.length - 1; end++)
      assert.equal(parseRequest(whole.slice(0, end)), undefined, `${end}`);
  });

  it("GIVEN a request without variables THEN the empty field after the arguments ends it", () => {
    assert.deepEqual(parseRequest(["/w", "1", "version", "", ""].join("\0")), {
      cwd: "/w",
      args: ["version"],
      env: {},
    });
  });
});
