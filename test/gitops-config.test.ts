import * as assert from "node:assert/strict";
import { REPO_ROOT } from "../automation/synth/synth";
import { gitopsConfigSchema, parseGitopsConfig, soakMilliseconds } from "../gitops/config";
import { readHydrationConfig } from "../gitops/environment-config";
import { parsePlatformConfig } from "../platform/config";
import { documentedKeyTable, generatedKeyTable, sectionOf, shippedConfig } from "./support/config";
import { inputErrorOf } from "./support/gitops";

/** The gitops section's schema, pure: what it accepts and, for what it refuses, the one error. */

type Section = Record<string, unknown> & {
  sync: Record<string, unknown> & { windows: Record<string, unknown>[] };
  retry: Record<string, unknown> & { backoff: Record<string, unknown> };
  notifications: Record<string, unknown>[];
};

const FILE = "Pulumi.staging.yaml";
const KEY = "gitops-platform:gitops";
const AT = `${FILE}: ${KEY}`;
const WINDOW = { kind: "deny", schedule: "0 8 * * 1-5", duration: "10h", timeZone: "Europe/Dublin", manualSync: true };

function section(edit: (s: Section) => void): Section {
  const s = sectionOf(shippedConfig("staging"), KEY) as Section;
  edit(s);
  return s;
}

const parsed = (edit: (s: Section) => void) => parseGitopsConfig(section(edit), FILE);
const errorOf = (edit: (s: Section) => void) => inputErrorOf(() => parsed(edit));

