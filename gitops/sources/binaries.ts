import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../config";
import { PROJECT_ROOT } from "../../stack";

/**
 * The renderers' binaries and their pins. The pin of each is the version its tools module under
 * test/e2e/tools/<tool>/go.mod requires, the one place it is written: `npm run e2e:tools` builds
 * exactly that version into `.e2e/bin/`, and it is the version Argo CD 3.5.2's repo server runs
 * (helm v4, kustomize v5), so the state repo holds what Argo CD would have rendered.
 */

export type RendererTool = "helm" | "kustomize";

interface ToolPin {
  /** The variable that names the binary to use. */
  readonly env: string;
  /** The module whose required version is the pin. */
  readonly module: string;
  /** Arguments that print the version, e.g. `v4.2.1`. */
  readonly versionArgs: readonly string[];
}

export const TOOL_PINS: Readonly<Record<RendererTool, ToolPin>> = {
  helm: { env: "HELM_BIN", module: "helm.sh/helm/v4", versionArgs: ["version", "--short"] },
  kustomize: { env: "KUSTOMIZE_BIN", module: "sigs.k8s.io/kustomize/kustomize/v5", versionArgs: ["version"] },
};

/** The e2e tier's tools folder, where `npm run e2e:tools` builds the pinned binaries. */
export const E2E_BIN_DIR = path.join(PROJECT_ROOT, ".e2e", "bin");

export interface ResolvedBinary {
  readonly tool: RendererTool;
  readonly file: string;
  /** The version it reports, equal to the pin. */
  readonly version: string;
}

const pins = new Map<string, string>();

/** The version test/e2e/tools/<tool>/go.mod requires of the tool's module (read once per process). */
export function pinnedVersion(tool: RendererTool, rootDir: string = PROJECT_ROOT): string {
  const known = pins.get(`${rootDir}\0${tool}`);
  if (known) return known;
  const goMod = path.join(rootDir, "test", "e2e", "tools", tool, "go.mod");
  const text = fs.existsSync(goMod) ? fs.readFileSync(goMod, "utf8") : "";
  const module = TOOL_PINS[tool].module.replace(/[.]/g, "\\.");
  const version = new RegExp(`^\\s*(?:require\\s+)?${module}\\s+(v\\S+)`, "m").exec(text)?.[1];
  if (!version) throw new Error(`${goMod}: no version of ${TOOL_PINS[tool].module}; expected the pin of ${tool}`);
  pins.set(`${rootDir}\0${tool}`, version);
  return version;
}

/**
 * Finds the binary of `tool` and checks it reports the pinned version: `$HELM_BIN` /
 * `$KUSTOMIZE_BIN` when set, else `.e2e/bin/<tool>`, else `<tool>` on PATH.
 */
export function resolveBinary(tool: RendererTool, env: NodeJS.ProcessEnv = process.env): ResolvedBinary {
  const pin = TOOL_PINS[tool];
  const fromEnv = env[pin.env];
  const local = path.join(E2E_BIN_DIR, tool);
  const file = fromEnv ? fromEnv : fs.existsSync(local) ? local : onPath(tool, env.PATH ?? "");
  const where = fromEnv ? `${pin.env}=${fromEnv}` : file;
  const expected = pinnedVersion(tool);
  if (!file) {
    throw new InputError(
      `${tool}: not found (${pin.env} is unset, ${local} is missing and PATH has no ${tool}); expected ${tool} ` +
        `${expected}: set ${pin.env}, or run \`npm run e2e:tools\` to build it into .e2e/bin`,
    );
  }
  const result = spawnSync(file, pin.versionArgs, { encoding: "utf8", timeout: 30_000 });
  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? (result.stderr.trim().split("\n")[0] || `exit ${result.status}`);
    throw new InputError(`${tool}: ${where} could not report its version (${reason}); expected ${tool} ${expected}`);
  }
  const version = /v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/.exec(result.stdout)?.[0];
  if (version !== expected) {
    throw new InputError(
      `${tool}: ${where} is version ${version ?? JSON.stringify(result.stdout.trim())}; expected ${expected}, the pin in ` +
        `test/e2e/tools/${tool}/go.mod (the version Argo CD renders with)`,
    );
  }
  return { tool, file, version };
}

function onPath(tool: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
