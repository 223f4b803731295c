import { InputError } from "../../config";
import { Manifest, refOfManifest } from "../render/manifest";
import { ManifestRule, Severity } from "./rule";
import { MANIFEST_RULES } from "./rules";

export const RULE_IDS = MANIFEST_RULES.map((r) => r.id) as [string, ...string[]];

/** Per-rule severity overrides from the environment's config (`gitops-platform:gitops.lint`). */
export type LintPolicy = Readonly<Partial<Record<string, Severity | "off">>>;

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly app: string;
  /** The state-repo file of the object. */
  readonly file: string;
  readonly object: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Runs every rule over one app's objects; rules turned off by `policy` are skipped. */
export function lintApp(
  app: string,
  manifests: readonly Manifest[],
  fileOf: (manifest: Manifest) => string,
  policy: LintPolicy = {},
  rules: readonly ManifestRule[] = MANIFEST_RULES,
): Finding[] {
  const files = new Map(manifests.map((m) => [refOfManifest(m), fileOf(m)]));
  return rules.flatMap((rule) => {
    const severity = policy[rule.id] ?? rule.severity;
    if (severity === "off") return [];
    return rule.check(manifests).map((v) => ({
      rule: rule.id,
      severity,
      app,
      file: files.get(v.object) ?? "",
      object: v.object,
      path: v.path,
      message: v.message,
      fix: rule.fix,
    }));
  });
}

export function formatFinding(f: Finding): string {
  return `${f.severity} [${f.rule}] ${f.file}: ${f.message} (${f.path}). Fix: ${f.fix}`;
}

/** Lint errors fail the render; the message lists each with its fix. */
export class LintError extends InputError {
  constructor(readonly findings: readonly Finding[]) {
    super(`manifest lint: ${findings.length} error(s):\n${findings.map((f) => `  - ${formatFinding(f)}`).join("\n")}`);
  }
}
