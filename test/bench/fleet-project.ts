import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT } from "../../automation/synth/synth";
import { Environment } from "../../stack";
import { writeEnvironment } from "../support/environments";
import { baseSpec } from "./hydrate-catalog";

/** What of this checkout a fleet copy leaves out (node_modules is linked instead). */
const SKIPPED = new Set(["node_modules", ".git", ".state", ".pulumi", ".e2e"]);

export interface FleetProject {
  readonly dir: string;
  readonly environments: readonly Environment[];
  readonly apps: number;
}

/**
 * A copy of this project run as a fleet: the four shipped environments and `environments - 4`
 * more (`fleet-01`, ...: development, staging and production tiers, promoting from the shipped
 * ones), each admitting the generated apps' namespaces, and a catalog of `apps` apps with a file
 * for every environment. The program, the catalog and the config files are the copy's own, so its
 * synth and hydrate run exactly as in a repository that holds such a fleet.
 */
export function generateFleetProject(dir: string, environments: number, apps: number): FleetProject {
  fs.cpSync(REPO_ROOT, dir, {
    recursive: true,
    filter: (src) => !SKIPPED.has(path.relative(REPO_ROOT, src).split(path.sep)[0]),
  });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const appNamespaces = ["app-*"];
  const shipped = ["dev", "staging", "production", "prod-eu"];
  const declared = [
    { name: "dev", from: "dev", tier: "development" },
    { name: "staging", from: "staging", tier: "staging", promotesFrom: ["dev"] },
    { name: "production", from: "production", tier: "production", promotesFrom: ["staging"] },
    { name: "prod-eu", from: "prod-eu", tier: "production", promotesFrom: ["staging"] },
    ...Array.from({ length: environments - shipped.length }, (_, n) => {
      const name = `fleet-${String(n + 1).padStart(2, "0")}`;
      const [from, tier, promotesFrom] = [
        ["dev", "development", ["dev"]],
        ["staging", "staging", ["staging"]],
        ["production", "production", ["production"]],
      ][n % 3] as [string, string, string[]];
      return { name, from, tier, promotesFrom };
    }),
  ];
  for (const env of declared) {
    const stateRepoUrl = `https://github.com/example-org/gitops-state-${env.name}.git`;
    writeEnvironment(dir, { ...env, stateRepoUrl, appNamespaces });
  }
  const names = declared.map((e) => e.name);
  const catalog = path.join(dir, "gitops", "apps");
  fs.rmSync(catalog, { recursive: true, force: true });
  for (let i = 0; i < apps; i++) {
    const app = `app-${String(i).padStart(4, "0")}`;
    fs.mkdirSync(path.join(catalog, app), { recursive: true });
    fs.writeFileSync(path.join(catalog, app, "app.yaml"), stringify(baseSpec(app, i)));
    for (const [n, env] of names.entries()) {
      fs.writeFileSync(
        path.join(catalog, app, `${env}.yaml`),
        stringify({
          image: { tag: `1.${(i + n) % 7}.${i % 13}` },
          env: { ENVIRONMENT: env },
          ingress: { className: "nginx", host: `${app}.${env}.example.com`, tls: { secretName: `${app}-tls` } },
        }),
      );
    }
  }
  return { dir, environments: names, apps };
}
