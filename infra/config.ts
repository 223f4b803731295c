import { z } from "zod";
import { loadConfigSection, parseConfig } from "../config";
import { StackIdentity } from "../stack";

export const infraConfigSchema = z.strictObject({
  /** AWS region of the environment, e.g. `eu-west-1`. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  /** The only AWS account this environment may deploy to; the provider refuses any other. */
  accountId: z.string().regex(/^\d{12}$/),
});

export type InfraConfig = z.output<typeof infraConfigSchema>;

export function parseInfraConfig(raw: unknown, file: string): InfraConfig {
  return parseConfig(infraConfigSchema, raw, { file, key: "gitops-platform:infra" });
}

export function loadInfraConfig(stack: StackIdentity): InfraConfig {
  return loadConfigSection("infra", infraConfigSchema, stack.configFile);
}
