import { Paint } from "../output";
import { ArgoStatus, StatusReport } from "./status";

const short = (sha: string | undefined) => (sha ? sha.slice(0, 12) : "");

function argoCells(argo: ArgoStatus | "no Application" | undefined): string[] {
  if (argo === undefined) return ["?", "?", "", ""];
  if (argo === "no Application") return ["no Application", "", "", ""];
  return [argo.sync, argo.health, short(argo.revision), [argo.phase, argo.message].filter(Boolean).join(": ")];
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

/** The status as two tables (apps, platform releases), with where each part was read. */
export function renderStatus(report: StatusReport, paint: Paint): string {
  const repo = report.stateRepo;
  const lines = [
    paint("bold", `status ${report.env}`),
    repo.error
      ? paint("red", `state repo ${repo.url} (${repo.branch}) could not be read: ${repo.error}`)
      : `state repo ${repo.url}, branch ${repo.branch}${repo.head ? ` at ${short(repo.head)}` : " (no commit yet)"}`,
    report.argo.read
      ? `Argo CD: Applications read from ${report.argo.from}`
      : paint("yellow", `Argo CD: not read (${report.argo.reason}); sync and health are unknown (?)`),
    "",
  ];
  const apps = report.apps.map((a) => {
    const behind =
      a.hydrated && a.argo && a.argo !== "no Application" && a.argo.revision && a.argo.revision !== a.hydrated.commit
        ? " (Argo CD runs another revision)"
        : "";
    const hydrated = a.hydrated
      ? `${short(a.hydrated.commit)} ${a.hydrated.date.slice(0, 10)}`
      : repo.error
        ? "?"
        : "never hydrated";
    const [sync, health, runs, operation] = argoCells(a.argo);
    return [a.app, hydrated, sync, health, runs, `${operation}${behind}`];
  });
  lines.push(...table([["APP", "HYDRATED", "SYNC", "HEALTH", "RUNS", "LAST OPERATION"], ...apps]), "");
  const releases = report.releases.map((r) => {
    const cells = argoCells(r.argo);
    if (r.owner === "pulumi" && r.argo === "no Application")
      return [r.release, r.owner, "Helm release of the platform stack", "", "", ""];
    return [r.release, r.owner, ...cells];
  });
  lines.push(...table([["RELEASE", "OWNER", "SYNC", "HEALTH", "RUNS", "LAST OPERATION"], ...releases]));
  return `${lines.join("\n")}\n`;
}
