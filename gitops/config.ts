import { z } from "zod";
import { loadConfigSection, parseConfig } from "../config";
import { StackIdentity } from "../stack";

export const gitopsConfigSchema = z.strictObject({
  /** How Argo CD Applications are declared: one Pulumi resource per app, or one ApplicationSet. */
  mode: z.enum(["applications", "applicationset"]),
});

export type GitopsConfig = z.output<typeof gitopsConfigSchema>;

export function parseGitopsConfig(raw: unknown, file: string): GitopsConfig {
  return parseConfig(gitopsConfigSchema, raw, { file, key: "gitops-platform:gitops" });
}

export function loadGitopsConfig(stack: StackIdentity): GitopsConfig {
  return loadConfigSection("gitops", gitopsConfigSchema, stack.configFile);
}
