import { REPO_ROOT } from "../../../automation/synth/synth";
import { Environment, EnvironmentConfig, readEnvironmentConfig } from "../../../stack";
import { Emitted } from "./emitted";

/** Edits config sections by their short name (`platform` for `gitops-platform:platform`). */
export type ConfigEdit = (sections: Record<string, Record<string, unknown>>) => void;

/** The environment's shipped config file with an edit applied in memory; the file is untouched. */
export function configWith(env: Environment, edit: ConfigEdit): EnvironmentConfig {
  const config = readEnvironmentConfig(REPO_ROOT, env);
  const values = structuredClone(config.values) as Record<string, Record<string, unknown>>;
  const sections = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key.replace(/^gitops-platform:/, ""), value]),
  );
  edit(sections);
  return { ...config, values };
}

export function setOwners(owner: "pulumi" | "argocd"): ConfigEdit {
  return (sections) => {
    const releases = sections.platform.releases as Record<string, { owner: string }>;
    for (const release of Object.values(releases)) release.owner = owner;
  };
}

/** The Helm values a release is installed with, read from the Application that manages it. */
export function releaseValuesOf(emitted: readonly Emitted[], release: string): Record<string, unknown> {
  const app = emitted.find((e) => e.object.kind === "Application" && e.object.metadata.name === release);
  const values = (app?.object.spec as { source?: { helm?: { valuesObject?: Record<string, unknown> } } } | undefined)
    ?.source?.helm?.valuesObject;
  if (!values) throw new Error(`no Application for the ${release} release among the emitted objects`);
  return values;
}
