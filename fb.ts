import { benchFleet } from "./test/bench/fleet.bench";
benchFleet().then((f) => { for (const x of f) console.log(x.what, x.value.toFixed(2), x.unit, x.target ?? "", x.met ?? ""); }, (e) => { console.error(e); process.exitCode = 1; });
