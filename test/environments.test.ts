import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT } from "../automation/synth/synth";
import { declarationOf, loadFleet, repositoryIdentity } from "../environments";
import { promotionWaves } from "../promotion";
import { discoverEnvironments } from "../stack";
import { inputErrorOf, removeTempDirs, tempDir } from "./support/gitops";

interface Declared {
  readonly tier?: unknown;
  readonly promotesFrom?: unknown;
  readonly environment?: unknown;
  readonly clusterName?: string;
  readonly stateRepo?: string;
}

/** A project holding one `Pulumi.<env>.yaml` per entry, with only the keys the fleet reads. */
function project(environments: Record<string, Declared>): string {
  const dir = tempDir("fleet");
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: gitops-platform\nruntime: nodejs\n");
  for (const [name, d] of Object.entries(environments)) {
    const config: Record<string, unknown> = {
      "gitops-platform:environment": "environment" in d ? d.environment : name,
      ...(d.tier === undefined ? {} : { "gitops-platform:tier": d.tier }),
      ...(d.promotesFrom === undefined ? {} : { "gitops-platform:promotesFrom": d.promotesFrom }),
      "gitops-platform:infra": { clusterName: d.clusterName ?? `gitops-${name}` },
      "gitops-platform:platform": {
        stateRepo: { url: d.stateRepo ?? `https://github.com/example-org/state-${name}.git` },
      },
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
  }
  return dir;
}

describe("environments as data", () => {
  after(removeTempDirs);

  describe("discovery: one environment per Pulumi.<env>.yaml", () => {
    it("finds the shipped environments, sorted", () => {
      assert.deepEqual(discoverEnvironments(REPO_ROOT), ["dev", "prod-eu", "production", "staging"]);
    });

    it("skips Pulumi.yaml and the stack files pulumi stack init writes (Pulumi.<layer>-<env>.yaml)", () => {
      const dir = project({ qa: { tier: "staging" }, "eu-2": { tier: "production" } });
      fs.writeFileSync(path.join(dir, "Pulumi.infra-qa.yaml"), "encryptionsalt: v1:c2FsdA==\n");
      fs.writeFileSync(path.join(dir, "Pulumi.gitops-eu-2.yaml"), "encryptionsalt: v1:c2FsdA==\n");
      assert.deepEqual(discoverEnvironments(dir), ["eu-2", "qa"]);
    });

    const refused: [string, string][] = [
      [
        "Pulumi.Prod.yaml",
        'Pulumi.Prod.yaml: environment name "Prod" is invalid; expected a DNS-1123 label: lower-case letters, ' +
          'digits and "-", starting and ending with a letter or digit, at most 63 characters (it names the stacks <layer>-<env>)',
      ],
      [
        "Pulumi.qa_2.yaml",
        'Pulumi.qa_2.yaml: environment name "qa_2" is invalid; expected a DNS-1123 label: lower-case letters, ' +
          'digits and "-", starting and ending with a letter or digit, at most 63 characters (it names the stacks <layer>-<env>)',
      ],
      [
        `Pulumi.${"a".repeat(64)}.yaml`,
        `Pulumi.${"a".repeat(64)}.yaml: environment name "${"a".repeat(64)}" is invalid`,
      ],
      ["Pulumi.qa.yml", "Pulumi.qa.yml: received a .yml config file; expected Pulumi.qa.yaml"],
      [
        "Pulumi.infra-old.yaml",
        'Pulumi.infra-old.yaml: environment name "infra-old" starts with the layer name "infra-"; expected a name ' +
          "that does not (Pulumi.infra-<env>.yaml is the file pulumi stack init writes for the stack infra-<env>; " +
          "delete it if old no longer exists)",
      ],
    ];
    for (const [file, message] of refused) {
      it(`refuses ${file}, naming it`, () => {
        const dir = project({ qa: { tier: "staging" } });
        fs.writeFileSync(path.join(dir, file), "config: {}\n");
        const error = inputErrorOf(() => discoverEnvironments(dir));
        assert.ok(error.startsWith(message), error);
      });
    }
  });

  describe("declarations", () => {
    it("reads each shipped environment's tier and promotion order", () => {
      const fleet = loadFleet(REPO_ROOT);
      assert.deepEqual(
        fleet.environments.map((e) => [e.name, e.tier, e.promotesFrom, e.clusterName]),
        [
          ["dev", "development", [], "gitops-dev"],
          ["prod-eu", "production", ["staging"], "gitops-prod-eu"],
          ["production", "production", ["staging"], "gitops-production"],
          ["staging", "staging", ["dev"], "gitops-staging"],
        ],
      );
    });

    it("takes one name or a list for promotesFrom", () => {
      const fleet = loadFleet(
        project({
          a: { tier: "development" },
          b: { tier: "development" },
          c: { tier: "staging", promotesFrom: ["a", "b", "a"] },
          d: { tier: "production", promotesFrom: "c" },
        }),
      );
      assert.deepEqual(declarationOf(fleet, "c").promotesFrom, ["a", "b"]);
      assert.deepEqual(declarationOf(fleet, "d").promotesFrom, ["c"]);
    });

    const bad: [string, Record<string, Declared>, string][] = [
      [
        "a tier is missing",
        { qa: {} },
        'Pulumi.qa.yaml: gitops-platform:tier: received nothing (the key is missing); expected one of "production", "staging", "development"',
      ],
      [
        "a tier is wrong",
        { qa: { tier: "prod" } },
        'Pulumi.qa.yaml: gitops-platform:tier: received "prod"; expected one of "production", "staging", "development"',
      ],
      [
        "the file names another environment",
        { qa: { tier: "staging", environment: "staging" } },
        'Pulumi.qa.yaml: gitops-platform:environment: received "staging"; expected "qa": this file holds the config of the qa stacks and must say so',
      ],
      [
        "promotesFrom is not a name",
        { qa: { tier: "staging", promotesFrom: 3 } },
        "Pulumi.qa.yaml: gitops-platform:promotesFrom: received 3; expected an environment name or a list of them",
      ],
      [
        "promotesFrom lists a name that is not a DNS-1123 label",
        { qa: { tier: "staging", promotesFrom: ["Dev"] } },
        'Pulumi.qa.yaml: gitops-platform:promotesFrom[0]: received "Dev"; expected an environment name, a DNS-1123 ' +
          'label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
      ],
      [
        "promotesFrom names an environment with no file",
        { qa: { tier: "staging", promotesFrom: "dev" } },
        'Pulumi.qa.yaml: gitops-platform:promotesFrom: received "dev", which has no Pulumi.dev.yaml; expected one of the environments: qa',
      ],
      [
        "an environment promotes from itself",
        { qa: { tier: "staging", promotesFrom: "qa" } },
        "Pulumi.qa.yaml: gitops-platform:promotesFrom: the promotion order has a cycle qa -> qa (each promotes from the next); " +
          "expected an order without cycles, where a change reaches every environment after the ones it promotes from",
      ],
      [
        "the promotion order has a cycle",
        {
          dev: { tier: "development" },
          qa: { tier: "staging", promotesFrom: ["dev", "uat"] },
          uat: { tier: "staging", promotesFrom: "live" },
          live: { tier: "production", promotesFrom: "qa" },
        },
        "Pulumi.live.yaml, Pulumi.qa.yaml, Pulumi.uat.yaml: gitops-platform:promotesFrom: the promotion order has a " +
          "cycle live -> qa -> uat -> live (each promotes from the next); expected an order without cycles, where a " +
          "change reaches every environment after the ones it promotes from",
      ],
      [
        "two environments claim one cluster",
        { a: { tier: "staging", clusterName: "shared" }, b: { tier: "production", clusterName: "shared" } },
        'Pulumi.a.yaml, Pulumi.b.yaml: gitops-platform:infra.clusterName: received "shared" (a), "shared" (b); ' +
          "expected one cluster name per environment (each environment is its own cluster with its own state repo)",
      ],
      [
        "two environments claim one state repo, spelled differently",
        {
          a: { tier: "staging", stateRepo: "https://GitHub.com/org/state.git" },
          b: { tier: "production", stateRepo: "git@github.com:org/state" },
        },
        'Pulumi.a.yaml, Pulumi.b.yaml: gitops-platform:platform.stateRepo.url: received "https://GitHub.com/org/state.git" (a), ' +
          '"git@github.com:org/state" (b); expected one state repo per environment (each environment is its own ' +
          "cluster with its own state repo)",
      ],
    ];
    for (const [what, environments, message] of bad) {
      it(`fails when ${what}, naming the files`, () => {
        assert.equal(
          inputErrorOf(() => loadFleet(project(environments))),
          message,
        );
      });
    }

    it("reports every file's problem at once", () => {
      const dir = project({ a: { tier: "live" }, b: {} });
      assert.equal(
        inputErrorOf(() => loadFleet(dir)),
        [
          'Pulumi.a.yaml: gitops-platform:tier: received "live"; expected one of "production", "staging", "development"',
          'Pulumi.b.yaml: gitops-platform:tier: received nothing (the key is missing); expected one of "production", "staging", "development"',
        ].join("\n"),
      );
    });

    it("reads a changed file again", () => {
      const dir = project({ qa: { tier: "staging" } });
      assert.equal(declarationOf(loadFleet(dir), "qa").tier, "staging");
      fs.writeFileSync(
        path.join(dir, "Pulumi.qa.yaml"),
        stringify({ config: { "gitops-platform:environment": "qa", "gitops-platform:tier": "production" } }),
      );
      assert.equal(declarationOf(loadFleet(dir), "qa").tier, "production");
    });

    it("names the existing environments for one that has no file", () => {
      assert.equal(
        inputErrorOf(() => declarationOf(loadFleet(REPO_ROOT), "qa")),
        `environment "qa": no Pulumi.qa.yaml in ${REPO_ROOT}; expected one of the environments: dev, prod-eu, production, staging`,
      );
    });
  });

  describe("state repo identity", () => {
    const same: [string, string][] = [
      ["https://github.com/org/state.git", "github.com/org/state"],
      ["https://GITHUB.com/org/state/", "github.com/org/state"],
      ["ssh://git@github.com/org/state.git", "github.com/org/state"],
      ["git@github.com:org/state.git", "github.com/org/state"],
      ["https://gitlab.example.com:8443/group/sub/state", "gitlab.example.com/group/sub/state"],
      ["file:///srv/git/state.git", "/srv/git/state"],
      ["../state.git", "/work/state"],
      ["/srv/git/state", "/srv/git/state"],
    ];
    for (const [url, identity] of same) {
      it(`reads ${url} as ${identity}`, () => assert.equal(repositoryIdentity(url, "/work/project"), identity));
    }
  });

  describe("promotion waves", () => {
    const node = (name: string, promotesFrom: string[] = []) => ({ name, file: `Pulumi.${name}.yaml`, promotesFrom });

    it("puts each environment after everything it promotes from, by its longest chain", () => {
      const fleet = [
        node("dev"),
        node("staging", ["dev"]),
        node("perf", ["dev"]),
        node("prod-us", ["staging"]),
        node("prod-eu", ["prod-us", "perf"]),
        node("sandbox"),
      ];
      assert.deepEqual(promotionWaves(fleet), [["dev", "sandbox"], ["perf", "staging"], ["prod-us"], ["prod-eu"]]);
    });

    it("keeps the order of the whole graph for a selection of it", () => {
      const fleet = [node("dev"), node("staging", ["dev"]), node("prod-us", ["staging"]), node("prod-eu", ["prod-us"])];
      assert.deepEqual(
        promotionWaves(fleet, (name) => name.startsWith("prod")),
        [["prod-us"], ["prod-eu"]],
      );
      assert.deepEqual(
        promotionWaves(fleet, (name) => name === "dev" || name === "prod-eu"),
        [["dev"], ["prod-eu"]],
      );
    });
  });
});
