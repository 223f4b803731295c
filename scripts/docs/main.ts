import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack";
import { renderDocs } from "./pages";

/**
 * `npm run docs`: rewrites the generated blocks of docs/ from the code that defines them (the CLI's
 * commands, the guardrail rules, the config schemas). `npm run docs -- --check` writes nothing and
 * exits 1 when a page is stale.
 */
async function main(check: boolean): Promise<number> {
  const stale = (await renderDocs(PROJECT_ROOT)).filter((p) => p.generated !== p.current);
  for (const { page, generated } of stale) {
    if (!check) fs.writeFileSync(path.join(PROJECT_ROOT, page), generated);
    process.stderr.write(`${check ? "stale" : "wrote"} ${page}\n`);
  }
  return check && stale.length ? 1 : 0;
}

main(process.argv.includes("--check")).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`npm run docs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
