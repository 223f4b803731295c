import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, InputError } from "../config";
import { configFileOf, Environment } from "../stack";

/** Shown instead of a `secure:` value, which only the Pulumi CLI can decrypt. */
export const SECRET_MARKER = "[secret]";

/** An environment's config file as the Pulumi CLI hands it to the program. */
export interface StackConfigFile {
  readonly file: string;
  /** Fully qualified key (`gitops-platform:infra`) to value; secure values replaced by SECRET_MARKER. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Keys whose value is or contains a secret. */
  readonly secretKeys: readonly string[];
}

/** Reads `Pulumi.<env>.yaml` from `rootDir`. Errors name the file and say what is wrong. */
export function readStackConfigFile(rootDir: string, env: Environment): StackConfigFile {
  const file = configFileOf(env);
  const fullPath = path.join(rootDir, file);
  if (!fs.existsSync(fullPath)) {
    throw new InputError(`${file}: not found in ${rootDir}; expected the config file of the ${env} stacks`);
  }
  let document: unknown;
  try {
    document = parse(fs.readFileSync(fullPath, "utf8"));
  } catch (err) {
    throw new InputError(
      `${file}: received invalid YAML (${(err as Error).message.split("\n")[0]}); expected a Pulumi stack config file`,
    );
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || Array.isArray(config) || config === null) {
    throw new InputError(`${file}: config: received ${JSON.stringify(config)}; expected a map of keys`);
  }
  const values: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    const { value, secret } = redactSecure(rawValue);
    values[key] = value;
    if (secret) secretKeys.push(key);
  }
  return { file, values, secretKeys };
}

/** Config as the CLI passes it to a program (`PULUMI_CONFIG`): strings, with maps and lists as JSON. */
export function toProgramConfig(config: StackConfigFile): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.values).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

function redactSecure(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(redactSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "secure") return { value: SECRET_MARKER, secret: true };
    const redacted = entries.map(([k, v]) => [k, redactSecure(v)] as const);
    return {
      value: Object.fromEntries(redacted.map(([k, r]) => [k, r.value])),
      secret: redacted.some(([, r]) => r.secret),
    };
  }
  return { value, secret: false };
}
