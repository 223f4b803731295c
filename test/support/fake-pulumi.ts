import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import type { CommandDeps } from "../../automation/commands/deps";
import { gitopsSteps } from "../../automation/driver/gitops-steps";
import { POLICY_PACK_DIR, projectPolicyPack } from "../../automation/driver/policy-pack";
import { PulumiHeld } from "../../automation/driver/handoff-verify";
import { DriverContext } from "../../automation/driver/stack-operation";
import { defaultManifestDiff } from "../../automation/driver/preview";
import { CHECKOUT_INVOCATION } from "../../automation/invocation";
import { CheckContext, pathLookup, runProgram } from "../../automation/doctor/probe";
import { backendSettings } from "../../automation/driver/backend";
import { openEachStackOnce, openStack } from "../../automation/driver/workspace";
import { REPO_ROOT } from "../../automation/synth/synth";
import { hydrate } from "../../gitops/hydrate";
import { discoverEnvironments, Environment } from "../../stack";
import { ExtraEnvironment, writeEnvironment } from "./environments";
import { git } from "./project-copy";

/** Where the fake CLI lives: PulumiCommand.get({ root }) runs `<root>/bin/pulumi`. */
export const FAKE_PULUMI_ROOT = path.join(REPO_ROOT, "test", "fake-pulumi");

const PASSPHRASE = "correct horse battery staple";

/** One PulumiCommand per CLI version the fake plays: asking the version costs a process. */
const commands: Record<string, Promise<PulumiCommand>> = {};

async function fakeCommand(worldFile: string): Promise<PulumiCommand> {
  // PulumiCommand.get asks the CLI its version with the process environment, so the world goes there briefly.
  const saved = process.env.PULUMI_FAKE_WORLD;
  process.env.PULUMI_FAKE_WORLD = worldFile;
  try {
    return await PulumiCommand.get({ root: FAKE_PULUMI_ROOT });
  } finally {
    if (saved === undefined) delete process.env.PULUMI_FAKE_WORLD;
    else process.env.PULUMI_FAKE_WORLD = saved;
  }
}

/** A run without cloud credentials (a fork's pull request): none of the variables or files the AWS SDK reads. */
export const NO_CLOUD: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  GITOPS_PLATFORM_CLOUD_CREDENTIALS: undefined,
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_CONFIG_FILE: "/nonexistent/config",
};

/**
 * Writes `Pulumi.<name>.yaml` into the project at `dir` (see writeEnvironment), with its own bare
 * state repo in the project (`state-<name>.git`).
 */
export function addEnvironment(dir: string, extra: ExtraEnvironment): void {
  const stateRepo = path.join(dir, `state-${extra.name}.git`);
  git(dir, "init", "--quiet", "--bare", "--initial-branch=main", stateRepo);
  writeEnvironment(dir, { ...extra, stateRepoUrl: stateRepo });
}

/** The state of the world the fake CLI plays (see test/fake-pulumi/fake-pulumi.js). */
export interface FakeWorld {
  readonly version?: string;
  readonly stacks: Readonly<
    Record<
      string,
      {
        /** A recording of the program; its `policyEvent`s are what the policy pack reports, when one is passed. */
        readonly program?: string;
        readonly drift?: string;
        readonly destroy?: string;
        readonly outputs?: Record<string, unknown>;
        readonly failure?: { readonly operation: string; readonly message: string; readonly resource?: string };
        /** The program reads this output of its own stack's previous run, and behaves as `runs` says for its value. */
        readonly readsOwnOutput?: string;
        readonly runs?: Readonly<
          Record<
            string,
            {
              readonly program?: string;
              readonly outputs?: Record<string, unknown>;
              readonly failure?: { readonly operation: string; readonly message: string };
            }
          >
        >;
      }
    >
  >;
}

/** What the cluster double answers for the hand-off's checks; each is noted in the journal when asked. */
export interface ClusterScript {
  waitForArgoCd: () => Promise<readonly string[]>;
  verifyHandoff: (expected: { applications: readonly string[]; pulumi: PulumiHeld }) => Promise<readonly string[]>;
}

export interface JournalEntry {
  readonly argv?: readonly string[];
  /** The fake's exit code, after the run of `of` (the command). */
  readonly exit?: number;
  readonly of?: string;
  /** A step outside the CLI (hydrate, the cluster teardown's test double), in the same order as the CLI's runs. */
  readonly step?: string;
}

/**
 * A throwaway project for the driver: Pulumi.yaml and the shipped config files (the fake runs no
 * program), committed to git (hydration names HEAD in its Source-Commit trailer), a file backend in
 * `.pulumi/`, the world file and the journal of what ran. Each environment's `stateRepo.url` points
 * at an empty bare repo in the project (`state-<env>.git`), which the real hydration pushes to.
 */
