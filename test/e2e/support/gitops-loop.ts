import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { bumpImage } from "../../../automation/bump-image";
import { REPO_ROOT } from "../../../automation/synth/synth";
import { hydrate } from "../../../gitops/hydrate";
import { configFileOf, Environment, EnvironmentConfig } from "../../../stack";
import { ArgoCd, ARGOCD_NAMESPACE, startArgoCd } from "./argocd";
import { argocdCmData, argocdRbacCmData, harnessHealthSettings, Values } from "./argocd-settings";
import { configWith } from "./config-variants";
import { ControlPlane } from "./control-plane";
import { installCrds } from "./crds";
import { Emitted, synthObjects } from "./emitted";
import { KubeApi, KubeObject } from "./kube-api";
import { binary, pollUntil } from "./process";

/**
 * The GitOps loop of one environment, for real: a clone of this project (the catalog a team edits),
 * a bare state repo on disk (file://), the platform stack's objects applied to the apiserver, a real
 * Argo CD syncing the state repo, and the gitops stack's Applications pointing at it. Scenarios read
 * as given / when / then with the methods below; every wait is a bounded poll that reports the last
 * state it saw.
 */

export interface Application extends KubeObject {
  readonly spec: Record<string, unknown>;
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string };
    readonly health?: { readonly status?: string; readonly message?: string };
    readonly operationState?: {
      readonly phase?: string;
      readonly message?: string;
      readonly finishedAt?: string;
      readonly operation?: { readonly initiatedBy?: { readonly automated?: boolean } };
      readonly syncResult?: {
        readonly revision?: string;
        readonly resources?: readonly { readonly kind: string; readonly message?: string }[];
      };
    };
    readonly conditions?: readonly { readonly type: string; readonly message: string }[];
    readonly resources?: readonly {
      readonly kind: string;
      readonly name: string;
      readonly namespace?: string;
      readonly status?: string;
    }[];
  };
}

/** Synced at `revision` and Healthy, with the last operation (if any) succeeded. */
export function isSyncedAt(app: Application | undefined, revision: string): boolean {
  const status = app?.status;
  return (
    status?.sync?.status === "Synced" &&
    status.sync.revision === revision &&
    status.health?.status === "Healthy" &&
    (status.operationState === undefined || status.operationState.phase === "Succeeded")
  );
}

export function describeApp(app: Application | undefined): string {
  if (!app) return "no such Application";
  const s = app.status;
  const conditions = (s?.conditions ?? []).map((c) => `${c.type}: ${c.message}`).join("; ");
  return (
    `sync ${s?.sync?.status ?? "-"} at ${s?.sync?.revision?.slice(0, 12) ?? "-"}, health ${s?.health?.status ?? "-"}, ` +
    `operation ${s?.operationState?.phase ?? "-"}${s?.operationState?.message ? ` (${s.operationState.message})` : ""}` +
    (conditions ? `, conditions: ${conditions}` : "")
  );
}

export function applicationRef(name: string): Pick<KubeObject, "apiVersion" | "kind" | "metadata"> {
  return { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name, namespace: ARGOCD_NAMESPACE } };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Seconds between Argo CD's refreshes of each Application: it polls the state repo, no webhook. */
export const RESYNC_SECONDS = 3;

export class GitopsLoop {
  private constructor(
    readonly env: Environment,
    readonly api: KubeApi,
    readonly plane: ControlPlane,
    readonly workDir: string,
    /** A clone of this project: its catalog and config, where bump-image and edits happen. */
    readonly projectDir: string,
    /** The environment's state repo: a bare repository on disk. */
    readonly stateRepo: string,
    readonly config: EnvironmentConfig,
    readonly argocd: ArgoCd,
  ) {}

  static async start(
    env: Environment,
    plane: ControlPlane,
    api: KubeApi,
    argocdValues: (emitted: readonly Emitted[]) => Values,
  ): Promise<GitopsLoop> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-e2e-loop-"));
    const stateRepo = path.join(workDir, "state.git");
    git(workDir, "init", "--quiet", "--bare", "--initial-branch=main", stateRepo);
    const seed = path.join(workDir, "seed");
    git(workDir, "clone", "--quiet", stateRepo, seed);
    fs.writeFileSync(path.join(seed, "README.md"), `# ${env} state repo\n`);
    git(seed, "add", "README.md");
    git(seed, "commit", "--quiet", "-m", "initial");
    git(seed, "push", "--quiet", "origin", "HEAD:main");
    fs.rmSync(seed, { recursive: true, force: true });

    const projectDir = path.join(workDir, "project");
    git(workDir, "clone", "--quiet", REPO_ROOT, projectDir);
    // The clone's environment points at the bare repo, so its commands (status, hydrate) find it as configured.
    const configFile = path.join(projectDir, configFileOf(env));
    const configDoc = parseDocument(fs.readFileSync(configFile, "utf8"));
    configDoc.setIn(["config", "gitops-platform:platform", "stateRepo", "url"], `file://${stateRepo}`);
    fs.writeFileSync(configFile, configDoc.toString());
    git(projectDir, "commit", "--quiet", "-am", "state repo on disk");
    const config = configWith(env, (s) => {
      (s.platform.stateRepo as Record<string, unknown>).url = `file://${stateRepo}`;
    });

