import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { commitPaths, git } from "../gitops/state-repo/git";
import { removeTempDirs, tempDir } from "./support/gitops";

/** Git as on a fresh CI runner: no system or global config, so no identity unless a test sets one. */
function withoutGitIdentity(extra: Record<string, string> = {}): () => void {
  const saved = { ...process.env };
  const home = tempDir("home");
  for (const key of Object.keys(process.env)) {
    if (/^(GIT_(AUTHOR|COMMITTER)_|GIT_CONFIG|EMAIL$|GITHUB_ACTIONS$)/.test(key)) delete process.env[key];
  }
  Object.assign(process.env, { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1", ...extra });
  return () => {
    process.env = saved;
  };
}

async function repoWithFile(): Promise<string> {
  const dir = tempDir("commit");
  await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  fs.writeFileSync(path.join(dir, "file.yaml"), "a: 1\n");
  return dir;
}

const authorOf = (dir: string) => git(dir, ["log", "-1", "--format=%an <%ae> / %cn <%ce>"]).then((s) => s.trim());

describe("state repo commits", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());
  after(removeTempDirs);

  it("commits with the identity in git's config when there is one", async () => {
    restore = withoutGitIdentity();
    const dir = await repoWithFile();
    await git(dir, ["config", "user.name", "Jane Doe"]);
    await git(dir, ["config", "user.email", "jane@example.com"]);
    const commit = await commitPaths(dir, ["file.yaml"], "one");
    assert.equal(commit, (await git(dir, ["rev-parse", "HEAD"])).trim());
    assert.equal(await authorOf(dir), "Jane Doe <jane@example.com> / Jane Doe <jane@example.com>");
  });

  it("commits once, as gitops-platform, where git has no identity", async () => {
    restore = withoutGitIdentity();
    const dir = await repoWithFile();
    await commitPaths(dir, ["file.yaml"], "one");
    assert.equal(
      await authorOf(dir),
      "gitops-platform <gitops-platform@users.noreply.github.com> / gitops-platform <gitops-platform@users.noreply.github.com>",
    );
    assert.equal((await git(dir, ["rev-list", "--count", "HEAD"])).trim(), "1");
    assert.equal(await git(dir, ["status", "--porcelain"]), "");
  });

  it("commits as the GitHub Actions bot on a runner with no identity", async () => {
    restore = withoutGitIdentity({ GITHUB_ACTIONS: "true" });
    const dir = await repoWithFile();
    await commitPaths(dir, ["file.yaml"], "one");
    assert.equal(
      await authorOf(dir),
      "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com> / " +
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
    );
  });
});
