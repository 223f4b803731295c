import { renderSealedSecret } from "../render/objects";
import { Manifest, refOfManifest } from "../render/manifest";
import { SealedSecretsSpec } from "./schema";

/**
 * Secrets a chart or Kustomize build renders. A plaintext Secret never enters the state repo, so
 * each must be declared under the app's `sealedSecrets` with the same name: the declaration's
 * SealedSecret (kubeseal'd for the app's namespace) takes its place, and the controller makes the
 * Secret in the cluster. The declaration must seal every key the rendered Secret has, or the
 * workload would miss one. Every declared SealedSecret is rendered, also when the chart renders no
 * Secret of that name (a chart told to use an `existingSecret`).
 */
export function sealRenderedSecrets(
  app: string,
  objects: readonly Manifest[],
  sealedSecrets: SealedSecretsSpec,
): { objects: Manifest[]; problems: string[] } {
  const problems: string[] = [];
  const kept: Manifest[] = [];
  /** The rendered Secret's type, which its SealedSecret keeps unless the declaration sets one. */
  const renderedTypes = new Map<string, string>();
  for (const object of objects) {
    if (object.kind !== "Secret" || object.apiVersion !== "v1") {
      kept.push(object);
      continue;
    }
    const name = object.metadata.name;
    const declared = sealedSecrets[name];
    if (!declared) {
      problems.push(
        `${refOfManifest(object)}: received a plaintext Secret from the renderer; expected sealedSecrets.${name} in the ` +
          "app's files (kubeseal'd data for it), or the chart's values set to use an existing secret",
      );
      continue;
    }
    if (typeof object.type === "string") renderedTypes.set(name, object.type);
    const missing = secretKeysOf(object).filter((key) => !(key in declared.encryptedData));
    if (missing.length) {
      problems.push(
        `${refOfManifest(object)}: sealedSecrets.${name}.encryptedData lacks ${missing.join(", ")}; expected every ` +
          `key the rendered Secret has (${secretKeysOf(object).join(", ")})`,
      );
    }
  }
  const sealed = Object.entries(sealedSecrets).map(([name, declared]) =>
    renderSealedSecret({ name: app }, name, { ...declared, type: declared.type ?? renderedTypes.get(name) }),
  );
  return { objects: [...kept, ...sealed], problems };
}

function secretKeysOf(secret: Manifest): string[] {
  const keys = (data: unknown) => (data && typeof data === "object" ? Object.keys(data) : []);
  return [...new Set([...keys(secret.data), ...keys(secret.stringData)])].sort();
}
