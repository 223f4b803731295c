import { InputError } from "../../config";
import { Manifest } from "../render/manifest";
import { convertHook } from "./hooks";
import { inAppNamespace } from "./objects";
import { SourceApp } from "./schema";
import { sealRenderedSecrets } from "./secrets";

/**
 * A renderer's objects made ready for the state repo: each in the app's namespace unless it names
 * one, helm hooks turned into Argo CD hooks, Secrets replaced by the app's SealedSecrets. Anything
 * refused is reported at once, one line per object, in one InputError naming the app.
 */
export function finishRendered(app: SourceApp, rendered: readonly Manifest[]): Manifest[] {
  const problems: string[] = [];
  const hooked: Manifest[] = [];
  for (const object of rendered) {
    const outcome = convertHook(inAppNamespace(app.name, object));
    if ("problem" in outcome) problems.push(outcome.problem);
    else hooked.push(outcome.object);
  }
  const sealed = sealRenderedSecrets(app.name, hooked, app.sealedSecrets);
  problems.push(...sealed.problems);
  if (problems.length === 0) return sealed.objects;
  const source = app.kind === "chart" ? "chart" : "kustomize build";
  throw new InputError(
    problems.length === 1
      ? `app ${app.name} (${source}): ${problems[0]}`
      : `app ${app.name} (${source}): ${problems.length} refused objects:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}