describe("gitops config", () => {
  it("documents every key of the schema in docs/config.md's generated table", () => {
    assert.deepEqual(generatedKeyTable(gitopsConfigSchema), documentedKeyTable("gitops-keys"));
  });

  it("takes either way of declaring Applications, and refuses another", () => {
    assert.equal(parsed((s) => (s.mode = "applicationset")).mode, "applicationset");
    assert.equal(
      errorOf((s) => (s.mode = "apps")),
      `${AT}.mode: received "apps"; expected one of "applications", "applicationset"`,
    );
  });

  describe("sync", () => {
    it("takes prune and selfHeal with automated sync, and neither without it", () => {
      const on = { automated: true, prune: true, selfHeal: true, windows: [] };
      assert.deepEqual(parsed((s) => (s.sync = on)).sync, on);
      const off = { automated: false, prune: false, selfHeal: false, windows: [] };
      assert.deepEqual(parsed((s) => (s.sync = off)).sync, off);
    });

    for (const [key, other] of [
      ["prune", "selfHeal"],
      ["selfHeal", "prune"],
    ]) {
      it(`refuses ${key} without automated sync`, () => {
        const sync = { automated: false, [key]: true, [other]: false, windows: [] };
        assert.equal(
          errorOf((s) => (s.sync = sync)),
          `${AT}.sync: received ${JSON.stringify(sync)}; expected prune and selfHeal false when automated is false ` +
            "(Argo CD applies them only to automated syncs)",
        );
      });
    }

    it("accepts a sync window with a five-field schedule and a duration in hours or minutes", () => {
      const windows = [WINDOW, { ...WINDOW, kind: "allow", schedule: "30  22 1,15 * *", duration: "90m" }];
      assert.deepEqual(parsed((s) => (s.sync.windows = windows)).sync.windows, windows);
    });

    const cron = 'a five-field cron expression such as "0 8 * * 1-5"';
    const duration = "a duration in hours or minutes such as 10h or 30m";
    const refused: [string, Record<string, unknown>, string][] = [
      ["four fields", { schedule: "0 8 * *" }, `.schedule: received "0 8 * *"; expected ${cron}`],
      ["six fields", { schedule: "0 8 * * 1 2" }, `.schedule: received "0 8 * * 1 2"; expected ${cron}`],
      ["a leading space", { schedule: " 0 8 * * 1" }, `.schedule: received " 0 8 * * 1"; expected ${cron}`],
      ["a trailing space", { schedule: "0 8 * * 1 " }, `.schedule: received "0 8 * * 1 "; expected ${cron}`],
      ["a duration in seconds", { duration: "10s" }, `.duration: received "10s"; expected ${duration}`],
      ["a duration with a prefix", { duration: "x10h" }, `.duration: received "x10h"; expected ${duration}`],
      ["a duration with a suffix", { duration: "10hx" }, `.duration: received "10hx"; expected ${duration}`],
      ["a duration without a number", { duration: "h" }, `.duration: received "h"; expected ${duration}`],
      ["an empty time zone", { timeZone: "" }, `.timeZone: received ""; expected at least 1 character(s)`],
      [
        "a kind other than allow or deny",
        { kind: "block" },
        `.kind: received "block"; expected one of "allow", "deny"`,
      ],
    ];
    for (const [what, change, message] of refused) {
      it(`refuses a sync window with ${what}`, () => {
        assert.equal(
          errorOf((s) => (s.sync.windows = [{ ...WINDOW, ...change }])),
          `${AT}.sync.windows[0]${message}`,
        );
      });
    }
  });

  describe("retry", () => {
    it("takes limits and factors at their bounds and durations of several units", () => {
      for (const [limit, factor, duration, maxDuration] of [
        [0, 1, "500ms", "1h30m"],
        [100, 10, "10s", "90m"],
      ] as const) {
        const retry = { limit, backoff: { duration, factor, maxDuration } };
        assert.deepEqual(parsed((s) => (s.retry = retry)).retry, retry);
      }
    });

    const refused: [string, (s: Section) => void, string][] = [
      ["a limit above 100", (s) => (s.retry.limit = 101), `.retry.limit: received 101; expected at most 100`],
      ["a negative limit", (s) => (s.retry.limit = -1), `.retry.limit: received -1; expected at least 0`],
      ["a fractional limit", (s) => (s.retry.limit = 1.5), `.retry.limit: received 1.5; expected an integer`],
      ["a factor of 0", (s) => (s.retry.backoff.factor = 0), `.retry.backoff.factor: received 0; expected at least 1`],
      [
        "a factor of 11",
        (s) => (s.retry.backoff.factor = 11),
        `.retry.backoff.factor: received 11; expected at most 10`,
      ],
    ];
    for (const [what, edit, message] of refused)
      it(`refuses ${what}`, () => assert.equal(errorOf(edit), `${AT}${message}`));

    for (const value of ["5", "5d", "x5s", "5sx", "s", ""]) {
      it(`refuses the backoff duration ${JSON.stringify(value)}`, () => {
        assert.equal(
          errorOf((s) => (s.retry.backoff.duration = value)),
          `${AT}.retry.backoff.duration: received ${JSON.stringify(value)}; expected a duration such as 5s or 1m`,
        );
        assert.equal(
          errorOf((s) => (s.retry.backoff.maxDuration = value)),
          `${AT}.retry.backoff.maxDuration: received ${JSON.stringify(value)}; expected a duration such as 3m or 1h`,
        );
      });
    }
  });

  describe("notifications", () => {
    it("accepts triggers, services and recipients of their forms", () => {
      const notifications = [
        { trigger: "on-sync-failed", service: "slack", recipients: ["ops", "#alerts", "a@example.com"] },
        { trigger: "x", service: "webhook-2", recipients: [] },
      ];
      assert.deepEqual(parsed((s) => (s.notifications = notifications)).notifications, notifications);
    });

    const name = "lower-case letters, digits and -";
    const recipient = "a recipient without spaces or semicolons";
    const refused: [string, Record<string, unknown>, string][] = [
      ["a trigger starting with -", { trigger: "-failed" }, `.trigger: received "-failed"; expected ${name}`],
      ["a trigger in capitals", { trigger: "On-sync" }, `.trigger: received "On-sync"; expected ${name}`],
      ["a trigger with a prefix", { trigger: "!on" }, `.trigger: received "!on"; expected ${name}`],
      ["a service with a suffix", { service: "slack!" }, `.service: received "slack!"; expected ${name}`],
      ["a recipient with a space", { recipients: ["a b"] }, `.recipients[0]: received "a b"; expected ${recipient}`],
      [
        "a recipient with a semicolon",
        { recipients: ["a;b"] },
        `.recipients[0]: received "a;b"; expected ${recipient}`,
      ],
      ["an empty recipient", { recipients: [""] }, `.recipients[0]: received ""; expected ${recipient}`],
    ];
    for (const [what, change, message] of refused) {
      it(`refuses ${what}`, () => {
        const subscription = { trigger: "on-sync-failed", service: "slack", recipients: ["ops"], ...change };
        assert.equal(
          errorOf((s) => (s.notifications = [subscription])),
          `${AT}.notifications[0]${message}`,
        );
      });
    }
  });

  describe("promotion soak", () => {
    const soaks: [string, number][] = [
      ["0s", 0],
      ["45s", 45_000],
      ["30m", 1_800_000],
      ["2h", 7_200_000],
      ["1h30m", 5_400_000],
      ["12h5m30s", 43_530_000],
    ];
    for (const [soak, ms] of soaks) {
      it(`accepts ${soak} as ${ms} ms`, () => {
        assert.equal(parsed((s) => (s.promotion = { soak })).promotion?.soak, soak);
        assert.equal(soakMilliseconds(soak), ms);
      });
    }

    for (const soak of ["", "30", "1m1h", "x30m", "30mx", "h", "1d"]) {
      it(`refuses ${JSON.stringify(soak)}`, () => {
        assert.equal(
          errorOf((s) => (s.promotion = { soak })),
          `${AT}.promotion.soak: received ${JSON.stringify(soak)}; expected a duration of hours, minutes and seconds ` +
            "such as 30m, 1h30m or 0s",
        );
      });
    }

    it("counts a soak the schema would refuse as none", () => {
      assert.equal(soakMilliseconds("soon"), 0);
    });

    it("may be left out, in a first stage", () => {
      assert.equal(parsed((s) => delete s.promotion).promotion, undefined);
    });
  });

  it("reads what hydration needs from an environment's file", () => {
    const file = shippedConfig("staging");
    assert.deepEqual(readHydrationConfig("staging", REPO_ROOT), {
      file: FILE,
      gitops: parseGitopsConfig(file.values[KEY], FILE),
      platform: parsePlatformConfig(file.values["gitops-platform:platform"], FILE),
      identity: { environment: "staging", cluster: "gitops-staging" },
      stateRepoKey: `gitops-platform:platform.stateRepo.url in ${FILE}`,
    });
  });
});
