import { Manifest, refOfManifest } from "../render/manifest";

/**
 * Helm hooks in the state repo (docs/catalog.md, "Chart hooks"). The state repo holds plain
 * manifests that Argo CD syncs, so a chart's `helm.sh/hook` objects become Argo CD hooks here, by
 * the rule Argo CD itself applies when it renders a chart (gitops-engine pkg/sync/hook/helm):
 *
 * | helm.sh/hook                     | argocd.argoproj.io/hook |
 * |----------------------------------|-------------------------|
 * | pre-install, pre-upgrade         | PreSync                 |
 * | post-install, post-upgrade       | PostSync                |
 * | pre-delete / post-delete         | PreDelete / PostDelete  |
 * | pre-rollback, post-rollback      | dropped beside another type; alone: refused |
 * | test (skipped by `--skip-tests`), anything else | refused                    |
 *
 * `helm.sh/hook-weight` becomes `argocd.argoproj.io/sync-wave` (Argo CD orders hooks by it) and
 * `helm.sh/hook-delete-policy` becomes `argocd.argoproj.io/hook-delete-policy`. The helm annotations
 * are removed, so only one rule ever applies. A rollback in GitOps is a sync of an older commit,
 * which runs the PreSync and PostSync hooks; a hook that runs only on rollback would never run, and
 * Argo CD would silently keep it out of every sync, so it is refused rather than dropped.
 */

export const HELM_HOOK = "helm.sh/hook";
const HELM_WEIGHT = "helm.sh/hook-weight";
const HELM_DELETE_POLICY = "helm.sh/hook-delete-policy";
export const ARGO_HOOK = "argocd.argoproj.io/hook";
const ARGO_WAVE = "argocd.argoproj.io/sync-wave";
const ARGO_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";

const HOOK_PHASES: Readonly<Record<string, string>> = {
  "pre-install": "PreSync",
  "pre-upgrade": "PreSync",
  "post-install": "PostSync",
  "post-upgrade": "PostSync",
  "pre-delete": "PreDelete",
  "post-delete": "PostDelete",
};
const ROLLBACK_HOOKS = ["pre-rollback", "post-rollback"];
const DELETE_POLICIES: Readonly<Record<string, string>> = {
  "before-hook-creation": "BeforeHookCreation",
  "hook-succeeded": "HookSucceeded",
  "hook-failed": "HookFailed",
};

/** The outcome for one object: itself with Argo CD's hook annotations, or why it is refused. */
export type HookOutcome = { readonly object: Manifest } | { readonly problem: string };

export function convertHook(object: Manifest): HookOutcome {
  const annotations = object.metadata.annotations ?? {};
  // Argo CD ignores the helm annotations of an object that has its own (gitops-engine hook.Types).
  if (!(HELM_HOOK in annotations) || ARGO_HOOK in annotations) return { object };
  const ref = refOfManifest(object);
  const types = csv(annotations[HELM_HOOK]);
  const unknown = types.filter((t) => !(t in HOOK_PHASES) && !ROLLBACK_HOOKS.includes(t));
  const phases = [...new Set(types.flatMap((t) => HOOK_PHASES[t] ?? []))];
  if (unknown.length || phases.length === 0) {
    return {
      problem:
        `${ref}: received ${HELM_HOOK} ${JSON.stringify(annotations[HELM_HOOK])}; expected pre-install, pre-upgrade, ` +
        "post-install, post-upgrade, pre-delete or post-delete, which become Argo CD hooks (a rollback- or test-only " +
        "hook would never run under Argo CD: turn it off in the chart's values)",
    };
  }
  const policies = csv(annotations[HELM_DELETE_POLICY] ?? "");
  const badPolicy = policies.find((p) => !(p in DELETE_POLICIES));
  if (badPolicy !== undefined) {
    return {
      problem: `${ref}: received ${HELM_DELETE_POLICY} ${JSON.stringify(badPolicy)}; expected one of ${Object.keys(DELETE_POLICIES).join(", ")}`,
    };
  }
  const weight = annotations[HELM_WEIGHT] as unknown;
  if (weight !== undefined && (typeof weight !== "string" || !/^-?\d+$/.test(weight))) {
    return { problem: `${ref}: received ${HELM_WEIGHT} ${JSON.stringify(weight)}; expected a whole number` };
  }
  const rest = Object.fromEntries(
    Object.entries(annotations).filter(([key]) => ![HELM_HOOK, HELM_WEIGHT, HELM_DELETE_POLICY].includes(key)),
  );
  const converted: Record<string, string> = {
    ...rest,
    [ARGO_HOOK]: phases.join(","),
    ...(weight !== undefined ? { [ARGO_WAVE]: weight } : {}),
    ...(policies.length ? { [ARGO_DELETE_POLICY]: policies.map((p) => DELETE_POLICIES[p]).join(",") } : {}),
  };
  return { object: { ...object, metadata: { ...object.metadata, annotations: converted } } };
}

function csv(value: unknown): string[] {
  return String(value)
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}
