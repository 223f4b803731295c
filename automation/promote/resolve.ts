import { InputError, shownValue } from "../../config";
import { isImageDigest } from "../../gitops/catalog/image";
import { parseYaml } from "../../input-files";

/**
 * What a promotion carries, read from what the source environment runs: its hydrated manifests at
 * the state-repo commit Argo CD runs, never a registry: hydration records each image exactly as the
 * catalog gave it, so a digest there is the image that ran. Each kind of value has one small resolver.
 */

/** One value the target's env file gets. */
export interface PromotedValue {
  /** The image's digest, written where bump-image writes a tag (bump-targets.ts). */
  readonly kind: "image";
  readonly value: string;
  /** What it is, as a reviewer reads it: `image ghcr.io/org/app@sha256:…`. */
  readonly shown: string;
  /** The hydrated file it was read from (`apps/demo/deployment-demo.yaml`). */
  readonly file: string;
}

/** An app's hydrated files at one commit: repo-relative path to YAML text. */
export type HydratedFiles = ReadonlyMap<string, string>;

/**
 * Reads the values of `app` from its hydrated files; [] when the app is not of its kind. Throws an
 * InputError when the app is of its kind but what runs cannot be promoted as is.
 */
export type Resolver = (app: string, files: HydratedFiles, source: SourceRevision) => PromotedValue[];

/** Where the files were read: the source environment and its state repo at one commit. */
export interface SourceRevision {
  readonly env: string;
  /** As messages name it: `staging's state repo <url> at <commit>`. */
  readonly where: string;
}

const DIGEST_REFERENCE = /^(?<repository>[^@\s]+)@(?<digest>sha256:[a-f0-9]{64})$/;

/**
 * The source runs the app by tag: bad input for `--app`; with `--all`, that app is listed and left
 * out, because a team that deploys tags there chose to (the others still move).
 */
export class RunsByTagError extends InputError {}

interface WorkloadObject {
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { template?: { spec?: { containers?: { name?: unknown; image?: unknown }[] } } };
}

/**
 * The image of the app's Deployment's main container (both named after the app), as a digest.
 * A tag is refused: it names whatever the registry maps it to at pull time, so the production
 * cluster could pull another image than the one that soaked. The app's pods know their digest
 * (`imageID`), but promoting from pod status would make the live cluster, not Git, the source of
 * what moves; pinning the source to a digest (`bump-image --tag sha256:…`) keeps it in Git.
 */
export const imageDigest: Resolver = (app, files, { env, where }) => {
  for (const [file, text] of files) {
    const object = parseYaml(text, { file: `${where}: ${file}`, expected: "a hydrated manifest" }) as WorkloadObject;
    if (object?.kind !== "Deployment" || object.metadata?.name !== app) continue;
    const container = object.spec?.template?.spec?.containers?.find((c) => c.name === app);
    if (typeof container?.image !== "string") continue;
    const pinned = DIGEST_REFERENCE.exec(container.image);
    if (!pinned?.groups || !isImageDigest(pinned.groups.digest)) {
      throw new RunsByTagError(
        `${where}: ${file}: the ${app} container runs ${shownValue(container.image)}, a tag; expected a digest ` +
          "(repository@sha256:…): a tag can name another image by the time it is pulled, so promote moves only " +
          `digests. Pin ${env} to one first: bump-image --app ${app} --env ${env} --tag sha256:<digest>`,
      );
    }
    return [
      {
        kind: "image",
        value: pinned.groups.digest,
        shown: `image ${container.image}`,
        file,
      },
    ];
  }
  return [];
};

/** Every kind of app promote can carry. */
export const RESOLVERS: readonly Resolver[] = [imageDigest];

/** What `app` carries from its hydrated files; an app no resolver knows is bad input. */
export function resolvePromotion(app: string, files: HydratedFiles, source: SourceRevision): PromotedValue[] {
  const values = RESOLVERS.flatMap((resolve) => resolve(app, files, source));
  if (values.length > 0) return values;
  throw new InputError(
    `${source.where}: apps/${app}/: received ${[...files.keys()].join(", ") || "no files"}; expected a Deployment ${app} ` +
      `with a container ${app} whose image promote can carry`,
  );
}
