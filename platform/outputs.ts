import { z } from "zod";
import { defineOutputContract } from "../layer-outputs";
import { PLATFORM_PHASES } from "./phase-names";

/** What the platform stack exports and the gitops stack reads. */
export const platformOutputs = defineOutputContract({
  layer: "platform",
  schema: z.object({
    /** Namespace Argo CD runs in, where Application objects live. */
    argocdNamespace: z.string(),
    /** The AppProject every app's Application belongs to. */
    appsProject: z.string(),
    /** The environment's state repo, which Argo CD syncs and hydration writes to. */
    stateRepoUrl: z.string(),
    stateRepoRevision: z.string(),
    /** The phase this run declared (platform/phase.ts); the next run reads it back to choose its own. */
    platformPhase: z.enum(PLATFORM_PHASES),
    /** Who manages each ops release in this run (`pulumi` or `argocd`): the hand-off, visible in `pulumi preview`. */
    releaseOwners: z.object({
      "kube-prometheus-stack": z.string(),
      "argo-cd": z.string(),
      "sealed-secrets": z.string(),
      "external-dns": z.string(),
      logging: z.string(),
    }),
    /** Where the sealed-secrets controller runs: `kubeseal --controller-namespace/--controller-name`. */
    sealedSecretsNamespace: z.string(),
    sealedSecretsControllerName: z.string(),
  }),
  secrets: [],
});
