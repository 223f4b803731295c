import { Figure, median, runCold } from "./measure";

/** DESIGN.md: synth of all three layers of one env, cold, TypeScript load included: < 5 s wall. */
export function benchSynth(runs = 3): Figure[] {
  const samples = Array.from({ length: runs }, () => runCold("synth-workload.ts", ["staging"]));
  const wall = median(samples.map((s) => s.wallMs)) / 1000;
  const rss = Math.max(...samples.map((s) => s.maxRssMb));
  return [
    {
      what: `synth staging, 3 layers, cold (median of ${runs})`,
      value: wall,
      unit: "s",
      target: "< 5 s",
      met: wall < 5,
    },
    { what: "synth staging, peak RSS", value: rss, unit: "MB" },
  ];
}
