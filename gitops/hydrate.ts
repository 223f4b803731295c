import { readGuardrailsConfig } from "../policy/config";
import { blocksChange, PolicyReport, PolicyViolationError } from "../policy/engine";
import { declarationOf, loadFleet } from "../environments";
import { discoverEnvironments, Environment, PROJECT_ROOT } from "../stack";
import { assertAppNamespacesAllowed } from "./app-namespaces";
import { readHydrationConfig } from "./environment-config";
import { renderEnvironment, renderEnvironmentReportAsync, RenderOptions } from "./render/environment";
import { SourceRenderStats } from "./sources/renderer";
import { commitRender } from "./state-repo/atomic-commit";
import { assertHasOrigin, hasHead, SOURCE_COMMIT_TRAILER, sourceCommitOf } from "./state-repo/commit";
import { checkIdentity, IDENTITY_FILE, IdentityAction, identityText } from "./state-repo/identity";
import { AppChanges, describeChanges } from "./state-repo/diff";
import { pushWithRebase } from "./state-repo/push";
import { openWorkingCopy, TargetKind } from "./state-repo/target";
import { appsOf, FileChanges, hasChanges, planChanges, readAppsTree } from "./state-repo/working-copy";

/** How many times a hydration tries to push before giving up, when other pushes keep winning the race. */
export const PUSH_ATTEMPTS = 5;

/**
 * The gitops layer's programmatic API, for the CLI's `hydrate` and for `up`, `preview` and `drift`:
 * - renderEnvironment(env, options?): the catalog as state-repo files (pure, reads only the catalog);
 * - diffStateRepo(env, workingCopyDir, options?): what hydrate would change there, per app and file;
 * - hydrate(options): renders, writes, commits and (optionally) pushes one environment's state repo.
 */
export { renderEnvironment, RenderOptions };

export interface SourceOptions {
  /** The project whose `Pulumi.<env>.yaml` and `.state/` are used; by default this checkout. */
  readonly rootDir?: string;
  /** The app catalog; by default `gitops/apps` of this checkout. */
  readonly catalogDir?: string;
}

export interface StateRepoDiff extends FileChanges {
  readonly env: Environment;
  readonly hasChanges: boolean;
  /** Per app, per file: status and unified diff. */
  readonly apps: readonly AppChanges[];
}

/**
 * What hydrating `env` would change in the working copy at `workingCopyDir` (its files on disk, not
 * its git history), rendered exactly as hydrate renders. It does not judge the guardrails: hydrate
 * refuses on them, and preview lists them beside this diff.
 */
export function diffStateRepo(env: Environment, workingCopyDir: string, options: SourceOptions = {}): StateRepoDiff {
  const rootDir = options.rootDir ?? PROJECT_ROOT;
  const config = readHydrationConfig(env, rootDir);
  checkIdentity(workingCopyDir, config.identity, { shown: workingCopyDir, configKey: config.stateRepoKey });
  const rendered = renderEnvironment(env, {
    catalogDir: options.catalogDir,
    environments: discoverEnvironments(rootDir),
    rootDir,
  });
  const current = readAppsTree(workingCopyDir);
  assertAppNamespacesAllowed(appsOf([...rendered.keys()]), config.platform.appNamespaces, config.file);
  const changes = planChanges(current, rendered);
  return { env, ...changes, hasChanges: hasChanges(changes), apps: describeChanges(current, rendered, changes) };
}

export interface HydrateOptions extends SourceOptions {
  readonly env: Environment;
  /**
   * A git URL, a bare repository or a checkout. Without it: the local default `.state/<env>`, or,
   * with `push`, the environment's configured state repo (`gitops-platform:platform.stateRepo.url`).
   */
  readonly stateRepo?: string;
  /** Push the commit (rebasing and retrying when someone pushed first). A remote without push is a dry run. */
  readonly push: boolean;
  /** Named in the commit's `Source-Commit` trailer; by default HEAD of the project checkout. */
  readonly sourceCommit?: string;
  /** Hydrate a state repo that records another environment or cluster, and record this one instead. */
  readonly force?: boolean;
}

export interface HydrateResult extends FileChanges {
  readonly env: Environment;
  /** Whether the state repo's apps/ changed (for a remote without push: would change). */
  readonly changed: boolean;
  /** The hydration commit, when one was made. */
  readonly commit?: string;
  readonly kind: TargetKind;
  /** The state repo written to: a path or a URL. */
  readonly stateRepo: string;
  readonly branch: string;
  readonly pushed: boolean;
  /** Times a rejected push was rebased onto someone else's commits. */
  readonly rebases: number;
  readonly sourceCommit: string;
  /** The repo's record of its environment and cluster (IDENTITY_FILE): kept, written first, or rewritten by --force. */
  readonly identity: IdentityAction;
  /**
   * The guardrails' verdict on the rendered manifests, with the environment's severities and file
   * suppressions: advisory findings and suppressions to report. A mandatory violation never gets
   * here: hydrate throws PolicyViolationError before writing anything.
   */
  readonly policy: PolicyReport;
  /** Chart and Kustomize apps: which renders ran helm or kustomize, and how many the render cache held. */
  readonly sourceRenders: SourceRenderStats;
}

