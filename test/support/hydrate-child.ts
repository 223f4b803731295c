import { hydrate } from "../../gitops/hydrate";

/**
 * Hydrates staging into a checkout from a separate process, so a test can kill it with SIGKILL at
 * any moment: `node -r scripts/register.js hydrate-child.ts <rootDir> <catalogDir> <stateRepo>`.
 */
const [rootDir, catalogDir, stateRepo] = process.argv.slice(2);
hydrate({ env: "staging", rootDir, catalogDir, stateRepo, push: false, sourceCommit: "kill-test" }).then(
  (result) => process.stdout.write(`${result.commit ?? "unchanged"}\n`),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  },
);
