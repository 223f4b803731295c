import * as assert from "node:assert/strict";
import { ARGOCD_APPS_VERIFIED_VERSION, CHART_KEYS } from "../platform/chart-keys";
import { COMPONENTS } from "../platform/components";
import {
  checkSecretsFit,
  isSshUrl,
  parsePlatformConfig,
  PlatformConfig,
  platformConfigSchema,
  PlatformSecretKey,
} from "../platform/config";
import { discoverEnvironments } from "../stack";
import { documentedKeyTable, generatedKeyTable, sectionOf, shippedConfig } from "./support/config";
import { inputErrorOf } from "./support/gitops";
import { PLATFORM_KEY } from "./support/platform";

/**
 * The platform section's schema, pure: what it accepts and, for what it refuses, the one error. That
 * the layer refuses before declaring anything is test/platform-config-load.test.ts's.
 */

type Section = Record<string, unknown> & {
  releases: Record<string, Record<string, unknown>>;
  stateRepo: Record<string, unknown>;
};

const FILE = "Pulumi.staging.yaml";
const AT = `${FILE}: ${PLATFORM_KEY}`;
const EXACT_VERSION = 'an exact chart version such as 1.2.3 (not "latest", not a range)';
const DNS_NAME = "/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$/";
const NAMESPACE = "/^[a-z0-9*]([-a-z0-9*]{0,61}[a-z0-9*])?$/";
const RESERVED =
  "a namespace (or glob) that matches none of monitoring, argocd, sealed-secrets, external-dns, logging, default, " +
  "kube-system, kube-public, kube-node-lease";

/** The shipped staging section, edited by `edit` (a deep copy). */
function section(edit: (s: Section) => void = () => {}): Section {
  const s = sectionOf(shippedConfig("staging"), PLATFORM_KEY) as Section;
  edit(s);
  return s;
}

const parsed = (edit: (s: Section) => void) => parsePlatformConfig(section(edit), FILE);
const errorOf = (edit: (s: Section) => void) => inputErrorOf(() => parsed(edit));
const label = (length: number) => "a".repeat(length);

