import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { IApplication } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { hydrate } from "../../gitops/hydrate";
import { REPO_ROOT } from "../../automation/synth/synth";
import type { Kubectl } from "../../automation/status/status";
import type { KubectlFactory } from "../../automation/status/argo-source";
import type { CheckContext } from "../../automation/doctor/probe";
import type { PromoteCommandOptions, PromoteDeps } from "../../automation/commands/promote";
import { discoverEnvironments, Environment } from "../../stack";
import { stagingApplications } from "../fixtures/argocd/applications";
import { git } from "./project-copy";

/** The digest staging is pinned to in the promotion project (podinfo's, as a registry would list it). */
export const STAGED_DIGEST = "sha256:1f4ed8d1b2b3e0b7d0e4a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1";
/** What `promote --app demo` names its branch after: the digest's first 12 hex digits. */
export const SHORT = STAGED_DIGEST.slice("sha256:".length, "sha256:".length + 12);
export const BRANCH = `promote/demo/production-${SHORT}`;
/** `promote --app demo --from staging --to production`, Argo CD read through the context `staging`. */
export const DEMO: PromoteCommandOptions = {
  app: "demo",
  from: "staging",
  to: "production",
  remote: "origin",
  context: "staging",
};

/** When the recorded sync of the demo app finished (test/fixtures/argocd/applications.ts). */
export const SYNC_FINISHED = Date.parse("2026-11-24T09:12:41Z");
export const minutesAfterSync = (minutes: number): Date => new Date(SYNC_FINISHED + minutes * 60_000);

/**
 * A checkout of this project for promote: its config files (each environment's state repo a bare
 * repo in the project), the catalog with staging pinned to STAGED_DIGEST, committed on main; staging
 * hydrated into its state repo as `up` would. Argo CD is the recorded Application objects, answering
 * for the state repo's head unless a test changes them.
 */
export class PromotionProject {
  /** The source's Applications as the next `kubectl get applications` returns them. */
  applications: { items: IApplication[] } = { items: [] };
  /** Every kubectl call: its kubeconfig, context and arguments. */
  readonly kubectlCalls: { kubeconfig?: string; context?: string; args: readonly string[] }[] = [];

  private constructor(readonly dir: string) {}

  static async create(
    options: { stagingTag?: string; hydrated?: boolean; moreApps?: readonly string[] } = {},
  ): Promise<PromotionProject> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-promote-"));
    const project = new PromotionProject(dir);
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const env of discoverEnvironments(REPO_ROOT)) {
      git(dir, "init", "--quiet", "--bare", "--initial-branch=main", project.stateRepo(env));
      const config = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), "utf8");
      const url = /^(\s+url: )https:\/\/github\.com\/example-org\/gitops-state-[\w-]+\.git$/m;
      fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), config.replace(url, `$1${project.stateRepo(env)}`));
    }
    fs.cpSync(path.join(REPO_ROOT, "gitops", "apps"), path.join(dir, "gitops", "apps"), { recursive: true });
    project.editCatalog("staging", (text) =>
      text.replace('tag: "6.7.1"', `tag: "${options.stagingTag ?? STAGED_DIGEST}"`),
    );
    for (const app of options.moreApps ?? []) project.addApp(app);
    fs.writeFileSync(path.join(dir, ".gitignore"), ".render-cache/\n*.git/\n");
    git(dir, "init", "--quiet", "--initial-branch=main");
    git(dir, "add", "--all");
    git(dir, "commit", "--quiet", "--message", "the project");
    if (options.hydrated === false) return project;
    await project.hydrateStaging();
    return project;
  }

  /** Hydrates staging from the checkout's HEAD; the recorded Applications (one per app) then run the new commit. */
  async hydrateStaging(): Promise<void> {
    const stateRepo = this.stateRepo("staging");
    await hydrate({ env: "staging", rootDir: this.dir, catalogDir: this.catalogDir, stateRepo, push: true });
    const recorded = stagingApplications(stateRepo, this.stateHead("staging"));
    const demo = JSON.stringify(recorded.items[0]);
    const apps = fs.readdirSync(this.catalogDir).filter((app) => app !== "demo");
    const more = apps.map((app) => JSON.parse(demo.replace(/\bdemo\b/g, app)) as IApplication);
    this.applications = { items: [...recorded.items, ...more] };
  }

  /** Another app like demo, named `app`: its files with demo renamed, its namespace allowed in every environment. */
  private addApp(app: string): void {
    const from = path.join(this.catalogDir, "demo");
    fs.mkdirSync(path.join(this.catalogDir, app));
    for (const file of fs.readdirSync(from)) {
      const text = fs.readFileSync(path.join(from, file), "utf8");
      fs.writeFileSync(path.join(this.catalogDir, app, file), text.replace(/\bdemo\b/g, app));
    }
    for (const env of discoverEnvironments(this.dir)) {
      const file = path.join(this.dir, `Pulumi.${env}.yaml`);
      fs.writeFileSync(
        file,
        fs.readFileSync(file, "utf8").replace("appNamespaces: [demo]", `appNamespaces: [demo, ${app}]`),
      );
    }
  }

  get catalogDir(): string {
    return path.join(this.dir, "gitops", "apps");
  }

  stateRepo(env: Environment): string {
    return path.join(this.dir, `state-${env}.git`);
  }

  stateHead(env: Environment): string {
    return git(this.stateRepo(env), "rev-parse", "main").trim();
  }

  /** The demo app's env file of `env`, as the checkout has it. */
  envFile(env: Environment): string {
    return fs.readFileSync(path.join(this.catalogDir, "demo", `${env}.yaml`), "utf8");
  }

  editCatalog(env: Environment, edit: (text: string) => string, app = "demo"): void {
    const file = path.join(this.catalogDir, app, `${env}.yaml`);
    fs.writeFileSync(file, edit(fs.readFileSync(file, "utf8")));
  }

  commitAll(message: string): void {
    git(this.dir, "add", "--all");
    git(this.dir, "commit", "--quiet", "--message", message);
  }

  /** The demo Application of the recorded objects, to change its status. */
  get demo(): IApplication {
    const found = this.applications.items.find((a) => a.metadata.name === "demo");
    if (!found) throw new Error("the recorded objects have no demo Application");
    return found;
  }

  branches(): string[] {
    return git(this.dir, "branch", "--format=%(refname:short)").split("\n").filter(Boolean).sort();
  }

  /** A kubectl that answers `get applications` with the recorded objects and records each call. */
  readonly kubectl: KubectlFactory = (kubeconfig, context) => {
    const answer: Kubectl = (args) => {
      this.kubectlCalls.push({ ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}), args });
      return Promise.resolve({ code: 0, stdout: JSON.stringify({ kind: "List", ...this.applications }), stderr: "" });
    };
    return answer;
  };

  /** promote's deps over this project: a kubectl on PATH, the recorded Argo CD, the clock at `now`. */
  deps(now: Date, out: string[], more: Partial<PromoteDeps> = {}): PromoteDeps {
    const checks: CheckContext = {
      rootDir: this.dir,
      env: {},
      home: path.join(this.dir, "home"),
      which: (tool) => (tool === "kubectl" ? "/usr/bin/kubectl" : undefined),
      run: () => Promise.reject(new Error("promote runs no program through the checks")),
    };
    return {
      rootDir: this.dir,
      checks,
      env: {},
      write: (text) => out.push(text),
      log: () => undefined,
      kubectl: this.kubectl,
      now: () => now,
      ...more,
    };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
