import { parse } from "yaml";
import { MockEngine } from "../../../automation/synth/mock-engine";
import { REPO_ROOT, synthesize } from "../../../automation/synth/synth";
import { STACK_REF_MARKER_PREFIX, UNKNOWN_MARKER } from "../../../config";
import { renderEnvironment } from "../../../gitops/hydrate";
import { PlatformPhase } from "../../../platform/phase-names";
import { appViewsOf } from "../../../policy/argocd";
import { kubeObjectOf } from "../../../policy/kube";
import { Environment, EnvironmentConfig, LAYERS, parseStackName, readEnvironmentConfig } from "../../../stack";
import { KubeObject } from "./kube-api";
import { infraPlaceholders } from "./placeholders";

/**
 * Every Kubernetes object the project emits, as it would reach a cluster: what each layer's
 * program declares (synth under the mock engine, with the cloud's values from placeholders.ts),
 * the child Applications the app-of-apps root renders from its chart values, and every file
 * hydration writes into the state repo.
 */

export interface Emitted {
  /** Where the object comes from, for reports: `platform-staging` or `hydrate staging apps/demo/x.yaml`. */
  readonly source: string;
  readonly object: KubeObject;
}

const ROOT_APP_NAMESPACE_DEFAULT = "argocd";

function sectionOf(config: EnvironmentConfig, section: string): Record<string, unknown> {
  return (config.values[`gitops-platform:${section}`] ?? {}) as Record<string, unknown>;
}

/** Synth of all three layers, each stack reading the one before through its StackReference. */
export async function synthObjects(
  env: Environment,
  config?: EnvironmentConfig,
  platformPhase?: PlatformPhase,
): Promise<Emitted[]> {
  const effective = config ?? readEnvironmentConfig(REPO_ROOT, env);
  const region = String(sectionOf(effective, "infra").region);
  const outputsOf = new Map<string, Record<string, unknown>>();
  const engine = new MockEngine({
    revealSecrets: true,
    stackReference: (fullName) => {
      const stack = fullName.split("/").pop() ?? fullName;
      if (parseStackName(stack).layer === "infra") {
        return { outputs: infraPlaceholders(env, region), secretOutputNames: ["kubeconfig"] };
      }
      const outputs = outputsOf.get(stack);
      if (!outputs) throw new Error(`${stack} is read before it was synthesized`);
      return { outputs, secretOutputNames: [] };
    },
  });
  const emitted: Emitted[] = [];
  for (const layer of LAYERS) {
    const { stacks } = await synthesize({ env, layers: [layer], engine, config: effective, platformPhase });
    for (const stack of stacks) {
      outputsOf.set(stack.stack, stack.outputs);
      for (const resource of stack.resources) {
        const kube = kubeObjectOf({ source: "resource", stack: stack.stack, resource });
        if (!kube) continue;
        const object = kube.body as unknown as KubeObject;
        emitted.push({ source: `${stack.stack} ${resource.name}`, object });
        emitted.push(...renderedChildren(object, `${stack.stack} ${resource.name}`));
      }
    }
  }
  return emitted.map(assertResolved);
}

/** The Applications an app-of-apps root renders from its argocd-apps values (the chart's template). */
function renderedChildren(object: KubeObject, source: string): Emitted[] {
  if (object.kind !== "Application") return [];
  const views = appViewsOf({ apiVersion: object.apiVersion, kind: object.kind, body: object });
  if (!Array.isArray(views)) throw new Error(`${source}: its child Applications cannot be read: ${views.hidden}`);
  return views
    .filter((view) => view.renderedBy !== undefined)
    .map((view) => {
      const metadata = JSON.parse(JSON.stringify(view.metadata)) as KubeObject["metadata"];
      return {
        source: `${source} -> child ${metadata.name}`,
        object: {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Application",
          metadata: { ...metadata, namespace: metadata.namespace ?? ROOT_APP_NAMESPACE_DEFAULT },
          spec: view.spec,
        },
      };
    });
}

/** Every file hydration writes for `env`, parsed. */
export function hydratedObjects(env: Environment, catalogDir?: string): Emitted[] {
  const files = renderEnvironment(env, catalogDir ? { catalogDir } : {});
  return [...files].map(([file, text]) => ({ source: `hydrate ${env} ${file}`, object: parse(text) as KubeObject }));
}

/** Offline markers must never reach the apiserver: placeholders.ts must have replaced them all. */
function assertResolved(emitted: Emitted): Emitted {
  const text = JSON.stringify(emitted.object);
  for (const marker of [UNKNOWN_MARKER, STACK_REF_MARKER_PREFIX]) {
    if (text.includes(marker)) {
      throw new Error(`${emitted.source}: still holds ${marker} (${text.slice(0, 300)}); give it a placeholder`);
    }
  }
  return emitted;
}
