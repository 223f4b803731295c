import { Paint } from "../output";
import { CheckRow } from "./checks";

/** One table: check, environment, status and what was found; the fix command under each row that is not ok. */
export function renderDoctor(rows: readonly CheckRow[], paint: Paint): string {
  const label = (r: CheckRow) => `${r.check}${r.env ? ` (${r.env})` : ""}`;
  const width = Math.max(...rows.map((r) => label(r).length));
  const lines: string[] = [];
  for (const r of rows) {
    const status = r.status.padEnd(7);
    const style = r.status === "ok" ? "green" : r.status === "missing" ? "yellow" : "red";
    lines.push(`${label(r).padEnd(width)}  ${paint(style, status)}  ${r.detail}`);
    if (r.status !== "ok" && r.fix) lines.push(`${" ".repeat(width + 11)}${paint("dim", `fix: ${r.fix}`)}`);
  }
  const failed = rows.filter((r) => r.status !== "ok");
  const stopping = failed.filter((r) => r.blocks.length > 0);
  lines.push(
    "",
    failed.length === 0
      ? "Everything real use needs is in place."
      : `${failed.length} not ok (${stopping.length} that stop a command: ${
          [...new Set(stopping.flatMap((r) => r.blocks))].join(", ") || "none"
        }).`,
  );
  return `${lines.join("\n")}\n`;
}
