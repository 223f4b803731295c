import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { Environment } from "../../stack";
import { ChartApp, chartAppSchema, KustomizeApp, kustomizeAppSchema, SourceApp } from "./schema";

type Issue = z.core.$ZodIssueCustom;

/** Where a source app lives, as the catalog found it. */
export interface SourceLocation {
  readonly name: string;
  readonly env: Environment;
  /** The app's directory (absolute). */
  readonly dir: string;
  /** The directory its paths must stay inside (absolute). */
  readonly repoRoot: string;
  /** The catalog file that sets `chart.version`, as errors show it. */
  readonly lockFile: string;
}

/** Kustomize reads the first of these it finds in a directory (kustomize's konfig.RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** The kustomization file of `dir`, or undefined when it has none. */
export function kustomizationFileOf(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => fs.existsSync(file));
}

/** Whether `target` is `root` or below it, by path and, when it exists, by its real path too. */
export function isInside(root: string, target: string): boolean {
  const within = (from: string, to: string): boolean => {
    const relative = path.relative(from, to);
    return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
  };
  if (!within(root, target)) return false;
  return !fs.existsSync(target) || within(fs.realpathSync(root), fs.realpathSync(target));
}

/**
 * A parsed chart app with its directory resolved and checked: inside the repository, a directory,
 * holding Chart.yaml. Problems come back as issues at their key, like the spec's cross-key checks.
 */
export function chartAppOf(
  where: SourceLocation,
  parsed: z.output<typeof chartAppSchema>,
): { app?: ChartApp; issues: Issue[] } {
  const { chart } = parsed;
  const base = { name: where.name, dir: where.dir, repoRoot: where.repoRoot, enabled: parsed.enabled };
  const common = { ...base, kind: "chart" as const, chart, values: parsed.values, sealedSecrets: parsed.sealedSecrets };
  if (chart.path === undefined) return { app: { ...common, lockFile: where.lockFile }, issues: [] };
  const chartDir = path.resolve(where.dir, chart.path);
  const problem = directoryProblem(where.repoRoot, chartDir, "Chart.yaml", "a chart directory holding Chart.yaml");
  if (problem) return { issues: [{ code: "custom", path: ["chart", "path"], message: problem }] };
  return { app: { ...common, chartDir, lockFile: where.lockFile }, issues: [] };
}

/** A parsed Kustomize app with its base and this environment's overlay resolved and checked. */
export function kustomizeAppOf(
  where: SourceLocation,
  parsed: z.output<typeof kustomizeAppSchema>,
): { app?: KustomizeApp; issues: Issue[] } {
  const { kustomize } = parsed;
  const base = path.resolve(where.dir, kustomize.base);
  const overlayPath = kustomize.overlay ?? `overlays/${where.env}`;
  const overlay = path.resolve(where.dir, overlayPath);
  const issues: Issue[] = [];
  const expectation = "a directory holding a kustomization.yaml";
  const baseProblem = kustomizationProblem(where.repoRoot, base, expectation);
  if (baseProblem) issues.push({ code: "custom", path: ["kustomize", "base"], message: baseProblem });
  const overlayProblem = kustomizationProblem(
    where.repoRoot,
    overlay,
    kustomize.overlay === undefined
      ? `an overlay for ${where.env}: ${overlayPath}/kustomization.yaml by default, or kustomize.overlay set in ${where.env}.yaml`
      : expectation,
  );
  if (overlayProblem) issues.push({ code: "custom", path: ["kustomize", "overlay"], message: overlayProblem });
  if (issues.length) return { issues };
  const app: SourceApp = {
    name: where.name,
    enabled: parsed.enabled,
    dir: where.dir,
    repoRoot: where.repoRoot,
    kind: "kustomize",
    base,
    overlay,
    imageName: kustomize.imageName,
    sealedSecrets: parsed.sealedSecrets,
  };
  return { app, issues };
}

function kustomizationProblem(repoRoot: string, dir: string, expectation: string): string | undefined {
  const outside = insideProblem(repoRoot, dir, expectation);
  if (outside) return outside;
  return kustomizationFileOf(dir) ? undefined : `${expectation} (${dir} has none)`;
}

function directoryProblem(repoRoot: string, dir: string, marker: string, expectation: string): string | undefined {
  const outside = insideProblem(repoRoot, dir, expectation);
  if (outside) return outside;
  return fs.existsSync(path.join(dir, marker)) ? undefined : `${expectation} (${dir} has no ${marker})`;
}

function insideProblem(repoRoot: string, dir: string, expectation: string): string | undefined {
  if (!isInside(repoRoot, dir)) return `${expectation} inside the repository (${repoRoot})`;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return `${expectation} (${dir} is not a directory)`;
  return undefined;
}
