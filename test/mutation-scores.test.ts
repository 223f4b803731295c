import * as assert from "node:assert/strict";
import { fileScores, missedTargets, MutationReport, overallScore, scoreTable } from "./mutation/scores";

const report = (files: Record<string, string[]>): MutationReport => ({
  files: Object.fromEntries(
    Object.entries(files).map(([file, statuses]) => [file, { mutants: statuses.map((status) => ({ status })) }]),
  ),
});

describe("npm run mutation: scores from Stryker's JSON reports", () => {
  const reports = [
    report({ "b.ts": ["Killed", "Killed", "Timeout", "Survived", "NoCoverage", "Ignored", "CompileError"] }),
    report({ "a.ts": ["Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed"] }),
  ];

  it("counts killed and timed-out mutants as caught, and leaves ignored and broken ones out", () => {
    const [a, b] = fileScores(reports);
    assert.deepEqual(
      { ...b, score: b.score.toFixed(2), coveredScore: b.coveredScore.toFixed(2) },
      {
        file: "b.ts",
        killed: 2,
        timeout: 1,
        survived: 1,
        noCoverage: 1,
        ignored: 1,
        score: "60.00",
        coveredScore: "75.00",
      },
    );
    assert.equal(a.file, "a.ts", "files in name order");
    assert.equal(overallScore([a, b]).score.toFixed(2), (1200 / 14).toFixed(2));
  });

  it("prints the per-file table and names each file and the set that miss their target", () => {
    const files = fileScores(reports);
    assert.equal(
      scoreTable(files),
      [
        "| file | score | covered score | killed | survived | no coverage |",
        "| :-- | --: | --: | --: | --: | --: |",
        "| `a.ts` | 100.0% | 100.0% | 9 | 0 | 0 |",
        "| `b.ts` | 60.0% | 75.0% | 3 | 1 | 1 |",
        "| **all files** | 85.7% | 92.3% | 12 | 1 | 1 |",
      ].join("\n"),
    );
    assert.deepEqual(missedTargets(files), ["b.ts: 60.0% < 85%", "all files: 85.7% < 90%"]);
    assert.deepEqual(missedTargets(files.slice(0, 1)), []);
  });

  it("scores a file without mutants that count as 100%", () => {
    assert.equal(fileScores([report({ "c.ts": ["Ignored"] })])[0].score, 100);
  });
});
