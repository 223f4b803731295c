import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { InputError } from "../../config";
import { configFileOf, discoverEnvironments, Environment, isEnvironmentName } from "../../stack";
import { CATALOG_DIR } from "../bump-image";
import { renameInValues, ScalarChange } from "./yaml-splice";

/**
 * `new env <name> --from <env>`: a new environment as a copy of an existing one. Its config file is
 * `Pulumi.<from>.yaml` with the environment's own names changed (every value and comment naming
 * `<from>` as a word: the environment key, the cluster, the log group, the state repo, hosts, SSO
 * client, notification channels), and each app's `<from>.yaml` is copied the same way, since an app
 * runs wherever no file turns it off. Everything else is copied as it is, byte for byte; the values
 * that usually differ between environments but cannot be derived (the account, the network) are
 * listed for review.
 */

export interface NewEnvResult {
  readonly env: string;
  readonly from: Environment;
  readonly written: readonly string[];
  /** The config file's values that were renamed. */
  readonly renamed: readonly ScalarChange[];
  /** Keys copied unchanged that a new environment usually sets itself. */
  readonly review: readonly string[];
}

/**
 * The environment's place in the fleet is copied as it is, never renamed: a copy of `production`
 * is production-tier and promotes from where production does (a sibling in the promotion order),
 * whatever its name says. Both are listed for review.
 */
const FLEET_KEYS = ["config.gitops-platform:tier", "config.gitops-platform:promotesFrom"];

/** Config keys that differ between environments but carry no environment name to rename. */
const REVIEW = [
  "gitops-platform:tier",
  "gitops-platform:promotesFrom",
  "gitops-platform:infra.accountId",
  "gitops-platform:infra.network",
  "gitops-platform:infra.adminRoleArns",
  "gitops-platform:infra.externalDns.hostedZoneIds",
];

export function newEnv(rootDir: string, name: string, from: Environment): NewEnvResult {
  if (!isEnvironmentName(name)) {
    throw new InputError(
      `new env: received ${JSON.stringify(name)}; expected a DNS label (a-z, 0-9 and -, at most 63): ` +
        "it names the stacks (<layer>-<env>) and the config file",
    );
  }
  const target = configFileOf(name);
  if (discoverEnvironments(rootDir).includes(name) || fs.existsSync(path.join(rootDir, target))) {
    throw new InputError(`new env: received ${name}, which exists (${target}); expected the name of a new environment`);
  }
  const word = new RegExp(`(?<![A-Za-z0-9])${from}(?![A-Za-z0-9])`, "g");
  const rename = (text: string) => text.replace(word, name);
  const source = configFileOf(from);
  const keep = (keyPath: string) => FLEET_KEYS.some((k) => keyPath === k || keyPath.startsWith(`${k}.`));
  const config = renameInValues(fs.readFileSync(path.join(rootDir, source), "utf8"), source, rename, keep);
  const environment = (parse(config.text) as { config?: Record<string, unknown> })?.config?.[
    "gitops-platform:environment"
  ];
  if (environment !== name) {
    throw new InputError(
      `new env: ${source}: gitops-platform:environment: received ${JSON.stringify(environment)} after renaming; expected ${from}, the environment it configures`,
    );
  }
  const files = new Map<string, string>([[target, config.text]]);
  const catalog = path.join(rootDir, CATALOG_DIR);
  for (const app of fs.existsSync(catalog) ? fs.readdirSync(catalog).sort() : []) {
    const envFile = path.join(CATALOG_DIR, app, `${from}.yaml`);
    if (!fs.existsSync(path.join(rootDir, envFile))) continue;
    const copy = renameInValues(fs.readFileSync(path.join(rootDir, envFile), "utf8"), envFile, rename);
    const newFile = path.join(CATALOG_DIR, app, `${name}.yaml`);
    if (fs.existsSync(path.join(rootDir, newFile))) {
      throw new InputError(
        `new env: ${newFile} exists; expected no values for ${name} yet (remove it, or write the config by hand)`,
      );
    }
    files.set(newFile, copy.text);
  }
  for (const [file, text] of files) fs.writeFileSync(path.join(rootDir, file), text);
  return { env: name, from, written: [...files.keys()], renamed: config.changes, review: REVIEW };
}
