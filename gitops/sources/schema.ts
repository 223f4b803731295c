import { z } from "zod";
import { isImageDigest } from "../catalog/image";
import { isMap } from "../catalog/merge";
import { appSpecSchema, CatalogApp } from "../catalog/spec";
import { matching } from "../schema";

/**
 * The two app sources beside the typed spec (docs/catalog.md, "Chart and Kustomize apps"). An app
 * declares at most one of `chart:` or `kustomize:`; with neither, its files are the typed spec.
 * Like the spec, each schema is strict and is read after `<env>.yaml` is merged over `app.yaml`.
 */

export const SOURCE_KEYS = ["chart", "kustomize"] as const;
export type SourceKind = (typeof SOURCE_KEYS)[number];

/** A path inside the repository, written relative to the app's directory (`chart`, `../../charts/web`). */
const relativePath = matching(
  /^(?!\/)[^\0\\]+$/,
  "a path relative to the app's directory, such as chart or ../../charts/web",
);
/** Exact semver: Helm would read a range (`^1.2`, `~1`, `>=1`) or an empty version as "the newest". */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const EXACT_VERSION_EXPECTED = "an exact chart version such as 1.4.2 (no ranges, no latest)";
const CHART_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const REPOSITORY = /^(https?|oci):\/\/[^\s@]+$/;
const VALUES_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const chartSourceSchema = z
  .strictObject({
    /** A chart directory in this repository (Chart.yaml, templates/, vendored charts/). */
    path: relativePath.optional(),
    /** A chart repository: `https://…` (an index.yaml) or `oci://…` (a registry path). */
    repository: matching(
      REPOSITORY,
      "a chart repository URL, https://… or oci://…, without credentials (helm reads them from its own config)",
    ).optional(),
    /** The chart's name in `repository`. */
    name: matching(CHART_NAME, "a chart name of lower-case letters, digits, ., _ and -").optional(),
    /** The exact version of a repository chart. */
    version: matching(EXACT_VERSION, EXACT_VERSION_EXPECTED).optional(),
    /** The lock: sha256 of the chart archive (`digest` of the version in the repository's index.yaml). */
    digest: z.custom<string>((v) => typeof v === "string" && isImageDigest(v), "sha256: and 64 hex digits").optional(),
    /** The values key that holds the image tag, e.g. `image.tag`: what `bump-image` sets in `<env>.yaml`. */
    imageTagPath: matching(VALUES_PATH, "a dotted path of values keys such as image.tag").optional(),
  })
  .superRefine((chart, ctx) => {
    const issue = (key: string | undefined, message: string): void =>
      ctx.addIssue({ code: "custom", path: key ? [key] : [], message });
    if (chart.path === undefined && chart.repository === undefined) {
      issue(undefined, "a chart: path (a chart directory in this repository) or repository, name and version");
      return;
    }
    if (chart.path !== undefined) {
      for (const key of ["repository", "name", "version", "digest"] as const) {
        if (chart[key] !== undefined)
          issue(key, `no ${key} beside path: a chart directory's name and version are in its Chart.yaml`);
      }
      return;
    }
    if (chart.name === undefined) issue("name", "the chart's name in the repository, such as web");
    if (chart.version === undefined) issue("version", EXACT_VERSION_EXPECTED);
  });

const kustomizeSourceSchema = z.strictObject({
  /** The base directory: what every environment's overlay builds on. */
  base: relativePath,
  /** This environment's overlay directory; by default `overlays/<env>`. */
  overlay: relativePath.optional(),
  /** The `images:` entry (by `name`) that `bump-image` sets in the overlay's kustomization. */
  imageName: z.string().min(1).optional(),
});

const values = z.custom<Record<string, unknown>>(isMap, "a map of Helm values");

export const chartAppSchema = z.strictObject({
  enabled: z.boolean().default(true),
  chart: chartSourceSchema,
  /** Helm values over the chart's own values.yaml; `<env>.yaml`'s `values` merge over these. */
  values: values.default({}),
  /** Secrets the chart renders, each replaced by this SealedSecret of the same name (kubeseal'd data). */
  sealedSecrets: appSpecSchema.shape.sealedSecrets,
});

export const kustomizeAppSchema = z.strictObject({
  enabled: z.boolean().default(true),
  kustomize: kustomizeSourceSchema,
  /** Secrets the build renders, each replaced by this SealedSecret of the same name. */
  sealedSecrets: appSpecSchema.shape.sealedSecrets,
});

export type ChartSource = z.output<typeof chartSourceSchema>;
export type SealedSecretsSpec = z.output<typeof chartAppSchema>["sealedSecrets"];

/** What every source app carries once loaded: where it lives and how its Secrets become SealedSecrets. */
interface SourceAppBase {
  readonly name: string;
  readonly enabled: boolean;
  /** The app's directory (absolute). */
  readonly dir: string;
  /** The repository the app's paths must stay inside (absolute): the directory that holds gitops/apps. */
  readonly repoRoot: string;
  readonly sealedSecrets: SealedSecretsSpec;
}

export interface ChartApp extends SourceAppBase {
  readonly kind: "chart";
  readonly chart: ChartSource;
  /** The chart directory (absolute), for a `path` chart. */
  readonly chartDir?: string;
  /** The catalog file that sets `chart.version`: where a missing or wrong digest is reported. */
  readonly lockFile: string;
  /** `values` of app.yaml with `values` of `<env>.yaml` merged over them. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface KustomizeApp extends SourceAppBase {
  readonly kind: "kustomize";
  /** Absolute directories. */
  readonly base: string;
  readonly overlay: string;
  readonly imageName?: string;
}

export type SourceApp = ChartApp | KustomizeApp;

/** An app of the catalog for one environment: the typed spec, a chart or a Kustomize build. */
export type LoadedApp = CatalogApp | SourceApp;

export function isSourceApp(app: LoadedApp): app is SourceApp {
  return "kind" in app;
}

/** Which of `chart:` and `kustomize:` a merged app file declares. */
export function declaredSources(merged: unknown): SourceKind[] {
  return SOURCE_KEYS.filter((key) => isMap(merged) && merged[key] !== undefined && merged[key] !== null);
}