    await installCrds(api);
    const platform = (await synthObjects(env, config)).filter((e) => e.source.startsWith(`platform-${env} `));
    for (const { object } of platform.filter((e) => !isChartSourcedApplication(e.object))) await api.apply(object);

    const values = argocdValues(platform);
    let argocd: ArgoCd;
    try {
      argocd = await startArgoCd(plane, api, {
        argocdCm: { ...argocdCmData(values), ...harnessHealthSettings() },
        rbacCm: argocdRbacCmData(values),
        applicationSet: true,
        resyncSeconds: RESYNC_SECONDS,
      });
    } catch (error) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
    return new GitopsLoop(env, api, plane, workDir, projectDir, stateRepo, config, argocd);
  }

  async stop(): Promise<void> {
    await this.argocd.stop();
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }

  // --- when -------------------------------------------------------------------------------------

  /** `hydrate --push` of the project clone into the state repo; returns the state repo's new head. */
  async hydrate(): Promise<string> {
    const result = await hydrate({
      env: this.env,
      rootDir: this.projectDir,
      catalogDir: path.join(this.projectDir, "gitops", "apps"),
      stateRepo: this.stateRepo,
      push: true,
    });
    return this.stateRepoHead(result.commit);
  }

  stateRepoHead(expected?: string): string {
    const head = git(this.stateRepo, "rev-parse", "refs/heads/main").trim();
    if (expected && expected !== head)
      throw new Error(`hydrate reported ${expected}, the state repo's main is ${head}`);
    return head;
  }

  /** What an app repository's CI runs: bump-image, committed in the project clone. */
  async bumpImage(app: string, tag: string): Promise<void> {
    await bumpImage({ rootDir: this.projectDir, app, env: this.env, tag, push: false, log: () => undefined });
  }

  /** Edits an env file of the catalog with the yaml Document API and commits it, as a person would. */
  editCatalog(app: string, file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
    const relative = path.join("gitops", "apps", app, file);
    const full = path.join(this.projectDir, relative);
    const doc = parseDocument(fs.readFileSync(full, "utf8"));
    edit(doc);
    fs.writeFileSync(full, doc.toString());
    git(this.projectDir, "commit", "--quiet", "-m", `edit ${relative}`, "--", relative);
  }

  /** Commits files straight into the state repo, bypassing hydrate: what a mistake or an attacker could push. */
  pushToStateRepo(files: Readonly<Record<string, string>>, message: string): string {
    const checkout = fs.mkdtempSync(path.join(this.workDir, "checkout-"));
    try {
      git(this.workDir, "clone", "--quiet", this.stateRepo, checkout);
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
        fs.writeFileSync(path.join(checkout, file), text);
        git(checkout, "add", file);
      }
      git(checkout, "commit", "--quiet", "-m", message);
      git(checkout, "push", "--quiet", "origin", "HEAD:main");
      return git(checkout, "rev-parse", "HEAD").trim();
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }
  }

  /** The real kubectl client, as the cluster's admin. */
  kubectl(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(binary("kubectl"), ["--kubeconfig", this.plane.kubeconfig, ...args], (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
  }

  // --- then -------------------------------------------------------------------------------------

  async application(name: string): Promise<Application | undefined> {
    return (await this.api.get(applicationRef(name))) as Application | undefined;
  }

  async waitForApplication(
    name: string,
    what: string,
    done: (app: Application | undefined) => boolean,
    timeoutMs = 60_000,
  ): Promise<Application | undefined> {
    return pollUntil({
      what: `Application ${name} ${what}`,
      timeoutMs,
      intervalMs: 250,
      probe: async () => {
        const app = await this.application(name);
        return { value: done(app) ? { app } : undefined, last: describeApp(app) };
      },
    }).then(({ app }) => app);
  }

  async waitForObject(
    object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">,
    what: string,
    done: (live: KubeObject | undefined) => boolean,
    timeoutMs = 60_000,
  ): Promise<KubeObject | undefined> {
    const name = `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    return pollUntil({
      what: `${name} ${what}`,
      timeoutMs,
      intervalMs: 250,
      probe: async () => {
        const live = await this.api.get(object);
        return { value: done(live) ? { live } : undefined, last: live ? JSON.stringify(live).slice(0, 300) : "absent" };
      },
    }).then(({ live }) => live);
  }
}

/** An Application whose source is a Helm chart repository: unreachable from this offline harness. */
function isChartSourcedApplication(object: KubeObject): boolean {
  if (object.kind !== "Application") return false;
  const source = (object.spec as { source?: { chart?: string } } | undefined)?.source;
  return source?.chart !== undefined;
}
