import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseGitopsConfig } from "../gitops/config";
import { MAX_YAML_BYTES } from "../input-files";
import { readEnvironmentConfig } from "../stack";
import { inputErrorOf, removeTempDirs, tempDir } from "./support/gitops";

/** The smallest config file the readers accept, plus `extra` lines under `config:`. */
function configText(extra = ""): string {
  return `config:\n  gitops-platform:environment: staging\n${extra}`;
}

/** The error reading `text` as Pulumi.staging.yaml gives, with the temp dir shown as <dir>. */
function errorOf(text: string): string {
  const dir = tempDir("config");
  fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), text);
  return inputErrorOf(() => readEnvironmentConfig(dir, "staging"))
    .split(dir)
    .join("<dir>");
}

const KNOWN =
  "argocdOidcClientSecret, argocdSlackToken, argocdWebhookToken, environment, gitops, guardrails, infra, platform, " +
  "promotesFrom, stateRepoSshKey, stateRepoToken, tier";
const SECRET_KEYS =
  "gitops-platform:stateRepoToken, gitops-platform:stateRepoSshKey, gitops-platform:argocdSlackToken, " +
  "gitops-platform:argocdWebhookToken, gitops-platform:argocdOidcClientSecret";
const F = "Pulumi.staging.yaml";

