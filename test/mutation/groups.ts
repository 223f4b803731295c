import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack";

/** Where `npm run mutation` writes Stryker's JSON reports (git-ignored): one per group, and all together. */
export const REPORT_DIR = path.join(PROJECT_ROOT, ".mutation");
export const COMBINED_REPORT = path.join(REPORT_DIR, "mutation.json");

/**
 * What `npm run mutation` mutates, each pure core with only the test files that exercise it: a
 * mutant runs just the tests that reached it, but every test file of its group loads for each static
 * mutant (code that runs while a module loads, such as a table or a schema), so a group names the
 * focused test files, not every file that happens to import the module.
 */
export interface MutationGroup {
  /** `npm run mutation -- <name>` runs this group alone. */
  readonly name: string;
  readonly mutate: readonly string[];
  readonly spec: readonly string[];
  /** Loads the modules afresh for each mutant: the module keeps a memo cache across calls. */
  readonly reloadEachMutant?: boolean;
}

export const MUTATION_GROUPS: readonly MutationGroup[] = [
  { name: "ci", mutate: ["automation/ci.ts"], spec: ["test/ci-plan.test.ts"] },
  {
    name: "comment",
    mutate: ["automation/report/preview-comment.ts", "automation/report/comment-budget.ts"],
    spec: [
      "test/comment-budget.test.ts",
      "test/preview-comment.test.ts",
      "test/preview-fleet.test.ts",
      "test/engine-events.test.ts",
    ],
  },
  { name: "yaml", mutate: ["gitops/render/yaml.ts"], spec: ["test/gitops-yaml.test.ts"], reloadEachMutant: true },
  { name: "catalog", mutate: ["gitops/catalog/merge.ts"], spec: ["test/gitops-catalog.test.ts"] },
  {
    name: "app-spec",
    mutate: ["gitops/catalog/spec.ts", "gitops/catalog/references.ts", "gitops/catalog/image.ts"],
    spec: ["test/gitops-app-spec.test.ts", "test/gitops-app-references.test.ts", "test/gitops-image.test.ts"],
  },
  {
    name: "render",
    mutate: [
      "gitops/render/app.ts",
      "gitops/render/environment.ts",
      "gitops/render/manifest.ts",
      "gitops/render/objects.ts",
      "gitops/render/workload.ts",
      "gitops/render/file-names.ts",
      "order.ts",
    ],
    spec: ["test/gitops-render-app.test.ts", "test/order.test.ts", "test/gitops-render.test.ts"],
  },
  { name: "policy", mutate: ["policy/engine.ts"], spec: ["test/policy-engine.test.ts"] },
  {
    name: "server-rules",
    mutate: ["gitops/render/server-rules.ts", "gitops/render/validate.ts"],
    spec: ["test/gitops-server-rules.test.ts", "test/gitops-render.test.ts"],
  },
  { name: "infra-config", mutate: ["infra/config.ts"], spec: ["test/infra/config.test.ts"] },
  { name: "platform-config", mutate: ["platform/config.ts"], spec: ["test/platform-config.test.ts"] },
  {
    name: "gitops-config",
    mutate: ["gitops/config.ts", "gitops/environment-config.ts", "policy/config.ts"],
    spec: ["test/gitops-config.test.ts", "test/policy-config.test.ts"],
  },
  {
    name: "stack",
    mutate: ["stack.ts"],
    spec: ["test/stack.test.ts", "test/environments.test.ts", "test/bad-input-config.test.ts"],
  },
  {
    name: "bump",
    mutate: ["automation/bump-targets.ts", "automation/bump-checks.ts"],
    spec: ["test/bump-targets.test.ts", "test/bump-checks.test.ts"],
  },
  { name: "drift-report", mutate: ["automation/report/drift-report.ts"], spec: ["test/drift-report.test.ts"] },
  {
    name: "releases",
    mutate: ["platform/releases.ts", "platform/values.ts", "platform/argocd-values.ts"],
    spec: ["test/platform-releases.test.ts", "test/platform-values.test.ts"],
  },
  {
    name: "rules",
    mutate: ["policy/rules/*.ts", "policy/kube.ts", "policy/iam.ts", "policy/argocd.ts", "policy/values.ts"],
    spec: ["test/policy-readers.test.ts", "test/policy-argocd-readers.test.ts", "test/policy-rules.test.ts"],
  },
];
