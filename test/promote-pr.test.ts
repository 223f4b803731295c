import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PromoteCommandOptions, runPromoteCommand } from "../automation/commands/promote";
import { planCi } from "../automation/ci";
import { runPromotions } from "../automation/commands/ci";
import { ExitCode } from "../automation/exit-codes";
import { loadFleet } from "../environments";
import { InputError } from "../config";
import { PULL_REQUEST_BODY_LIMIT, renderPromotionBody } from "../automation/promote/pr-body";
import type { PromotionReport } from "../automation/promote/promote";
import { REPO_ROOT } from "../automation/synth/synth";
import { git } from "./support/project-copy";
import { BRANCH, DEMO, minutesAfterSync, PromotionProject, SHORT, STAGED_DIGEST } from "./support/promotion";

const REPOSITORY = { GITHUB_REPOSITORY: "example-org/gitops-platform", GITHUB_TOKEN: "t" };

interface PullRequest {
  number: number;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body: string;
  html_url: string;
}

/** GitHub's pulls API for one repository, in memory, recording every call (as the preview comment's tests do). */
class FakePulls {
  readonly calls: string[] = [];
  readonly pulls: PullRequest[] = [];

  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? "GET";
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    const json = (data: unknown, status = 200) =>
      Promise.resolve(new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json" } }));
    const sent = () => JSON.parse(init?.body as string) as Partial<PullRequest> & { head?: string; base?: string };
    if (url.pathname === "/repos/example-org/gitops-platform/pulls" && method === "GET") {
      const head = url.searchParams.get("head")?.split(":")[1];
      return json(this.pulls.filter((p) => p.head.ref === head));
    }
    if (url.pathname === "/repos/example-org/gitops-platform/pulls" && method === "POST") {
      const { head, base, title, body } = sent();
      const number = this.pulls.length + 1;
      const pr = {
        number,
        head: { ref: head as string },
        base: { ref: base as string },
        title: title as string,
        body: body as string,
        html_url: `https://github.com/example-org/gitops-platform/pull/${number}`,
      };
      this.pulls.push(pr);
      return json(pr, 201);
    }
    const one = /^\/repos\/example-org\/gitops-platform\/pulls\/(\d+)$/.exec(url.pathname);
    const pr = one && this.pulls.find((p) => p.number === Number(one[1]));
    if (pr && method === "PATCH") {
      const { title, body } = sent();
      Object.assign(pr, { title, body });
      return json(pr);
    }
    return json({ message: "Not Found" }, 404);
  };
}

/** The edges `ci` promotes along on a dispatch, for this project's fleet. */
function planCiEdges() {
  const plan = planCi({ GITHUB_EVENT_NAME: "repository_dispatch" }, loadFleet(REPO_ROOT));
  assert.equal(plan.action, "promote");
  return plan.action === "promote" ? plan.edges : [];
}

