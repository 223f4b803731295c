import { z } from "zod";
import { loadConfigSection, parseConfig } from "../config";
import { StackIdentity } from "../stack";

export const platformConfigSchema = z.strictObject({
  /** The per-cluster state repo: hydration pushes to it and Argo CD syncs from it. */
  stateRepo: z.strictObject({
    url: z.string().min(1),
    /** Branch Argo CD tracks. */
    targetRevision: z.string().min(1),
  }),
});

export type PlatformConfig = z.output<typeof platformConfigSchema>;

export function parsePlatformConfig(raw: unknown, file: string): PlatformConfig {
  return parseConfig(platformConfigSchema, raw, { file, key: "gitops-platform:platform" });
}

export function loadPlatformConfig(stack: StackIdentity): PlatformConfig {
  return loadConfigSection("platform", platformConfigSchema, stack.configFile);
}
