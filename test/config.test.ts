import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { toProgramConfig } from "../automation/synth/mock-engine";
import { REPO_ROOT } from "../automation/synth/synth";
import { hasUrlCredentials, InputError, parseConfig, redactUrlCredentials } from "../config";
import { parseGitopsConfig } from "../gitops/config";
import { parseInfraConfig } from "../infra/config";
import { parsePlatformConfig } from "../platform/config";
import { parseGuardrailsConfig } from "../policy/config";
import { parseEnvironmentDeclaration } from "../environments";
import { discoverEnvironments, readEnvironmentConfig } from "../stack";
import { removeTempDirs, tempDir } from "./support/temp";

const source = { file: "Pulumi.staging.yaml", key: "gitops-platform:example" };
const schema = z.strictObject({
  name: z.string(),
  size: z.number().int().min(1).max(10),
  mode: z.enum(["fast", "safe"]),
  pools: z.record(z.string(), z.strictObject({ min: z.number(), labels: z.array(z.string()).min(1).optional() })),
});
const valid = { name: "a", size: 2, mode: "fast", pools: { system: { min: 1 } } };

function errorOf(raw: unknown): string {
  try {
    parseConfig(schema, raw, source);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected the parse to fail");
}

describe("config parsing", () => {
  it("returns the typed value when the input is valid", () => {
    assert.deepEqual(parseConfig(schema, valid, source), valid);
  });

  const cases: [string, unknown, string][] = [
    [
      "an unknown key, listing the known ones",
      { ...valid, colour: "red" },
      "Pulumi.staging.yaml: gitops-platform:example.colour: unknown key; expected one of the known keys: mode, name, pools, size",
    ],
    [
      "an unknown key inside a map of maps",
      { ...valid, pools: { system: { min: 1, max: 2 } } },
      "Pulumi.staging.yaml: gitops-platform:example.pools.system.max: unknown key; expected one of the known keys: labels, min",
    ],
    [
      "a wrong type",
      { ...valid, size: "2" },
      'Pulumi.staging.yaml: gitops-platform:example.size: received "2"; expected a number',
    ],
    [
      "a missing required value",
      { name: "a", mode: "fast", pools: {} },
      "Pulumi.staging.yaml: gitops-platform:example.size: received nothing (the key is missing); expected a number",
    ],
    [
      "a value out of range",
      { ...valid, size: 11 },
      "Pulumi.staging.yaml: gitops-platform:example.size: received 11; expected at most 10",
    ],
    [
      "a value not in the enum",
      { ...valid, mode: "turbo" },
      'Pulumi.staging.yaml: gitops-platform:example.mode: received "turbo"; expected one of "fast", "safe"',
    ],
    [
      "an empty list where one item is needed",
      { ...valid, pools: { system: { min: 1, labels: [] } } },
      "Pulumi.staging.yaml: gitops-platform:example.pools.system.labels: received []; expected at least 1 item(s)",
    ],
    [
      "a missing section",
      undefined,
      "Pulumi.staging.yaml: gitops-platform:example: received nothing (the key is missing); expected a map of keys",
    ],
  ];
  for (const [what, raw, message] of cases) {
    it(`fails with one clear error for ${what}`, () => {
      assert.equal(errorOf(raw), message);
    });
  }

  it("lists every problem, one per line, when there are several", () => {
    assert.equal(
      errorOf({ ...valid, size: 0, mode: "x" }),
      [
        "Pulumi.staging.yaml: 2 invalid values under gitops-platform:example:",
        "  - Pulumi.staging.yaml: gitops-platform:example.size: received 0; expected at least 1",
        '  - Pulumi.staging.yaml: gitops-platform:example.mode: received "x"; expected one of "fast", "safe"',
      ].join("\n"),
    );
  });

  it("never echoes a value from a secret key", () => {
    assert.throws(() => parseConfig(schema, { ...valid, name: 42 }, { ...source, secret: true }), {
      message: "Pulumi.staging.yaml: gitops-platform:example.name: received [secret]; expected a string",
    });
  });

  it("shows the userinfo of every HTTP(S) URL as ***, and nothing else", () => {
    const text =
      "fatal: could not read https://x-access-token:ghp_abc@github.com/o/r.git/ nor http://tok@10.0.0.1:8080/r " +
      "from ssh://git@github.com/o/r.git, git@github.com:o/r.git or https://github.com/o/r.git";
    assert.equal(
      redactUrlCredentials(text),
      "fatal: could not read https://***@github.com/o/r.git/ nor http://***@10.0.0.1:8080/r " +
        "from ssh://git@github.com/o/r.git, git@github.com:o/r.git or https://github.com/o/r.git",
    );
    assert.equal(hasUrlCredentials("https://ghp_abc@github.com/o/r.git"), true);
    assert.equal(hasUrlCredentials("https://github.com/o/r.git"), false);
    assert.equal(hasUrlCredentials("git@github.com:o/r.git"), false);
  });
});

describe("shipped config files", () => {
  it("are the four shipped environments", () => {
    assert.deepEqual(discoverEnvironments(REPO_ROOT), ["dev", "prod-eu", "production", "staging"]);
  });

  for (const env of discoverEnvironments(REPO_ROOT)) {
    const config = readEnvironmentConfig(REPO_ROOT, env);

    it(`Pulumi.${env}.yaml names its own environment`, () => {
      assert.equal(config.values["gitops-platform:environment"], env);
    });

    it(`Pulumi.${env}.yaml parses under every layer's strict schema and the guardrails'`, () => {
      assert.doesNotThrow(() => parseInfraConfig(config.values["gitops-platform:infra"], config.file));
      assert.doesNotThrow(() => parsePlatformConfig(config.values["gitops-platform:platform"], config.file));
      assert.doesNotThrow(() => parseGitopsConfig(config.values["gitops-platform:gitops"], config.file));
      assert.doesNotThrow(() => parseGuardrailsConfig(config.values["gitops-platform:guardrails"], config.file));
      assert.doesNotThrow(() => parseEnvironmentDeclaration(env, config));
    });

    it(`Pulumi.${env}.yaml holds exactly the environment's declaration, the three layer sections and the guardrails`, () => {
      const known = ["environment", "tier", "infra", "platform", "gitops", "guardrails"];
      const promotes = env === "dev" ? [] : ["promotesFrom"];
      assert.deepEqual(
        Object.keys(config.values).sort(),
        [...known, ...promotes].map((k) => `gitops-platform:${k}`).sort(),
      );
    });
  }
});

describe("config file reading", () => {
  after(removeTempDirs);

  it("replaces secure values with a marker and lists their keys as secret, as the CLI would", () => {
    const dir = tempDir("config-file");
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      "config:\n  environment: staging\n  gitops-platform:stateRepoToken:\n    secure: v1:abc\n  aws:secretKey:\n    secure: v1:def\n  gitops-platform:platform:\n    replicas: 2\n",
    );
    const config = readEnvironmentConfig(dir, "staging");
    assert.deepEqual(config.values, {
      "gitops-platform:environment": "staging",
      "gitops-platform:stateRepoToken": "[secret]",
      "aws:secretKey": "[secret]",
      "gitops-platform:platform": { replicas: 2 },
    });
    assert.deepEqual(config.secretKeys, ["gitops-platform:stateRepoToken", "aws:secretKey"]);
    assert.deepEqual(toProgramConfig(config), {
      "gitops-platform:environment": "staging",
      "gitops-platform:stateRepoToken": "[secret]",
      "aws:secretKey": "[secret]",
      "gitops-platform:platform": '{"replicas":2}',
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the secrets provider the file records for its stacks", () => {
    const dir = tempDir("config-file");
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      "encryptionsalt: v1:c2FsdA==\nconfig:\n  gitops-platform:environment: staging\n",
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.production.yaml"),
      "secretsprovider: awskms://alias/gp\nconfig:\n  gitops-platform:environment: production\n",
    );
    assert.equal(readEnvironmentConfig(dir, "staging").secretsProvider, "passphrase");
    assert.equal(readEnvironmentConfig(dir, "production").secretsProvider, "awskms://alias/gp");
    assert.equal(readEnvironmentConfig(REPO_ROOT, "staging").secretsProvider, undefined);
  });
});
