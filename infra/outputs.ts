import { z } from "zod";
import { defineOutputContract } from "../stack";

/** What the infra stack exports and the platform stack reads (the typed contract between the two). */
export const infraOutputs = defineOutputContract({
  layer: "infra",
  schema: z.object({
    region: z.string(),
    accountId: z.string(),
  }),
  secrets: [],
});
