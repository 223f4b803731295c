import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../config";
import { loadFleet, Tier } from "../../environments";
import { diffRenders, RenderDiff, RenderedFiles } from "../../gitops/render-diff";
import { readGuardrailsConfig } from "../../policy/config";
import type { PolicyReport } from "../../policy/engine";
import { configFileOf, Environment, PROJECT_ROOT } from "../../stack";
import { gitTopLevel, resolveCommit } from "../commit-tree";
import { BaseRenderResult, rendererChangedSince, renderWithCodeAt } from "./base-renderer";
import { BaseTree, exportBaseTree } from "./base-tree";
import { selectApps } from "./changed-apps";
import { BaseRender, CatalogRender, renderBaseApps, renderCatalog, UnrenderedApp } from "./render";

/**
 * The rendered-manifest diff of a change: the catalog rendered at a commit (`git archive` of it)
 * and in the working tree, for every environment, compared file by file. No state repo, no network,
 * no credentials: hydration is a function of the catalog (and of the renderer) at a commit.
 */

export interface ManifestDiffArgs {
  /** The project: its `Pulumi.<env>.yaml` files, in a git work tree whose history holds `ref`. */
  readonly rootDir: string;
  /** The app catalog; by default `gitops/apps` of the project. */
  readonly catalogDir?: string;
  /** The commit, branch or tag compared with. */
  readonly ref: string;
  /** Only these environments; by default every one of the working tree and of the commit. */
  readonly envs?: readonly Environment[];
  /** The command, for messages: `hydrate --diff`. */
  readonly command: string;
}

export interface EnvironmentManifestDiff extends RenderDiff {
  readonly env: Environment;
  /** `added`: the environment has no `Pulumi.<env>.yaml` at the commit; `removed`: none in the working tree. */
  readonly presence: "both" | "added" | "removed";
  /** The environment's tier in the working tree. */
  readonly tier?: Tier;
  /** The commit's catalog did not render: its errors, as the commit's; the working tree is compared with nothing. */
  readonly baseErrors?: string;
  /** Apps of the commit that did not render, each with its errors: what they render to here is compared with nothing. */
  readonly unrenderedAtBase?: readonly UnrenderedApp[];
  readonly notes: readonly string[];
  /**
   * The guardrails' verdict on the working tree's render of the apps compared (absent for a removed
   * environment). The guardrails judge one app at a time (policy/engine.ts), so the findings on
   * changed files are those a full render would give.
   */
  readonly policy?: PolicyReport;
}

export interface ManifestDiffReport {
  /** The ref as given, and the commit it names. */
  readonly ref: string;
  readonly commit: string;
  /** What holds for every environment: the commit has no catalog, its renderer was the one run. */
  readonly notes: readonly string[];
  readonly environments: readonly EnvironmentManifestDiff[];
  readonly hasChanges: boolean;
}

const NOTHING: RenderedFiles = new Map();
const NOTHING_RENDERED: BaseRender = { files: NOTHING, unrendered: [] };