describe("bad input: environment config files", () => {
  after(removeTempDirs);

  describe("a file that is not a config map says what it is", () => {
    const cases: [string, string, string][] = [
      ["an empty file", "", `${F}: received an empty file; expected a Pulumi stack config file with a config: map`],
      [
        "a file of blank lines",
        "\n\n  \n",
        `${F}: received an empty file; expected a Pulumi stack config file with a config: map`,
      ],
      [
        "a file of comments only",
        "# nothing yet\n",
        `${F}: received an empty file; expected a Pulumi stack config file with a config: map`,
      ],
      ["a YAML list", "- a\n- b\n", `${F}: received a YAML list at the top level; expected a map with a config: key`],
      ["a flow list", "[config]\n", `${F}: received a YAML list at the top level; expected a map with a config: key`],
      [
        "a scalar",
        "staging\n",
        `${F}: received the scalar "staging" at the top level; expected a map with a config: key`,
      ],
      ["a number", "42\n", `${F}: received the scalar 42 at the top level; expected a map with a config: key`],
      ["config as a list", "config:\n  - a\n", `${F}: config: received ["a"]; expected a map of keys`],
      ["config as a scalar", "config: staging\n", `${F}: config: received "staging"; expected a map of keys`],
      [
        "unclosed flow",
        "config: {a: 1\n",
        `${F}: received invalid YAML (unexpected end of the stream within a flow collection at line 2, column 1); expected a Pulumi stack config file`,
      ],
      [
        "a tab indentation",
        "config:\n\tgitops-platform:environment: staging\n",
        `${F}: received invalid YAML (tab characters must not be used in indentation at line 2, column 1); expected a Pulumi stack config file`,
      ],
      [
        "a duplicate key",
        "config:\n  a: 1\n  a: 2\n",
        `${F}: received invalid YAML (duplicated mapping key at line 3, column 3); expected a Pulumi stack config file`,
      ],
    ];
    for (const [what, text, expected] of cases) it(`fails on ${what}`, () => assert.equal(errorOf(text), expected));
  });

  describe("the file must name the environment it is for", () => {
    const cases: [string, string, string][] = [
      ["a missing environment", "config:\n  gitops-platform:infra: {}\n", "nothing (the key is missing)"],
      ["the other environment", "config:\n  gitops-platform:environment: production\n", '"production"'],
      ["an unqualified other environment", "config:\n  environment: production\n", '"production"'],
      ["a misspelled environment", "config:\n  gitops-platform:environment: stagin\n", '"stagin"'],
      ["an environment in capitals", "config:\n  gitops-platform:environment: STAGING\n", '"STAGING"'],
      ["a number", "config:\n  gitops-platform:environment: 1\n", "1"],
      ["a map", "config:\n  gitops-platform:environment: {name: staging}\n", '{"name":"staging"}'],
    ];
    for (const [what, text, received] of cases) {
      it(`fails on ${what}`, () =>
        assert.equal(
          errorOf(text),
          `${F}: gitops-platform:environment: received ${received}; expected "staging": this file holds the config ` +
            "of the staging stacks and must say so",
        ));
    }
  });

  describe("unknown keys of the project's namespace are refused, with a guess", () => {
    const cases: [string, string, string, string?][] = [
      ["a colour", "gitops-platform:colour: red", "gitops-platform:colour"],
      ["a misspelled secret", "gitops-platform:stateRepoTokn: x", "gitops-platform:stateRepoTokn", "stateRepoToken"],
      ["a misspelled section", "gitops-platform:infar: {}", "gitops-platform:infar", "infra"],
      ["a section in capitals", "gitops-platform:Gitops: {}", "gitops-platform:Gitops", "gitops"],
      ["an unqualified unknown key", "colour: red", "gitops-platform:colour"],
      ["an unqualified misspelled key", "guardrail: {}", "gitops-platform:guardrail", "guardrails"],
      ["a plural section", "gitops-platform:platforms: {}", "gitops-platform:platforms", "platform"],
      [
        "a webhook token typo",
        "gitops-platform:argocdWebhokToken: x",
        "gitops-platform:argocdWebhokToken",
        "argocdWebhookToken",
      ],
    ];
    for (const [what, line, key, guess] of cases) {
      it(`fails on ${what}`, () =>
        assert.equal(
          errorOf(configText(`  ${line}\n`)),
          `${F}: ${key}: unknown key; expected one of the known keys of gitops-platform: ${KNOWN}` +
            (guess ? ` (did you mean gitops-platform:${guess}?)` : ""),
        ));
    }

    it("accepts keys of other namespaces, which belong to providers", () => {
      const dir = tempDir("config");
      fs.writeFileSync(path.join(dir, F), configText("  aws:region: eu-west-1\n  kubernetes:context: x\n"));
      assert.deepEqual(Object.keys(readEnvironmentConfig(dir, "staging").values).sort(), [
        "aws:region",
        "gitops-platform:environment",
        "kubernetes:context",
      ]);
    });
  });

  describe("a secure: value lives only in a secret key of its own", () => {
    const cases: [string, string, string][] = [
      [
        "inside the infra section",
        "  gitops-platform:infra:\n    token:\n      secure: v1:abc\n",
        "gitops-platform:infra.token",
      ],
      [
        "deep inside the platform section",
        "  gitops-platform:platform:\n    releases:\n      argo-cd:\n        password:\n          secure: v1:abc\n",
        "gitops-platform:platform.releases.argo-cd.password",
      ],
      [
        "in a list of a section",
        "  gitops-platform:gitops:\n    notifications:\n      - secure: v1:abc\n",
        "gitops-platform:gitops.notifications[0]",
      ],
      [
        "as the guardrails section",
        "  gitops-platform:guardrails:\n    secure: v1:abc\n",
        "gitops-platform:guardrails",
      ],
      [
        "nested in a secret key",
        "  gitops-platform:stateRepoToken:\n    value:\n      secure: v1:abc\n",
        "gitops-platform:stateRepoToken.value",
      ],
    ];
    for (const [what, lines, key] of cases) {
      it(`fails on a secret ${what}`, () =>
        assert.equal(
          errorOf(configText(lines)),
          `${F}: ${key}: received a secure: value; expected secrets only in their own keys (${SECRET_KEYS}), never inside a section`,
        ));
    }

    it("fails on a secure environment, without decrypting anything", () =>
      assert.equal(
        errorOf("config:\n  gitops-platform:environment:\n    secure: v1:abc\n"),
        `${F}: gitops-platform:environment: received a secure: value; expected secrets only in their own keys (${SECRET_KEYS}), never inside a section`,
      ));
  });

  describe("pathological YAML is refused by the hardened reader, naming the file", () => {
    it("fails on an alias bomb before expanding it", () => {
      const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
      }
      const bomb = `config:\n  gitops-platform:environment: staging\n  gitops-platform:gitops:\n${levels.map((l) => `    ${l}`).join("\n")}\n`;
      const started = Date.now();
      assert.match(errorOf(bomb), /^Pulumi\.staging\.yaml: received YAML whose aliases expand to more than \d+ nodes/);
      assert.ok(Date.now() - started < 5_000, "refused without expanding it");
    });

    it("fails on nesting deeper than the limit", () => {
      const deep = `config:\n  gitops-platform:gitops: ${"[".repeat(100)}${"]".repeat(100)}\n`;
      assert.match(
        errorOf(deep),
        /^Pulumi\.staging\.yaml: received invalid YAML \(nesting exceeded maxDepth \(64\) at line 2, column \d+\); expected a Pulumi stack config file$/,
      );
    });

    it("fails on a __proto__ key at its real key path", () =>
      assert.equal(
        errorOf(configText("  gitops-platform:gitops:\n    sync:\n      __proto__: {automated: true}\n")),
        `${F}: config.gitops-platform:gitops.sync.__proto__: received the key "__proto__"; expected another key ` +
          "(JavaScript reads this one as the prototype of the map)",
      ));

    it("fails on a file larger than the limit before reading it", () => {
      const big = configText(`  gitops-platform:gitops: "${"x".repeat(MAX_YAML_BYTES)}"\n`);
      assert.match(
        errorOf(big),
        new RegExp(`^${F}: received a file of \\d+ bytes; expected at most ${MAX_YAML_BYTES}$`),
      );
    });
  });

  describe("links out of the project are refused before reading", () => {
    it("fails on a config file that is a link to a file outside the project", () => {
      const outside = tempDir("outside");
      fs.writeFileSync(path.join(outside, "secret.yaml"), "root:x:0:0:root:/root:/bin/bash\n");
      const dir = tempDir("config");
      fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(dir, F));
      const message = inputErrorOf(() => readEnvironmentConfig(dir, "staging"));
      assert.equal(
        message,
        `${F}: is a symbolic link to ${fs.realpathSync(path.join(outside, "secret.yaml"))}, outside ${dir}; ` +
          "expected a file inside the project (links out of it are never read or written)",
      );
      assert.ok(!message.includes("root:x"));
    });

    it("reads a config file that is a link inside the project", () => {
      const dir = tempDir("config");
      fs.mkdirSync(path.join(dir, "envs"));
      fs.writeFileSync(path.join(dir, "envs", "staging.yaml"), configText());
      fs.symlinkSync(path.join("envs", "staging.yaml"), path.join(dir, F));
      assert.equal(readEnvironmentConfig(dir, "staging").values["gitops-platform:environment"], "staging");
    });

    it("fails on a config path that is a FIFO instead of hanging on it", () => {
      const dir = tempDir("config");
      execFileSync("mkfifo", [path.join(dir, F)]);
      assert.equal(
        inputErrorOf(() => readEnvironmentConfig(dir, "staging")),
        `${F}: received something that is not a file; expected a YAML file`,
      );
    });

    it("fails on a config path that is a directory", () => {
      const dir = tempDir("config");
      fs.mkdirSync(path.join(dir, F));
      assert.equal(
        inputErrorOf(() => readEnvironmentConfig(dir, "staging")),
        `${F}: received something that is not a file; expected a YAML file`,
      );
    });
  });

  describe("received values are cut in every error", () => {
    const cases: [string, unknown, RegExp][] = [
      [
        "a 1 MB mode",
        { mode: "m".repeat(1_000_000) },
        /gitops\.mode: received "m{199}… \(1000002 characters\); expected one of/,
      ],
      [
        "a 1 MB unknown key",
        { ["k".repeat(1_000_000)]: 1 },
        /gitops-platform:gitops\.k{200}… \(1000000 characters\): unknown key; expected one of the known keys/,
      ],
      [
        "a list of 50,000 bad items, listing 20 of them",
        { notifications: Array(50_000).fill("x") },
        /^Pulumi\.staging\.yaml: 50003 invalid values under gitops-platform:gitops:\n(?: {2}- .+\n){20} {2}- … and 49983 more$/,
      ],
    ];
    for (const [what, raw, expected] of cases) {
      it(`stays short on ${what}`, () => {
        const message = inputErrorOf(() => parseGitopsConfig(raw, F));
        assert.match(message, expected);
        assert.ok(message.length < 3_000, `a ${message.length}-character message`);
      });
    }
  });
});