describe("platform config", () => {
  for (const env of discoverEnvironments()) {
    it(`parses the shipped ${env} section, with every chart pinned at the version its keys were checked against`, () => {
      const config = parsePlatformConfig(sectionOf(shippedConfig(env), PLATFORM_KEY), `Pulumi.${env}.yaml`);
      for (const component of COMPONENTS) {
        assert.equal(config.releases[component].version, CHART_KEYS[component].verifiedVersion, component);
      }
      assert.equal(config.rootApp.chartVersion, ARGOCD_APPS_VERIFIED_VERSION);
    });
  }

  it("documents every key of the schema in docs/config.md's generated table", () => {
    assert.deepEqual(generatedKeyTable(platformConfigSchema), documentedKeyTable("platform-keys"));
  });

  describe("chart versions: exactly one version, never a range", () => {
    for (const version of ["1.2.3", "10.20.30", "1.2.3-rc.1", "1.2.3+build.5", "1.2.3-rc.1+b-2"]) {
      it(`accepts ${version}`, () => {
        assert.equal(parsed((s) => (s.releases["argo-cd"].version = version)).releases["argo-cd"].version, version);
        assert.equal(parsed((s) => (s.rootApp = { chartVersion: version })).rootApp.chartVersion, version);
      });
    }

    for (const version of [
      "latest",
      "^1.21.0",
      "~1.21",
      "1.x",
      ">=1.0.0",
      "1.21",
      "v1.2.3",
      "1.2.3x",
      "1.2.3-",
      "1.2.3+",
    ]) {
      it(`refuses ${version}, naming the key and what an exact version is`, () => {
        assert.equal(
          errorOf((s) => (s.releases["external-dns"].version = version)),
          `${AT}.releases.external-dns.version: received "${version}"; expected ${EXACT_VERSION}`,
        );
      });
    }

    it("refuses a range as the root app's chart version", () => {
      assert.equal(
        errorOf((s) => (s.rootApp = { chartVersion: "2.x" })),
        `${AT}.rootApp.chartVersion: received "2.x"; expected ${EXACT_VERSION}`,
      );
    });
  });

  describe("domain names (Argo CD's host, external-dns's filters)", () => {
    const accepted = [
      "a.io",
      "ab.io",
      `${label(63)}.example.com`,
      `x.${label(63)}`,
      // 253 characters in all, the most DNS allows.
      `${label(63)}.${label(63)}.${label(63)}.${label(61)}`,
    ];
    for (const domain of accepted) {
      it(`accepts a name of ${domain.length} characters such as ${domain.slice(0, 12)}…`, () => {
        assert.equal(parsed((s) => (s.releases["argo-cd"].domain = domain)).releases["argo-cd"].domain, domain);
      });
    }

    const refused: [string, string][] = [
      ["a name of 254 characters", `${label(63)}.${label(63)}.${label(63)}.${label(62)}`],
      ["a label of 64 characters", `${label(64)}.example.com`],
      ["a top-level domain of one letter", "example.c"],
      ["a top-level domain of 64 letters", `example.${label(64)}`],
      ["a label starting with -", "-argocd.example.com"],
      ["a label ending with -", "argocd-.example.com"],
      ["capitals before the name", "Xargocd.example.com"],
      ["a character after the name", "argocd.example.com!"],
      ["a single label", "localhost"],
    ];
    for (const [what, domain] of refused) {
      it(`refuses ${what}`, () => {
        const message = errorOf((s) => (s.releases["external-dns"].domainFilters = [domain]));
        assert.ok(
          message.startsWith(`${AT}.releases.external-dns.domainFilters[0]: received "${domain.slice(0, 100)}`),
        );
        assert.ok(message.endsWith(`; expected a string matching ${DNS_NAME}`), message);
      });
    }

    it("refuses an empty or missing list of domain filters", () => {
      assert.equal(
        errorOf((s) => (s.releases["external-dns"].domainFilters = [])),
        `${AT}.releases.external-dns.domainFilters: received []; expected at least 1 item(s)`,
      );
      assert.equal(
        errorOf((s) => delete s.releases["external-dns"].domainFilters),
        `${AT}.releases.external-dns.domainFilters: received nothing (the key is missing); expected a list`,
      );
    });
  });

  describe("app namespaces", () => {
    for (const namespaces of [["apps-*"], ["a", "b"], [label(63)], ["team-*-apps"]]) {
      it(`accepts ${JSON.stringify(namespaces).slice(0, 40)}`, () => {
        assert.deepEqual(parsed((s) => (s.appNamespaces = namespaces)).appNamespaces, namespaces);
      });
    }

    for (const name of [label(64), "-apps", "apps-", "Apps", "apps!"]) {
      it(`refuses the name ${name.slice(0, 20)}, naming the pattern`, () => {
        assert.equal(
          errorOf((s) => (s.appNamespaces = ["demo", name])),
          `${AT}.appNamespaces[1]: received "${name}"; expected a string matching ${NAMESPACE}`,
        );
      });
    }

    for (const name of ["mon*", "monitoring", "kube-node-lease", "kube-*"]) {
      it(`refuses ${name}, which reaches an ops or system namespace`, () => {
        assert.equal(
          errorOf((s) => (s.appNamespaces = ["apps-*", name])),
          `${AT}.appNamespaces[1]: received "${name}"; expected ${RESERVED}`,
        );
      });
    }

    it("refuses an empty list", () => {
      assert.equal(
        errorOf((s) => (s.appNamespaces = [])),
        `${AT}.appNamespaces: received []; expected at least 1 item(s)`,
      );
    });
  });

  describe("the state repo", () => {
    for (const userinfo of ["x-access-token:ghp_NeverEchoed42", "ghp_NeverEchoed42"]) {
      it(`refuses a URL with a credential (${userinfo.includes(":") ? "user:token" : "token"}), without echoing it`, () => {
        assert.equal(
          errorOf((s) => (s.stateRepo.url = `https://${userinfo}@github.com/example-org/gitops-state-staging.git`)),
          `${AT}.stateRepo.url: received "https://***@github.com/example-org/gitops-state-staging.git"; ` +
            "expected the repository URL alone: a token in it would sit in plaintext in Git; set it as a secret with " +
            "`pulumi config set --secret gitops-platform:stateRepoToken` (Argo CD's repository credential)",
        );
      });
    }

    it("refuses an empty URL, branch or user name", () => {
      const empty = (key: string) => `${AT}.stateRepo.${key}: received ""; expected at least 1 character(s)`;
      assert.equal(
        errorOf((s) => (s.stateRepo.url = "")),
        empty("url"),
      );
      assert.equal(
        errorOf((s) => (s.stateRepo.targetRevision = "")),
        empty("targetRevision"),
      );
      assert.equal(
        errorOf((s) => (s.stateRepo.username = "")),
        empty("username"),
      );
    });

    it("accepts an SSH URL and a user name", () => {
      const config = parsed(
        (s) => (s.stateRepo = { url: "git@github.com:o/r.git", targetRevision: "main", username: "bot" }),
      );
      assert.deepEqual(config.stateRepo, { url: "git@github.com:o/r.git", targetRevision: "main", username: "bot" });
    });
  });

  describe("releases", () => {
    it("refuses an unknown component, listing the known ones", () => {
      assert.equal(
        errorOf((s) => (s.releases["cert-manager"] = { version: "1.0.0", owner: "pulumi" })),
        `${AT}.releases.cert-manager: unknown key; expected one of the known keys: argo-cd, external-dns, kube-prometheus-stack, logging, sealed-secrets`,
      );
    });

    it("refuses an owner that is neither pulumi nor argocd", () => {
      assert.equal(
        errorOf((s) => (s.releases.logging.owner = "flux")),
        `${AT}.releases.logging.owner: received "flux"; expected one of "pulumi", "argocd"`,
      );
    });

    it("refuses each values key that was not checked against the pinned chart, and accepts the checked ones", () => {
      assert.equal(
        errorOf((s) => {
          s.releases["kube-prometheus-stack"].values = {
            prometheus: { prometheusSpec: { retension: "3d", retention: "3d" } },
            grafana: { colour: "red" },
          };
        }),
        [
          `${FILE}: 2 invalid values under ${PLATFORM_KEY}:`,
          `  - ${AT}.releases.kube-prometheus-stack.values.prometheus.prometheusSpec.retension: received "3d"; ` +
            "expected a values key checked against kube-prometheus-stack 88.5.3 (listed in platform/chart-keys.ts)",
          `  - ${AT}.releases.kube-prometheus-stack.values.grafana.colour: received "red"; ` +
            "expected a values key checked against kube-prometheus-stack 88.5.3 (listed in platform/chart-keys.ts)",
        ].join("\n"),
      );
      const values = { prometheus: { prometheusSpec: { retention: "3d" } } };
      assert.deepEqual(
        parsed((s) => (s.releases["kube-prometheus-stack"].values = values)).releases["kube-prometheus-stack"].values,
        values,
      );
    });

    it("takes each identity binding and external-dns policy it names, and refuses others", () => {
      assert.equal(parsed((s) => (s.identityBinding = "irsa")).identityBinding, "irsa");
      assert.equal(
        errorOf((s) => (s.identityBinding = "oidc")),
        `${AT}.identityBinding: received "oidc"; expected one of "pod-identity", "irsa"`,
      );
      for (const policy of ["sync", "upsert-only"]) {
        assert.equal(
          parsed((s) => (s.releases["external-dns"].policy = policy)).releases["external-dns"].policy,
          policy,
        );
      }
      assert.equal(
        errorOf((s) => (s.releases["external-dns"].policy = "create-only")),
        `${AT}.releases.external-dns.policy: received "create-only"; expected one of "sync", "upsert-only"`,
      );
    });

    it("refuses a logging cloudWatch that is not a boolean", () => {
      assert.equal(
        errorOf((s) => (s.releases.logging.cloudWatch = "yes")),
        `${AT}.releases.logging.cloudWatch: received "yes"; expected a boolean`,
      );
    });

    const zone = "/^Z[A-Z0-9]{1,31}$/";
    for (const id of ["example.com", "xZ0ZONE", "Z0ZONE!", "Z", `Z${"A".repeat(32)}`]) {
      it(`refuses the hosted zone id ${id.slice(0, 12)}, naming the pattern`, () => {
        assert.equal(
          errorOf((s) => (s.releases["external-dns"].zoneIdFilters = [id])),
          `${AT}.releases.external-dns.zoneIdFilters[0]: received "${id}"; expected a string matching ${zone}`,
        );
      });
    }

    it("accepts hosted zone ids of 1 to 31 characters after the Z, and refuses an empty list of them", () => {
      const ids = ["Z1", `Z${"A".repeat(31)}`];
      assert.deepEqual(
        parsed((s) => (s.releases["external-dns"].zoneIdFilters = ids)).releases["external-dns"].zoneIdFilters,
        ids,
      );
      assert.equal(
        errorOf((s) => (s.releases["external-dns"].zoneIdFilters = [])),
        `${AT}.releases.external-dns.zoneIdFilters: received []; expected at least 1 item(s)`,
      );
    });
  });

  describe("Argo CD's notifications and single sign-on", () => {
    const notifications = (value: unknown) => (s: Section) => (s.releases["argo-cd"].notifications = value);

    it("takes exactly one of Slack or a webhook", () => {
      const slack = parsed(notifications({ slack: { channel: "ops" } })).releases["argo-cd"].notifications;
      assert.deepEqual(slack, { slack: { channel: "ops" } });
      const webhook = parsed(notifications({ webhook: { url: "https://hooks.example.com" } }));
      assert.deepEqual(webhook.releases["argo-cd"].notifications, { webhook: { url: "https://hooks.example.com" } });
      const both = { slack: { channel: "ops" }, webhook: { url: "https://hooks.example.com" } };
      assert.equal(
        errorOf(notifications(both)),
        `${AT}.releases.argo-cd.notifications: received ${JSON.stringify(both)}; expected exactly one of slack or webhook`,
      );
      assert.equal(
        errorOf(notifications({})),
        `${AT}.releases.argo-cd.notifications: received {}; expected exactly one of slack or webhook`,
      );
    });

    it("refuses an empty Slack channel and a webhook URL that is no URL", () => {
      assert.equal(
        errorOf(notifications({ slack: { channel: "" } })),
        `${AT}.releases.argo-cd.notifications.slack.channel: received ""; expected at least 1 character(s)`,
      );
      assert.equal(
        errorOf(notifications({ webhook: { url: "hooks" } })),
        `${AT}.releases.argo-cd.notifications.webhook.url: received "hooks"; expected a valid url`,
      );
    });

    const sso = { issuer: "https://idp.example.com", clientId: "argocd", adminGroups: ["platform"] };

    it("accepts SSO with at least one admin group", () => {
      assert.deepEqual(parsed((s) => (s.releases["argo-cd"].sso = sso)).releases["argo-cd"].sso, sso);
    });

    const refused: [string, Record<string, unknown>, string][] = [
      ["no admin group", { adminGroups: [] }, `.adminGroups: received []; expected at least 1 item(s)`],
      ["an empty admin group", { adminGroups: [""] }, `.adminGroups[0]: received ""; expected at least 1 character(s)`],
      ["an empty client id", { clientId: "" }, `.clientId: received ""; expected at least 1 character(s)`],
      ["an issuer that is no URL", { issuer: "idp" }, `.issuer: received "idp"; expected a valid url`],
    ];
    for (const [what, change, message] of refused) {
      it(`refuses SSO with ${what}`, () => {
        assert.equal(
          errorOf((s) => (s.releases["argo-cd"].sso = { ...sso, ...change })),
          `${AT}.releases.argo-cd.sso${message}`,
        );
      });
    }
  });

  describe("secrets against the config that uses them", () => {
    const HTTPS = "https://github.com/o/r.git";
    const SSH = "ssh://git@github.com/o/r.git";

    it("tells SSH URLs from HTTPS ones", () => {
      for (const url of [SSH, "git@github.com:o/r.git", "deploy.bot@git.example.com:o/r.git"])
        assert.equal(isSshUrl(url), true, url);
      for (const url of [
        HTTPS,
        "https://git@github.com:443/o/r.git",
        "file:///srv/r.git",
        "/srv/r.git",
        "@github.com:o/r.git",
      ]) {
        assert.equal(isSshUrl(url), false, url);
      }
    });

    /** The staging config with the state repo at `url` and Argo CD's notifications and SSO as given. */
    function config(url: string, notifications: object, sso?: object): PlatformConfig {
      return parsed((s) => {
        s.stateRepo.url = url;
        s.releases["argo-cd"].notifications = notifications;
        if (sso) s.releases["argo-cd"].sso = sso;
      });
    }
    const webhook = { webhook: { url: "https://hooks.example.com" } };
    const slack = { slack: { channel: "ops" } };
    const sso = { issuer: "https://idp.example.com", clientId: "argocd", adminGroups: ["platform"] };
    const fits =
      (c: PlatformConfig, ...keys: PlatformSecretKey[]) =>
      () =>
        checkSecretsFit(c, new Set(keys), FILE);

    it("accepts each secret where the config uses it, and no secret at all", () => {
      assert.doesNotThrow(fits(config(HTTPS, webhook), "stateRepoToken", "argocdWebhookToken"));
      assert.doesNotThrow(
        fits(config(SSH, slack, sso), "stateRepoSshKey", "argocdSlackToken", "argocdOidcClientSecret"),
      );
      assert.doesNotThrow(fits(config(SSH, slack)));
    });

    const misfits: [string, PlatformConfig, PlatformSecretKey, string][] = [
      [
        "an HTTPS token for an SSH URL",
        config(SSH, webhook),
        "stateRepoToken",
        "the state repo's HTTPS token; expected it only with an HTTPS state repo URL (stateRepo.url is an SSH URL)",
      ],
      [
        "an SSH key for an HTTPS URL",
        config(HTTPS, webhook),
        "stateRepoSshKey",
        "the state repo's SSH private key; expected it only with an SSH state repo URL (stateRepo.url is an HTTPS URL)",
      ],
      [
        "a Slack token without Slack",
        config(HTTPS, webhook),
        "argocdSlackToken",
        "the Slack bot token; expected it only with releases.argo-cd.notifications.slack",
      ],
      [
        "a webhook token without a webhook",
        config(HTTPS, slack),
        "argocdWebhookToken",
        "the webhook's bearer token; expected it only with releases.argo-cd.notifications.webhook",
      ],
      [
        "an OIDC client secret without SSO",
        config(HTTPS, slack),
        "argocdOidcClientSecret",
        "the OIDC client secret; expected it only with releases.argo-cd.sso",
      ],
    ];
    for (const [what, c, key, message] of misfits) {
      it(`refuses ${what}, naming the key and the fix`, () => {
        assert.equal(inputErrorOf(fits(c, key)), `${FILE}: gitops-platform:${key}: received ${message}`);
      });
    }
  });
});
