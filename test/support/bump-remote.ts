import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { git } from "./project-copy";

export interface Remote {
  readonly dir: string;
  readonly bare: string;
  clone(): string;
  file(app: string, env: string): string;
}

/**
 * A bare repo on disk with a catalog of `apps` apps, as the gitops-platform repo on GitHub: each app
 * with an app.yaml and a staging.yaml of `envFile` (APP replaced by the app's name).
 */
export function remoteWithCatalog(apps: readonly string[], envFile: string): Remote {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bump-image-"));
  const bare = path.join(dir, "origin.git");
  git(dir, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  // Like a hosted remote, no housekeeping inside each push (it would double the processes of the race test).
  git(bare, "config", "receive.autogc", "false");
  const seed = path.join(dir, "seed");
  git(dir, "init", "--quiet", "--initial-branch=main", seed);
  git(seed, "remote", "add", "origin", bare);
  for (const app of apps) {
    const appDir = path.join(seed, "gitops", "apps", app);
    fs.mkdirSync(appDir, { recursive: true });
    fs.writeFileSync(
      path.join(appDir, "app.yaml"),
      `name: ${app}\nimage:\n  repository: ghcr.io/example-org/${app}\n  tag: 1.0.0\n`,
    );
    fs.writeFileSync(path.join(appDir, "staging.yaml"), envFile.replace("APP", app));
  }
  git(seed, "add", "--all");
  git(seed, "commit", "--quiet", "--message", "catalog");
  git(seed, "push", "--quiet", "origin", "HEAD:main");
  let clones = 0;
  return {
    dir,
    bare,
    clone() {
      const clone = path.join(dir, `ci-job-${clones++}`);
      git(dir, "clone", "--quiet", bare, clone);
      return clone;
    },
    file: (app, env) => path.join("gitops", "apps", app, `${env}.yaml`),
  };
}
