import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../automation/synth/synth";

const skipped = new Set(["node_modules", ".git", ".state", ".pulumi", ".cache", ".e2e", ".render-cache", "test"]);

/**
 * A throwaway copy of this project as a git repository with one commit, borrowing node_modules:
 * what `synth --diff` and the CI driver need to run against real history without touching ours.
 */
export function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-copy-"));
  fs.cpSync(REPO_ROOT, dir, {
    recursive: true,
    filter: (src) => !skipped.has(path.relative(REPO_ROOT, src).split(path.sep)[0]),
  });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "add", "--all");
  git(dir, "commit", "--quiet", "--message", "copy of gitops-platform");
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
}
