import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readGuardrailsConfig } from "../../policy/config";
import { policyPackConfig } from "../../policy/pack-config";
import { parseEnvironmentDeclaration } from "../../environments";
import { Environment, readEnvironmentConfig } from "../../stack";

/**
 * The project's policy pack (`policy/`, the same rules as `synth --policy`) as the driver passes it
 * to every `preview` and `up`: `--policy-pack <repo>/policy` and `--policy-pack-config` with the
 * environment's severities. `pulumi refresh` takes no policy pack (its CLI reference lists no such
 * flag), so `drift` judges each stack with a preview.
 */
export interface PolicyPackArgs {
  /** `policyPacks` and `policyPackConfigs` of the Automation API's preview and up options. */
  readonly policyPacks: readonly string[];
  readonly policyPackConfigs: readonly string[];
  /** Removes the config file. */
  readonly close: () => void;
}

export type PolicyPackSource = (env: Environment) => PolicyPackArgs;

export const POLICY_PACK_DIR = "policy";

export function projectPolicyPack(rootDir: string): PolicyPackSource {
  return (env) => {
    const { tier } = parseEnvironmentDeclaration(env, readEnvironmentConfig(rootDir, env));
    const config = policyPackConfig(readGuardrailsConfig(rootDir, env), tier);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-platform-policy-"));
    const file = path.join(dir, `policy-config.${env}.json`);
    fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    return {
      policyPacks: [path.join(rootDir, POLICY_PACK_DIR)],
      policyPackConfigs: [file],
      close: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  };
}
