import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { REPO_ROOT } from "../../automation/synth/synth";
import { Environment } from "../../stack";

/** An environment beyond the shipped ones: a copy of `from`'s file with its name, tier and promotion order changed. */
export interface ExtraEnvironment {
  readonly name: Environment;
  readonly from: Environment;
  readonly tier: string;
  readonly promotesFrom?: readonly Environment[];
}

/**
 * Writes `Pulumi.<name>.yaml` into the project at `dir`: the shipped `from` file with the
 * environment's name, tier and promotion order, its own cluster name and its own state repo (and,
 * when given, the app namespaces it admits).
 */
export function writeEnvironment(
  dir: string,
  extra: ExtraEnvironment & { readonly stateRepoUrl: string; readonly appNamespaces?: readonly string[] },
): void {
  const document = parseDocument(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${extra.from}.yaml`), "utf8"));
  document.setIn(["config", "gitops-platform:environment"], extra.name);
  document.setIn(["config", "gitops-platform:tier"], extra.tier);
  if (extra.promotesFrom) document.setIn(["config", "gitops-platform:promotesFrom"], [...extra.promotesFrom]);
  else document.deleteIn(["config", "gitops-platform:promotesFrom"]);
  document.setIn(["config", "gitops-platform:infra", "clusterName"], `gitops-${extra.name}`);
  document.setIn(["config", "gitops-platform:platform", "stateRepo", "url"], extra.stateRepoUrl);
  if (extra.appNamespaces)
    document.setIn(["config", "gitops-platform:platform", "appNamespaces"], [...extra.appNamespaces]);
  fs.writeFileSync(path.join(dir, `Pulumi.${extra.name}.yaml`), document.toString());
}