export async function diffManifestsAtRef(args: ManifestDiffArgs): Promise<ManifestDiffReport> {
  const rootDir = path.resolve(args.rootDir);
  const catalogDir = path.resolve(args.catalogDir ?? path.join(rootDir, "gitops", "apps"));
  const topLevel = gitTopLevel(rootDir);
  if (topLevel === undefined) {
    throw new InputError(
      `${args.command}: ${rootDir} is not in a git work tree; expected the project's checkout, whose history holds ${args.ref}`,
    );
  }
  const commit = resolveCommit(topLevel, args.ref, args.command);
  const fleet = loadFleet(rootDir);
  const heads = fleet.environments.map((e) => e.name);
  const tierOf = (env: Environment) => fleet.environments.find((e) => e.name === env)?.tier;
  // Both sides share this checkout's render cache: a chart or Kustomize app whose inputs did not
  // change renders once, and a locked chart archive pulled for the working tree serves the base too.
  const cacheDir = path.join(rootDir, ".render-cache");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-manifest-diff-"));
  // The base's files are named as git names a file of a commit (`main:gitops/apps/demo/app.yaml`), not by the temporary directory.
  const atRef = (text: string): string =>
    [work, fs.realpathSync(work)].reduce((t, dir) => t.split(`${dir}${path.sep}`).join(`${args.ref}:`), text);
  try {
    const whole = rendererChangedSince(topLevel, commit);
    const treeArgs = {
      topLevel,
      commit,
      rootRel: inside(topLevel, rootDir, "the project", args.command),
      catalogRel: inside(topLevel, catalogDir, "the app catalog", args.command),
      dir: work,
    };
    const selection = whole ? undefined : selectApps(topLevel, commit, treeArgs.catalogRel, catalogDir);
    let base = exportBaseTree({ ...treeArgs, scope: selection ?? "whole" });
    const baseEnvError = "error" in base.environments ? base.environments.error : undefined;
    const bases = "error" in base.environments ? [] : base.environments;
    const envs = [...new Set(args.envs ?? [...heads, ...bases])].sort();
    // An environment the change removes loses every manifest: its whole catalog is rendered at the commit.
    if (selection && envs.some((e) => bases.includes(e) && !heads.includes(e))) {
      base = exportBaseTree({ ...treeArgs, scope: "catalog" });
    }
    const notes = baseNotes(args.ref, base);
    // Started first: the commit's own renderer runs in a child process while this one renders the working tree.
    const ownRender =
      whole && base.catalogDir
        ? startOwnRender(
            path.join(work, path.relative(topLevel, PROJECT_ROOT)),
            base,
            envs.filter((e) => bases.includes(e)),
            cacheDir,
          )
        : undefined;

    // Where both sides have the environment, only the selected apps can differ; elsewhere every app is added or deleted.
    const appsIn = (env: Environment) =>
      selection && base.catalogDir && bases.includes(env) && heads.includes(env) ? selection.apps : undefined;
    const headRenders = new Map<Environment, CatalogRender>();
    for (const env of envs.filter((e) => heads.includes(e))) {
      const apps = appsIn(env);
      const options = { catalogDir, environments: heads, rootDir, cacheDir, ...(apps ? { apps } : {}) };
      const guardrails = readGuardrailsConfig(rootDir, env);
      headRenders.set(env, await renderCatalog(env, { ...options, guardrails, tier: tierOf(env) }));
    }
    const own = await ownRender?.catch((err: unknown) => {
      notes.push(
        `The change touches the renderer, but ${args.ref}'s renderer could not run (${err instanceof Error ? err.message : String(err)}); ` +
          "it was rendered with this checkout's renderer instead, so what the renderer change itself does is not shown.",
      );
      return undefined;
    });
    if (own) notes.push(`The change touches the renderer: ${args.ref} was rendered with its own renderer.`);

    const environments: EnvironmentManifestDiff[] = [];
    for (const env of envs) {
      const head = headRenders.get(env);
      const presence = !head ? "removed" : bases.includes(env) || baseEnvError ? "both" : "added";
      const baseRender: BaseRenderResult = baseEnvError
        ? { error: baseEnvError }
        : presence === "added" || !base.catalogDir
          ? NOTHING_RENDERED
          : own
            ? (own.get(env) ?? NOTHING_RENDERED)
            : await renderBase(base, env, { bases, cacheDir, apps: appsIn(env) });
      const unrendered = ("unrendered" in baseRender ? baseRender.unrendered : []).map((u) => ({
        app: u.app,
        error: atRef(u.error),
      }));
      const tier = tierOf(env);
      environments.push({
        env,
        presence,
        ...(tier ? { tier } : {}),
        ...diffRenders("files" in baseRender ? baseRender.files : NOTHING, head?.files ?? NOTHING),
        ...("error" in baseRender ? { baseErrors: atRef(baseRender.error) } : {}),
        ...(unrendered.length > 0 ? { unrenderedAtBase: unrendered } : {}),
        notes: baseEnvError ? [] : environmentNotes(args.ref, env, presence, baseRender).map(atRef),
        ...(head ? { policy: head.policy } : {}),
      });
    }
    const hasChanges = environments.some((e) => e.hasChanges);
    return { ref: args.ref, commit, notes: notes.map(atRef), environments, hasChanges };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `dir` relative to the top level, or bad input when it is outside the repository. */
function inside(topLevel: string, dir: string, what: string, command: string): string {
  const relative = path.relative(topLevel, fs.realpathSync(dir)).split(path.sep).join("/");
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new InputError(
      `${command}: ${what} ${dir} is outside the git work tree ${topLevel}; expected it inside, where its history is`,
    );
  }
  return relative;
}

/** The commit's catalog rendered by its own renderer, whose sources are at `codeRoot` in the exported tree. */
function startOwnRender(
  codeRoot: string,
  base: BaseTree,
  envs: readonly Environment[],
  cacheDir: string,
): Promise<Map<Environment, BaseRenderResult>> {
  const environments = "error" in base.environments ? [] : base.environments;
  // This checkout's node_modules serve the commit's code, as for synth --diff (automation/synth/at-ref.ts).
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(codeRoot, "node_modules"), "dir");
  return renderWithCodeAt(
    codeRoot,
    base.catalogDir ?? "",
    envs.map((env) => ({ env, environments, rootDir: base.rootDir, cacheDir })),
  );
}

interface BaseRenderContext {
  /** The commit's environments. */
  readonly bases: readonly Environment[];
  readonly cacheDir: string;
  /** Only these apps (selectApps); by default every app. */
  readonly apps?: readonly string[];
}

/** The commit's render of `env` with this checkout's renderer, its chart apps given that commit's Kubernetes version. */
async function renderBase(base: BaseTree, env: Environment, context: BaseRenderContext): Promise<BaseRenderResult> {
  const options = { catalogDir: base.catalogDir, environments: context.bases, rootDir: base.rootDir };
  try {
    return await renderBaseApps(env, { ...options, cacheDir: context.cacheDir }, context.apps);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { error: err.message };
  }
}

function baseNotes(ref: string, base: BaseTree): string[] {
  if (!base.catalogDir) return [`The app catalog did not exist at ${ref} yet: every manifest is added.`];
  if ("error" in base.environments) {
    return [
      `${ref}'s environments could not be read (its error: ${base.environments.error}); every environment is compared with nothing.`,
    ];
  }
  return [];
}

function environmentNotes(ref: string, env: Environment, presence: string, base: BaseRenderResult): string[] {
  if (presence === "added")
    return [`${env} does not exist at ${ref} (no ${configFileOf(env)}): every manifest is added.`];
  if (presence === "removed")
    return [`The change removes ${env} (${configFileOf(env)}): every manifest of it is deleted.`];
  if ("error" in base) {
    return [`${ref}'s catalog does not render for ${env} (its errors: ${base.error}); this is compared with nothing.`];
  }
  return ("unrendered" in base ? base.unrendered : []).map(
    ({ app, error }) =>
      `${app} does not render at ${ref} (its errors: ${error}); what it renders to here is compared with nothing.`,
  );
}
