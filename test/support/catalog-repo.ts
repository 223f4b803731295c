import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffManifestsAtRef, ManifestDiffReport } from "../../automation/manifest-diff/at-ref";
import { REPO_ROOT } from "../../automation/synth/synth";
import { Environment } from "../../stack";
import { writeEnvironment } from "./environments";
import { tempDir } from "./temp";

/** The shipped demo app's files for the two environments of a CatalogRepo. */
const DEMO_FILES = ["app.yaml", "staging.yaml", "production.yaml"];

/**
 * A project of two environments (staging, then production) with the shipped demo app, as a git
 * repository on disk with one commit: what `hydrate --diff` compares a working tree with. Commits
 * carry fixed dates, so their hashes are the same on every run of the same files.
 */
export class CatalogRepo {
  private constructor(readonly dir: string) {}

  static create(options: { catalog?: boolean } = {}): CatalogRepo {
    const repo = new CatalogRepo(tempDir("catalog-repo"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(repo.dir, "Pulumi.yaml"));
    repo.addEnvironment("staging", "staging", "staging");
    repo.addEnvironment("production", "production", "production", ["staging"]);
    if (options.catalog ?? true) {
      for (const file of DEMO_FILES) repo.copy(path.join("gitops", "apps", "demo", file), `gitops/apps/demo/${file}`);
    }
    repo.git("init", "--quiet", "--initial-branch=main");
    repo.commit("the project");
    return repo;
  }

  /** `Pulumi.<name>.yaml`, a copy of the shipped `from` file; its state repo a URL this machine cannot reach. */
  addEnvironment(name: Environment, from: Environment, tier: string, promotesFrom?: readonly Environment[]): void {
    const stateRepoUrl = `https://github.invalid/example-org/gitops-state-${name}.git`;
    writeEnvironment(this.dir, { name, from, tier, ...(promotesFrom ? { promotesFrom } : {}), stateRepoUrl });
  }

  /** Copies a file of this checkout into the repository's working tree. */
  copy(from: string, to: string): void {
    this.write(to, fs.readFileSync(path.join(REPO_ROOT, from), "utf8"));
  }

  write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), text);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), "utf8");
  }

  /** Replaces `from` with `to` in `file`, failing when `from` is not there. */
  edit(file: string, from: string, to: string): void {
    const text = this.read(file);
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    this.write(file, text.replace(from, to));
  }

  remove(file: string): void {
    fs.rmSync(path.join(this.dir, file), { recursive: true });
  }

  /** Commits everything in the working tree; returns the commit's hash. */
  commit(message: string): string {
    this.git("add", "--all");
    this.git("commit", "--quiet", "--allow-empty", "--message", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  git(...args: string[]): string {
    const date = "2026-01-01T00:00:00Z";
    return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
      cwd: this.dir,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
  }

  /** `hydrate --diff <ref>` of the working tree, in this process. */
  diff(ref: string, envs?: readonly Environment[]): Promise<ManifestDiffReport> {
    return diffManifestsAtRef({ rootDir: this.dir, ref, ...(envs ? { envs } : {}), command: "hydrate --diff" });
  }
}