export class FakeProject {
  readonly log: string[] = [];
  readonly sleeps: number[] = [];
  /** Called on each sleep of the driver, with its index: how a test lets time pass in the world. */
  onSleep: (index: number) => void = () => undefined;
  /** The kubeconfig each cluster check was given (the file's content, read while it existed), and its path. */
  readonly kubeconfigs: { readonly path: string; readonly content: string }[] = [];
  /** The cluster as the hand-off's checks see it: Argo CD comes up, and Applications sync, unless a test says otherwise. */
  cluster: ClusterScript = {
    waitForArgoCd: () => Promise.resolve(["deployment/argocd-server", "statefulset/argocd-application-controller"]),
    verifyHandoff: (expected) => Promise.resolve(expected.applications),
  };

  private constructor(
    readonly dir: string,
    private readonly command: PulumiCommand,
  ) {}

  static async create(
    world: FakeWorld,
    options: { extraEnvironments?: readonly ExtraEnvironment[] } = {},
  ): Promise<FakeProject> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-driver-"));
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const env of discoverEnvironments(REPO_ROOT)) {
      const stateRepo = path.join(dir, `state-${env}.git`);
      git(dir, "init", "--quiet", "--bare", "--initial-branch=main", stateRepo);
      const config = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), "utf8");
      const url = /^(\s+url: )https:\/\/github\.com\/example-org\/gitops-state-[\w-]+\.git$/m;
      assert.match(config, url, `the shipped Pulumi.${env}.yaml names its state repo`);
      fs.writeFileSync(path.join(dir, `Pulumi.${env}.yaml`), config.replace(url, `$1${stateRepo}`));
    }
    for (const extra of options.extraEnvironments ?? []) addEnvironment(dir, extra);
    // The project's own app catalog, in its history: what preview renders at the base and in the working tree.
    fs.cpSync(path.join(REPO_ROOT, "gitops", "apps"), path.join(dir, "gitops", "apps"), { recursive: true });
    // The policy pack's project files: the fake loads a pack only from a directory holding PulumiPolicy.yaml.
    fs.mkdirSync(path.join(dir, POLICY_PACK_DIR));
    for (const file of ["PulumiPolicy.yaml", "package.json"]) {
      fs.copyFileSync(path.join(REPO_ROOT, POLICY_PACK_DIR, file), path.join(dir, POLICY_PACK_DIR, file));
    }
    git(dir, "init", "--quiet", "--initial-branch=main");
    git(dir, "add", "--all");
    git(dir, "commit", "--quiet", "--message", "the project");
    // As a pull request's checkout sees it (fetch-depth: 0): the base branch is origin/main, where the project is.
    git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
    fs.writeFileSync(path.join(dir, "world.json"), JSON.stringify(world));
    const version = world.version ?? "3.205.0";
    commands[version] ??= fakeCommand(path.join(dir, "world.json"));
    return new FakeProject(dir, await commands[version]);
  }

  /** The world changes (a cause fixed, the cloud moved on); the CLI's version stays. */
  setWorld(world: FakeWorld): void {
    fs.writeFileSync(path.join(this.dir, "world.json"), JSON.stringify(world));
  }

  /** The bare repo the environment's config names as its state repo. */
  stateRepo(env: Environment): string {
    return path.join(this.dir, `state-${env}.git`);
  }

  /** The project's app catalog (a copy of the shipped one, committed). */
  get catalogDir(): string {
    return path.join(this.dir, "gitops", "apps");
  }

  /** HEAD of the project: what hydration names in its Source-Commit trailer. */
  head(): string {
    return git(this.dir, "rev-parse", "HEAD").trim();
  }

  /** The state repo as a deploy left it: the catalog hydrated and pushed, then `edit`ed by hand in a checkout. */
  async deployedState(env: Environment, edit?: (checkout: string) => void): Promise<void> {
    await hydrate({ env, rootDir: this.dir, catalogDir: this.catalogDir, stateRepo: this.stateRepo(env), push: true });
    if (!edit) return;
    const checkout = fs.mkdtempSync(path.join(this.dir, "edit-"));
    git(checkout, "clone", "--quiet", this.stateRepo(env), ".");
    edit(checkout);
    git(checkout, "add", "--all");
    if (git(checkout, "status", "--porcelain")) {
      git(checkout, "commit", "--quiet", "--message", "a change by hand");
      git(checkout, "push", "--quiet", "origin", "main");
    }
    fs.rmSync(checkout, { recursive: true, force: true });
  }

  get journalFile(): string {
    return path.join(this.dir, "journal.jsonl");
  }

  journal(): JournalEntry[] {
    if (!fs.existsSync(this.journalFile)) return [];
    return fs
      .readFileSync(this.journalFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JournalEntry);
  }

  /** The operations that ran, as `<command> <stack>`, in order (stack selection and reads left out). */
  operations(): string[] {
    return this.journal().flatMap((entry) => {
      if (entry.step) return [entry.step];
      const argv = entry.argv ?? [];
      const command = argv[0];
      if (!["up", "preview", "refresh", "destroy"].includes(command)) return [];
      return [`${command} ${argv[argv.indexOf("--stack") + 1]}`];
    });
  }

  /** Records a test double's step in the journal, between the CLI's runs. */
  note(step: string): void {
    fs.appendFileSync(this.journalFile, `${JSON.stringify({ step })}\n`);
  }

  /**
   * A stack that was deployed earlier: its state in the backend, as the fake keeps it (resources by
   * URN and type, outputs with secrets as `{ secret: value }`).
   */
  seed(stack: string, state: { resources: readonly string[]; outputs?: Record<string, unknown> }): void {
    const file = path.join(this.dir, ".pulumi", ".pulumi", "stacks", "gitops-platform", `${stack}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const resources = state.resources.map((typeAndName) => {
      const [type, name] = typeAndName.split("::");
      return { type, urn: `urn:pulumi:${stack}::gitops-platform::${type}::${name}`, inputs: {}, outputs: {} };
    });
    fs.writeFileSync(
      file,
      JSON.stringify({ stack, secretsProvider: "passphrase", resources, outputs: state.outputs ?? {} }),
    );
  }

  /** A lock left in the backend by another update of `stack`, as the real DIY backend writes it. */
  lock(stack: string): string {
    const dir = path.join(this.dir, ".pulumi", ".pulumi", "locks", "organization", "gitops-platform", stack);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "3f2a9c1e-other-update.json");
    const info = { pid: 4242, username: "ci", hostname: "runner-2", timestamp: "2026-11-24T03:00:00Z" };
    fs.writeFileSync(file, JSON.stringify(info));
    return file;
  }

  /**
   * What the commands' preflight checks see in this project: `env` plus the passphrase the fake CLI
   * is given, a home of its own (no ~/.aws of the machine), and PATH with the fake `pulumi` first.
   */
  checks(env: NodeJS.ProcessEnv): CheckContext {
    const home = path.join(this.dir, "home");
    fs.mkdirSync(home, { recursive: true });
    return {
      rootDir: this.dir,
      env: { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, ...env },
      home,
      which: pathLookup([path.join(FAKE_PULUMI_ROOT, "bin"), process.env.PATH].join(path.delimiter)),
      run: runProgram({ ...process.env, PULUMI_FAKE_WORLD: path.join(this.dir, "world.json") }),
    };
  }

  /**
   * What a command runs with over this project, given its environment: the driver's context, the
   * preflight's checks, data collected in `out`. The offline synth and guardrails fail unless a test
   * gives them; the rendered-manifest diff is the real one, over the project's history.
   */
  deps(env: NodeJS.ProcessEnv, out: string[] = [], more: Partial<CommandDeps> = {}): CommandDeps {
    return {
      context: this.context(),
      checks: this.checks(env),
      env,
      write: (text) => out.push(text),
      synthDiff: () => Promise.reject(new Error("this test gives no offline synth diff")),
      manifestDiff: defaultManifestDiff(this.dir),
      policy: () => Promise.reject(new Error("this test gives no offline guardrails verdict")),
      ...more,
    };
  }

  /** The driver as the CLI runs it, over this project: the fake CLI, the real gitops steps, recorded sleeps and log. */
  context(): DriverContext {
    const gitops = gitopsSteps(this.dir, { catalogDir: this.catalogDir });
    const envVars = {
      PULUMI_FAKE_WORLD: path.join(this.dir, "world.json"),
      PULUMI_FAKE_JOURNAL: this.journalFile,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    };
    return {
      rootDir: this.dir,
      openStack: openEachStackOnce((target, mode) =>
        openStack(
          target,
          {
            rootDir: this.dir,
            pulumiCommand: this.command,
            backend: backendSettings(this.dir, target.env, {}),
            envVars,
          },
          mode,
        ),
      ),
      policyPack: projectPolicyPack(this.dir),
      gitops: {
        ...gitops,
        hydrate: (env) => {
          this.note(`hydrate ${env}`);
          return gitops.hydrate(env);
        },
      },
      handoffCluster: (kubeconfigPath) => {
        const seen = () =>
          this.kubeconfigs.push({ path: kubeconfigPath, content: fs.readFileSync(kubeconfigPath, "utf8") });
        return {
          waitForArgoCd: () => {
            seen();
            this.note("cluster: wait for Argo CD");
            return this.cluster.waitForArgoCd();
          },
          verifyHandoff: (expected) => {
            seen();
            this.note(`cluster: verify ${expected.applications.join(", ")}`);
            return this.cluster.verifyHandoff(expected);
          },
        };
      },
      retry: { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 4_000 },
      sleep: (ms) => {
        this.sleeps.push(ms);
        this.onSleep(this.sleeps.length);
        return Promise.resolve();
      },
      log: (message) => this.log.push(message),
      invocation: CHECKOUT_INVOCATION,
    };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
