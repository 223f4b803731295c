/**
 * The replace blocks of our tools modules are derived from the upstream release's own go.mod,
 * never hand-edited. `go install` refuses a module whose go.mod has replace directives, and Go
 * ignores the replaces of a dependency, so a module that requires k8s.io/kubernetes or Argo CD
 * must repeat them: a local-path replace (`./staging/src/k8s.io/api`) becomes the published
 * version of that module.
 */

export interface ModuleVersion {
  readonly Path: string;
  readonly Version?: string;
}

export interface Replace {
  readonly Old: ModuleVersion;
  readonly New: ModuleVersion;
}

/** What `go mod edit -json` prints of a go.mod: the parts we read. */
export interface GoModJson {
  readonly Module: ModuleVersion;
  readonly Require?: readonly ModuleVersion[];
  readonly Replace?: readonly Replace[] | null;
}

export interface ReplaceRule {
  /** How a local-path replace of the upstream go.mod maps to a published module version. */
  readonly localPath: (replace: Replace, upstreamVersion: string) => ModuleVersion;
}

/** k8s.io/kubernetes v1.X.Y publishes each staging module as k8s.io/<name> v0.X.Y. */
export const KUBERNETES_STAGING: ReplaceRule = {
  localPath: (replace, upstreamVersion) => {
    if (!replace.New.Path.startsWith("./staging/src/"))
      throw new Error(`unexpected local replace in k8s.io/kubernetes: ${replace.Old.Path} => ${replace.New.Path}`);
    return { Path: replace.Old.Path, Version: upstreamVersion.replace(/^v1\./, "v0.") };
  },
};

/**
 * Argo CD 3.3+ keeps gitops-engine in its own repository and replaces it with `./gitops-engine`.
 * The module proxy serves it at the pseudo-version of a commit: that of the release's tag.
 */
export function localModuleAt(pseudoVersions: Readonly<Record<string, string>>): ReplaceRule {
  return {
    localPath: (replace) => {
      const version = pseudoVersions[replace.Old.Path];
      if (!version)
        throw new Error(
          `${replace.Old.Path} is replaced by the local path ${replace.New.Path} upstream; ` +
            "name the pseudo-version of the release tag's commit for it in test/e2e/tools/tools.ts",
        );
      return { Path: replace.Old.Path, Version: version };
    },
  };
}

export function isLocalPath(target: ModuleVersion): boolean {
  return target.Path.startsWith("./") || target.Path.startsWith("../");
}

/** The replace directives our tools module needs: upstream's, with local paths made versions. */
export function derivedReplaces(upstream: GoModJson, upstreamVersion: string, rule: ReplaceRule): Replace[] {
  return (upstream.Replace ?? []).map((replace) =>
    isLocalPath(replace.New) ? { Old: replace.Old, New: rule.localPath(replace, upstreamVersion) } : replace,
  );
}

export function formatReplace(replace: Replace): string {
  const side = (m: ModuleVersion) => (m.Version ? `${m.Path}@${m.Version}` : m.Path);
  return `${side(replace.Old)}=${side(replace.New)}`;
}

/** Directives present on one side only, as `go mod edit -replace` arguments. */
export function replaceDifferences(
  wanted: readonly Replace[],
  actual: readonly Replace[],
): { missing: string[]; extra: string[] } {
  const want = new Set(wanted.map(formatReplace));
  const have = new Set(actual.map(formatReplace));
  return {
    missing: [...want].filter((r) => !have.has(r)).sort(),
    extra: [...have].filter((r) => !want.has(r)).sort(),
  };
}
