import { ResourceChange, StackChanges } from "../../automation/driver/engine-events";
import { ManifestChange } from "../../automation/driver/gitops-steps";
import { EnvironmentPreview, PreviewReport } from "../../automation/driver/preview";
import { evaluatePolicy } from "../../policy/engine";
import { LAYERS } from "../../stack";

/**
 * A preview of a fleet, as the driver reports one: `environments` environments (`env-01`, ...), of
 * which the first `changing` have changes. The changed resources are spread unevenly, as real pull
 * requests spread them: one environment holds about half of them, the others share the rest. Each
 * resource carries a few changed properties, and each changing environment a few manifest diffs.
 */
export function fleetPreview(options: {
  readonly environments: number;
  readonly changing: number;
  readonly changedResources: number;
}): PreviewReport {
  const names = Array.from({ length: options.environments }, (_, n) => `env-${String(n + 1).padStart(2, "0")}`);
  const shares = spread(options.changedResources, options.changing);
  const environments = names.map((env, n): EnvironmentPreview => {
    const changed = shares[n] ?? 0;
    return {
      env,
      stacks: LAYERS.map((layer, l) => ({
        stack: `${layer}-${env}`,
        changes: stackChanges(`${layer}-${env}`, spread(changed, LAYERS.length)[l]),
      })),
      manifests: {
        changes: n < options.changing ? manifestChanges(env, 3) : [],
        against: { kind: "render", ref: "origin/main", commit: "5d2c1f0e9b8a7d6c5b4a39281706f5e4d3c2b1a0" },
      },
      policy: { report: evaluatePolicy({ env, tier: "staging", stacks: [], manifests: [] }) },
    };
  });
  return { environments, commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" };
}

/** `total` split over `parts`: the first gets half, the others share the rest evenly. */
function spread(total: number, parts: number): number[] {
  if (parts <= 0) return [];
  if (parts === 1) return [total];
  const first = Math.ceil(total / 2);
  const rest = total - first;
  return [
    first,
    ...Array.from({ length: parts - 1 }, (_, n) => Math.floor(rest / (parts - 1)) + (n < rest % (parts - 1) ? 1 : 0)),
  ];
}

function stackChanges(stack: string, changed: number): StackChanges {
  const resources = Array.from({ length: changed }, (_, n) => resourceChange(stack, n));
  return {
    stack,
    counts: { create: changed, update: 0, replace: 0, delete: 0, same: 40 },
    resources,
    errors: [],
    policy: [],
  };
}

function resourceChange(stack: string, n: number): ResourceChange {
  const name = `node-role-policy-attachment-${n}`;
  return {
    urn: `urn:pulumi:${stack}::gitops-platform::aws:iam/rolePolicyAttachment:RolePolicyAttachment::${name}`,
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    name,
    op: "create",
    properties: [
      { path: "policyArn", kind: "add", replaces: false, after: `arn:aws:iam::aws:policy/Policy${n}` },
      { path: "role", kind: "add", replaces: false, after: `${stack}-nodes-${n}` },
      { path: "tags.gitops-platform/stack", kind: "add", replaces: false, after: stack },
    ],
  };
}

function manifestChanges(env: string, count: number): ManifestChange[] {
  return Array.from({ length: count }, (_, n) => {
    const path = `apps/app-${n}/deployment-app-${n}.yaml`;
    const diff =
      `--- a/${path}\n+++ b/${path}\n@@ -20,7 +20,7 @@\n       containers:\n` +
      `-        - image: ghcr.io/example/app-${n}:1.0.0\n+        - image: ghcr.io/example/app-${n}:1.0.1\n` +
      `           name: app-${n}\n           ports:\n # ${env}\n`;
    return { app: `app-${n}`, path, status: "modified", kind: "Deployment", diff };
  });
}