/**
 * Hydrates one environment: renders, validates and judges every app with the guardrails first (any
 * failure, or an unsuppressed mandatory violation, throws and leaves the state repo untouched), then
 * brings `apps/` of the working copy to exactly the render, commits with a trailer naming the source
 * commit (no commit when nothing changed) and pushes when asked.
 */
export async function hydrate(options: HydrateOptions): Promise<HydrateResult> {
  const { env, push } = options;
  const rootDir = options.rootDir ?? PROJECT_ROOT;
  // The whole fleet first: two environments sharing this state repo would overwrite each other.
  const fleet = loadFleet(rootDir);
  const { tier } = declarationOf(fleet, env);
  const config = readHydrationConfig(env, rootDir);
  const guardrails = readGuardrailsConfig(rootDir, env);
  const environments = fleet.environments.map((e) => e.name);
  const render = await renderEnvironmentReportAsync(env, {
    catalogDir: options.catalogDir,
    environments,
    guardrails,
    tier,
    rootDir,
  });
  if (blocksChange(render.policy)) throw new PolicyViolationError(render.policy);
  const sourceCommit = options.sourceCommit ?? (await sourceCommitOf(rootDir, config.file));
  assertAppNamespacesAllowed(render.apps, config.platform.appNamespaces, config.file);
  const stateRepo = options.stateRepo ?? (push ? config.platform.stateRepo.url : undefined);
  const copy = await openWorkingCopy(stateRepo, {
    rootDir,
    env,
    branch: config.platform.stateRepo.targetRevision,
    branchKey: `gitops-platform:platform.stateRepo.targetRevision in ${config.file}`,
  });
  try {
    const identity = checkIdentity(copy.dir, config.identity, {
      shown: copy.stateRepo,
      force: options.force,
      configKey: config.stateRepoKey,
    });
    const changes = planChanges(readAppsTree(copy.dir), render.files);
    const outcome = {
      env,
      ...changes,
      changed: hasChanges(changes),
      identity,
      kind: copy.kind,
      stateRepo: copy.stateRepo,
      branch: copy.branch,
      sourceCommit,
      policy: render.policy,
      sourceRenders: render.sourceRenders,
    };
    if (copy.kind === "remote" && !push) return { ...outcome, pushed: false, rebases: 0 };

    const writeAndCommit = async (): Promise<string | undefined> => {
      const now = planChanges(readAppsTree(copy.dir), render.files);
      // After a rebase onto someone else's hydration, their record counts: it is checked again.
      const record =
        checkIdentity(copy.dir, config.identity, {
          shown: copy.stateRepo,
          force: options.force,
          configKey: config.stateRepoKey,
        }) !== "kept";
      if (!hasChanges(now) && !record) return undefined;
      const rootFiles = new Map(record ? [[IDENTITY_FILE, identityText(config.identity)]] : []);
      return commitRender(copy.dir, render.files, now, commitMessage(env, now, sourceCommit), rootFiles);
    };
    if (push) await assertHasOrigin(copy.dir, copy.stateRepo);
    let commit = await writeAndCommit();
    if (!push || !(await hasHead(copy.dir))) return { ...outcome, commit, pushed: false, rebases: 0 };

    // The state repo's content is a function of the catalog, so re-rendering is the conflict
    // resolution; after a clean rebase it runs too, so the pushed tree is exactly this render.
    const pushedOutcome = await pushWithRebase(copy.dir, {
      branch: copy.branch,
      attempts: PUSH_ATTEMPTS,
      afterRebase: async (rebased) => {
        const again = await writeAndCommit();
        // After a conflict our commit is gone; with nothing left to write, their head already holds this render.
        if (again !== undefined || !rebased) commit = again;
        return true;
      },
    });
    return { ...outcome, commit: commit && pushedOutcome.head, pushed: true, rebases: pushedOutcome.rebases };
  } finally {
    copy.close();
  }
}

/**
 * `hydrate <env>: N added, N modified, N deleted`, the apps, and the Source-Commit trailer; a commit
 * that only records the repo's environment says so.
 */
export function commitMessage(env: Environment, changes: FileChanges, sourceCommit: string): string {
  const summary = `hydrate ${env}: ${changes.added.length} added, ${changes.modified.length} modified, ${changes.deleted.length} deleted`;
  const apps = appsOf([...changes.added, ...changes.modified, ...changes.deleted]);
  const what = apps.length > 0 ? `Changed apps: ${apps.join(", ")}` : `Records the environment in ${IDENTITY_FILE}.`;
  return `${summary}\n\n${what}\n\n${SOURCE_COMMIT_TRAILER}: ${sourceCommit}\n`;
}