describe("promote --open-pr and --all (a bare remote on disk, GitHub's API in memory)", () => {
  let project: PromotionProject;
  let remote: string;
  beforeEach(async () => {
    project = await PromotionProject.create({ moreApps: ["shop"] });
    remote = path.join(project.dir, "origin.git");
    git(project.dir, "init", "--quiet", "--bare", "--initial-branch=main", remote);
    git(project.dir, "remote", "add", "origin", remote);
    git(project.dir, "push", "--quiet", "origin", "main");
  });
  afterEach(() => project.remove());

  async function run(options: Partial<PromoteCommandOptions>, github: FakePulls, env = REPOSITORY) {
    const out: string[] = [];
    const log: string[] = [];
    const deps = project.deps(minutesAfterSync(31), out, { env, fetch: github.fetch, log: (m) => log.push(m) });
    const code = await runPromoteCommand({ ...DEMO, ...options }, deps);
    return { code, out: out.join(""), log };
  }

  it("pushes the branch and opens its pull request with the evidence and the diff; a second run updates it", async () => {
    const github = new FakePulls();
    const first = await run({ openPr: true }, github);
    assert.equal(first.code, ExitCode.Ok);
    assert.equal(git(remote, "rev-parse", BRANCH).trim(), git(project.dir, "rev-parse", BRANCH).trim());
    assert.deepEqual(github.calls, [
      `GET /repos/example-org/gitops-platform/pulls?state=open&head=example-org%3A${encodeURIComponent(BRANCH)}`,
      "POST /repos/example-org/gitops-platform/pulls",
    ]);
    const [pr] = github.pulls;
    assert.deepEqual([pr.head.ref, pr.base.ref, pr.title], [BRANCH, "main", `Promote demo to production: ${SHORT}`]);
    assert.ok(
      pr.body.startsWith("<!-- gitops-platform:promote:staging:production -->\n## Promote `staging` → `production`"),
    );
    assert.match(pr.body, new RegExp(`state repo \`${project.stateHead("staging").slice(0, 12)}\``));
    assert.match(pr.body, /:white_check_mark: 31m since the sync finished \(2026-11-24T09:12:41Z\)/);
    assert.match(pr.body, new RegExp(`\\+\\s+image: ghcr\\.io/stefanprodan/podinfo@${STAGED_DIGEST}`));
    assert.ok(first.log.includes(`promote: pull request created: ${pr.html_url}`), first.log.join("\n"));

    const second = await run({ openPr: true, skipGate: ["soak"], reason: "INC-42 hotfix" }, github);
    assert.equal(second.code, ExitCode.Ok);
    assert.equal(github.calls.length, 4);
    assert.equal(github.calls[3], "PATCH /repos/example-org/gitops-platform/pulls/1");
    assert.equal(github.pulls.length, 1);
    assert.match(github.pulls[0].body, /> - `soak`: INC-42 hotfix/);
    assert.match(git(remote, "log", "-1", "--format=%B", BRANCH), /\nSkipped gate soak: INC-42 hotfix\n/);

    const third = await run({ openPr: true, skipGate: ["soak"], reason: "INC-42 hotfix" }, github);
    assert.equal(third.code, ExitCode.Ok);
    assert.ok(third.log.includes(`promote: already on the remote: ${BRANCH} (origin)`), third.log.join("\n"));
  });

  it("without GITHUB_TOKEN keeps the branch local and prints it with the diff", async () => {
    const github = new FakePulls();
    const { code, out, log } = await run({ openPr: true }, github, { ...REPOSITORY, GITHUB_TOKEN: "" });
    assert.equal(code, ExitCode.Ok);
    assert.deepEqual(github.calls, []);
    assert.equal(git(remote, "branch", "--list", "promote/*"), "");
    assert.match(out, new RegExp(`^branch ${BRANCH.replace(/\//g, "\\/")} `, "m"));
    assert.deepEqual(log.slice(-1), [`promote --open-pr: no GITHUB_TOKEN; the branch ${BRANCH} stays local`]);
  });

  it("--all promotes every app whose source differs in one branch, and lists the ones a gate holds back (exit 3)", async () => {
    const shop = project.applications.items.find((a) => a.metadata.name === "shop");
    (shop?.status as NonNullable<NonNullable<typeof shop>["status"]>).health = { status: "Degraded" };
    const github = new FakePulls();
    const { code, out } = await run({ app: undefined, all: true, openPr: true }, github);

    assert.equal(code, ExitCode.Changes);
    assert.match(out, /^demo {2}promoted$/m);
    assert.match(out, /^shop {2}held$/m);
    const branch = /^branch (promote\/all\/production-[0-9a-f]{12}) /m.exec(out)?.[1];
    assert.ok(branch, out);
    assert.deepEqual(git(project.dir, "diff", "--name-only", "main", branch).split("\n").filter(Boolean), [
      "gitops/apps/demo/production.yaml",
    ]);
    const body = github.pulls[0].body;
    assert.match(body, /\*\*Held back\*\* \(not yet\):/);
    assert.match(body, /\| `shop` \| `healthy` \| Degraded \| Healthy \|/);
    assert.equal(github.pulls[0].title, `Promote demo to production: ${SHORT}`);
  });

  it("--all leaves out an app the source runs by tag, and still promotes the others (exit 0)", async () => {
    project.editCatalog("staging", (text) => text.replace(`tag: "${STAGED_DIGEST}"`, 'tag: "6.7.1"'), "shop");
    project.commitAll("shop in staging by tag");
    await project.hydrateStaging();
    const github = new FakePulls();
    const { code, out } = await run({ app: undefined, all: true, openPr: true }, github);

    assert.equal(code, ExitCode.Ok, out);
    assert.match(out, /^demo {2}promoted$/m);
    assert.match(out, /^shop {2}tagged$/m);
    assert.match(out, /the shop container runs "ghcr\.io\/stefanprodan\/podinfo:6\.7\.1", a tag; expected a digest/);
    assert.match(github.pulls[0].body, /\*\*Left out\*\* \(the source runs them by tag, not digest\):\n\n- `shop`: /);

    await assert.rejects(
      run({ app: "shop", openPr: true }, github),
      (err: Error) => err instanceof InputError && err.message.includes("the shop container runs"),
    );
  });

  it("ci on a dispatch runs promote --all --open-pr along every edge, each source read through its own context", async () => {
    // What `aws eks update-kubeconfig` writes for each source cluster: contexts named by the cluster's ARN.
    const kubeconfig = path.join(project.dir, "kubeconfig");
    const arn = (cluster: string) => `arn:aws:eks:eu-west-1:111111111111:cluster/${cluster}`;
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        contexts: ["gitops-dev", "gitops-staging"].map((c) => ({ name: arn(c), context: { cluster: arn(c) } })),
      }),
    );
    const github = new FakePulls();
    const log: string[] = [];
    const out: string[] = [];
    const deps = project.deps(minutesAfterSync(31), out, {
      env: REPOSITORY,
      fetch: github.fetch,
      log: (m) => log.push(m),
    });
    const code = await runPromotions(planCiEdges(), {
      ...deps,
      checks: { ...deps.checks, env: { KUBECONFIG: kubeconfig } },
    });

    // dev was never hydrated here (the recorded Applications are staging's, at a commit dev's state repo
    // lacks): that edge is bad input, and the others still run.
    assert.equal(code, ExitCode.BadInput);
    assert.match(out[0], /^promote dev -> staging /);
    assert.match(
      out[0],
      /^demo {2}refused\n {2}dev: Argo CD runs app demo at [0-9a-f]{40}, which the state repo \S+state-dev\.git does not have/m,
    );
    assert.match(out[0], /^nothing committed: an app was refused \(bad input\)$/m);
    assert.deepEqual(
      github.pulls.map((p) => [p.head.ref.replace(/-[0-9a-f]{12}$/, ""), p.base.ref]),
      [
        ["promote/all/prod-eu", "main"],
        ["promote/all/production", "main"],
      ],
    );
    assert.deepEqual(
      [...new Set(project.kubectlCalls.map((c) => `${c.context} ${c.kubeconfig}`))],
      [`${arn("gitops-dev")} ${kubeconfig}`, `${arn("gitops-staging")} ${kubeconfig}`],
    );
  });

  it("keeps the pull request body within GitHub's limit, cutting the largest diffs and saying so", async () => {
    const { code, out } = await run({ app: undefined, all: true, json: true }, new FakePulls());
    assert.equal(code, ExitCode.Ok);
    const report = JSON.parse(out) as PromotionReport;
    assert.equal(report.apps.filter((a) => a.status === "promoted").length, 2);
    const full = renderPromotionBody(report);
    assert.ok(full.length < PULL_REQUEST_BODY_LIMIT);
    assert.doesNotMatch(full, /Trimmed/);

    const huge = JSON.parse(out, (key, value: unknown) =>
      key === "diff" && typeof value === "string" ? value + `+${"x".repeat(120)}\n`.repeat(400) : value,
    ) as PromotionReport;
    const body = renderPromotionBody(huge);
    assert.ok(body.length <= PULL_REQUEST_BODY_LIMIT, `${body.length}`);
    assert.match(body, /^> Trimmed to fit GitHub's pull request body limit \(65,536 characters\)/m);
    assert.match(body, /`promote --from staging --to production` prints the whole diff/);
    assert.match(body, /\| `demo` \|/);
    assert.match(body, /\| `shop` \|/);
  });
});
