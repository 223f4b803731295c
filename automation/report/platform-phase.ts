import { describeNextUp, PlatformPhasePreview } from "../driver/platform-phases";
import { tableCell } from "./markdown";

/** The comment's line on an environment's platform phase: where the stack stands and what the next up does. */
export function platformPhaseLines(preview: PlatformPhasePreview | undefined): string[] {
  if (!preview) return [];
  if ("error" in preview) return [`:x: Platform phase: ${tableCell(preview.error, 1_000)}`, ""];
  return [`**Platform phase:** ${describeNextUp(preview.next)}.`, ""];
}
