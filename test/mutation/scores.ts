/**
 * Mutation scores from Stryker's JSON reports (the mutation-testing-report-schema): per file and for
 * the whole set, as Stryker's own table counts them. A mutant a test killed or timed out counts as
 * detected; one that survived or that no test reached does not; ignored ones and those that did not
 * compile count for neither.
 */

/** The part of a Stryker JSON report this reads. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: string }[] }>>;
}

export interface FileScore {
  readonly file: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly ignored: number;
  /** Detected / (detected + survived + no coverage), in percent; 100 for a file without valid mutants. */
  readonly score: number;
  /** Detected / (detected + survived): how well the tests that reach the code check it. */
  readonly coveredScore: number;
}

/** DESIGN.md / issue 20: each mutated file at least this, and the set as a whole at least OVERALL_TARGET. */
export const FILE_TARGET = 85;
export const OVERALL_TARGET = 90;

export function fileScores(reports: readonly MutationReport[]): FileScore[] {
  const byFile = new Map<string, string[]>();
  for (const report of reports)
    for (const [file, { mutants }] of Object.entries(report.files))
      byFile.set(file, [...(byFile.get(file) ?? []), ...mutants.map((m) => m.status)]);
  return [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, statuses]) => score(file, statuses));
}

export function overallScore(files: readonly FileScore[]): FileScore {
  const sum = (key: "killed" | "timeout" | "survived" | "noCoverage" | "ignored") =>
    files.reduce((n, f) => n + f[key], 0);
  return withScores("all files", {
    killed: sum("killed"),
    timeout: sum("timeout"),
    survived: sum("survived"),
    noCoverage: sum("noCoverage"),
    ignored: sum("ignored"),
  });
}

function score(file: string, statuses: readonly string[]): FileScore {
  const count = (status: string) => statuses.filter((s) => s === status).length;
  return withScores(file, {
    killed: count("Killed"),
    timeout: count("Timeout"),
    survived: count("Survived"),
    noCoverage: count("NoCoverage"),
    ignored: count("Ignored"),
  });
}

function withScores(file: string, counts: Omit<FileScore, "file" | "score" | "coveredScore">): FileScore {
  const detected = counts.killed + counts.timeout;
  const percent = (of: number) => (of === 0 ? 100 : (100 * detected) / of);
  return {
    file,
    ...counts,
    score: percent(detected + counts.survived + counts.noCoverage),
    coveredScore: percent(detected + counts.survived),
  };
}

/** The per-file table `npm run mutation` prints, in Markdown (docs/testing.md holds a copy). */
export function scoreTable(files: readonly FileScore[]): string {
  const all = overallScore(files);
  const row = (f: FileScore, name: string) =>
    `| ${name} | ${f.score.toFixed(1)}% | ${f.coveredScore.toFixed(1)}% | ${f.killed + f.timeout} | ${f.survived} | ${f.noCoverage} |`;
  return [
    "| file | score | covered score | killed | survived | no coverage |",
    "| :-- | --: | --: | --: | --: | --: |",
    ...files.map((f) => row(f, `\`${f.file}\``)),
    row(all, "**all files**"),
  ].join("\n");
}

/** What misses the targets, one line each; empty when every file and the whole set meet them. */
export function missedTargets(files: readonly FileScore[]): string[] {
  const all = overallScore(files);
  return [
    ...files.filter((f) => f.score < FILE_TARGET).map((f) => `${f.file}: ${f.score.toFixed(1)}% < ${FILE_TARGET}%`),
    ...(all.score < OVERALL_TARGET ? [`all files: ${all.score.toFixed(1)}% < ${OVERALL_TARGET}%`] : []),
  ];
}
