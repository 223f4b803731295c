import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { publishComment } from "../automation/comment-output";
import { createOctokit, pullRequestContext, upsertComment } from "../automation/github";

interface Comment {
  id: number;
  body: string;
  html_url: string;
}

/**
 * GitHub's REST API for one pull request's comments, in memory: pages of at most `per_page` with
 * the Link header GitHub sends, edits and new comments. Octokit talks to it through `fetch`.
 */
class FakeGitHub {
  readonly requests: string[] = [];
  readonly comments: Comment[];
  private nextId = 1;

  constructor(
    bodies: readonly string[],
    private readonly refuseWrites = false,
  ) {
    this.comments = bodies.map((body) => this.comment(body));
  }

  private comment(body: string): Comment {
    const id = this.nextId++;
    return { id, body, html_url: `https://github.com/example-org/gitops-platform/pull/7#issuecomment-${id}` };
  }

  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? "GET";
    this.requests.push(`${method} ${url.pathname}${url.search}`);
    const json = (data: unknown, status = 200, headers: Record<string, string> = {}) =>
      Promise.resolve(
        new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json", ...headers } }),
      );
    if (this.refuseWrites && method !== "GET") {
      return json({ message: "Resource not accessible by integration" }, 403);
    }
    const list = /^\/repos\/example-org\/gitops-platform\/issues\/7\/comments$/;
    if (method === "GET" && list.test(url.pathname)) {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const last = Math.max(1, Math.ceil(this.comments.length / perPage));
      const link = (p: number, rel: string) =>
        `<${url.origin}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links = page < last ? [link(page + 1, "next"), link(last, "last")].join(", ") : "";
      return json(this.comments.slice((page - 1) * perPage, page * perPage), 200, links ? { link: links } : {});
    }
    if (method === "POST" && list.test(url.pathname)) {
      const created = this.comment((JSON.parse(init?.body as string) as { body: string }).body);
      this.comments.push(created);
      return json(created, 201);
    }
    const edit = /^\/repos\/example-org\/gitops-platform\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (method === "PATCH" && edit) {
      const comment = this.comments.find((c) => c.id === Number(edit[1]));
      if (!comment) return json({ message: "Not Found" }, 404);
      comment.body = (JSON.parse(init?.body as string) as { body: string }).body;
      return json(comment);
    }
    return json({ message: "Not Found" }, 404);
  };
}

const target = { owner: "example-org", repo: "gitops-platform", number: 7 };
const MARKER = "gitops-platform:preview:staging,production";
const others = (n: number) => Array.from({ length: n }, (_, i) => `LGTM ${i}`);

function pullRequestEvent(scratch: string, fork: boolean): string {
  const file = path.join(fs.mkdtempSync(path.join(scratch, "event-")), "event.json");
  const base = { ref: "main", repo: { full_name: "example-org/gitops-platform" } };
  const head = { sha: "abc123", repo: { full_name: fork ? "someone/gitops-platform" : "example-org/gitops-platform" } };
  fs.writeFileSync(file, JSON.stringify({ pull_request: { number: 7, base, head } }));
  return file;
}

describe("the pull-request comment on GitHub", () => {
  // Made here, not when the file loads: another file's after-hook empties the shared temp registry.
  let scratch: string;
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gh-comment-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("edits the comment carrying the marker in place, searching every page of comments", async () => {
    const bodies = others(250);
    bodies[230] = `<!-- ${MARKER} -->\n## Pulumi preview\n\nold`;
    const github = new FakeGitHub(bodies);
    const result = await upsertComment(
      createOctokit("t", { fetch: github.fetch }),
      target,
      MARKER,
      `<!-- ${MARKER} -->\nnew`,
    );

    assert.deepEqual(result, { action: "updated", id: 231, url: github.comments[230].html_url });
    assert.equal(github.comments.length, 250);
    assert.equal(github.comments[230].body, `<!-- ${MARKER} -->\nnew`);
    assert.deepEqual(github.requests, [
      "GET /repos/example-org/gitops-platform/issues/7/comments?per_page=100",
      "GET /repos/example-org/gitops-platform/issues/7/comments?per_page=100&page=2",
      "GET /repos/example-org/gitops-platform/issues/7/comments?per_page=100&page=3",
      "PATCH /repos/example-org/gitops-platform/issues/comments/231",
    ]);
  });

  it("creates the comment when no comment carries the marker", async () => {
    const github = new FakeGitHub([...others(120), "<!-- gitops-platform:preview:staging -->\nanother env set"]);
    const result = await upsertComment(
      createOctokit("t", { fetch: github.fetch }),
      target,
      MARKER,
      `<!-- ${MARKER} -->\nfirst`,
    );

    assert.equal(result.action, "created");
    assert.equal(github.comments.length, 122);
    assert.deepEqual(
      github.requests.map((r) => r.split(" ")[0]),
      ["GET", "GET", "POST"],
    );
  });

  it("posts through the pull request of a GitHub Actions run when GITHUB_TOKEN is set", async () => {
    const github = new FakeGitHub(others(3));
    const log: string[] = [];
    const written: string[] = [];
    const env = {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: pullRequestEvent(scratch, false),
      GITHUB_TOKEN: "t",
    };
    await publishComment(`<!-- ${MARKER} -->\nbody`, MARKER, {
      env,
      fetch: github.fetch,
      log: (m) => log.push(m),
      write: (t) => written.push(t),
    });

    assert.deepEqual(written, []);
    assert.deepEqual(log, [`comment: created ${github.comments[3].html_url}`]);
  });

  it("writes the comment to stdout when GitHub refuses a fork's read-only token, saying why", async () => {
    const github = new FakeGitHub(others(3), true);
    const log: string[] = [];
    const written: string[] = [];
    const env = {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: pullRequestEvent(scratch, true),
      GITHUB_TOKEN: "t",
    };
    await publishComment("body", MARKER, {
      env,
      fetch: github.fetch,
      log: (m) => log.push(m),
      write: (t) => written.push(t),
    });

    assert.deepEqual(written, ["body"]);
    assert.match(
      log[0],
      /^comment: GitHub refused it: Resource not accessible by integration.* \(a pull request from a fork gets a read-only token\); writing it to stdout instead$/,
    );
  });

  it("writes the comment to stdout, or to --output, outside a pull request", async () => {
    const written: string[] = [];
    const log: string[] = [];
    await publishComment("body", MARKER, { env: {}, log: (m) => log.push(m), write: (t) => written.push(t) });
    assert.deepEqual(written, ["body"]);
    assert.deepEqual(log, ["comment: not a pull-request run; writing it to stdout"]);

    const file = path.join(scratch, "comment.md");
    await publishComment("body", MARKER, {
      env: {},
      outputFile: file,
      log: () => undefined,
      write: (t) => written.push(t),
    });
    assert.equal(fs.readFileSync(file, "utf8"), "body");
    assert.equal(written.length, 1);
  });

  it("reads the pull request, its base branch and whether it comes from a fork from the event payload", () => {
    assert.deepEqual(
      pullRequestContext({ GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: pullRequestEvent(scratch, true) }),
      {
        owner: "example-org",
        repo: "gitops-platform",
        number: 7,
        baseRef: "main",
        headSha: "abc123",
        fromFork: true,
      },
    );
    assert.equal(pullRequestContext({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: "/nonexistent" }), undefined);
  });
});
