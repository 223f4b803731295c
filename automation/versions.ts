import * as fs from "node:fs";
import * as path from "node:path";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { PROJECT_ROOT } from "../stack";

/**
 * The versions this checkout pins, read without loading the SDK itself (`@pulumi/pulumi/version` is
 * one line): `--version` and `doctor` print them on every machine, offline.
 */

/** The Pulumi SDK the lockfile pins. */
export const PULUMI_SDK_VERSION = sdkVersion;

/**
 * The CLI the driver installs when none is on PATH: the SDK's own version (PulumiCommand.install
 * without a version installs it), so the CLI and the Automation API always match.
 */
export const PINNED_CLI_VERSION = sdkVersion;

export function packageVersion(rootDir: string = PROJECT_ROOT): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(rootDir, "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

/** What `gitops-platform --version` prints. */
export function versionText(rootDir: string = PROJECT_ROOT): string {
  return [
    `gitops-platform ${packageVersion(rootDir)}`,
    `Pulumi SDK (@pulumi/pulumi) ${PULUMI_SDK_VERSION}`,
    `Pulumi CLI (pinned) ${PINNED_CLI_VERSION}`,
  ].join("\n");
}
