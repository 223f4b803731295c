import { z } from "zod";
import { defineOutputContract } from "../stack";

/** What the platform stack exports and the gitops stack reads. */
export const platformOutputs = defineOutputContract({
  layer: "platform",
  schema: z.object({
    /** The environment's state repo, which Argo CD syncs and hydration writes to. */
    stateRepoUrl: z.string(),
    stateRepoRevision: z.string(),
  }),
  secrets: [],
});
