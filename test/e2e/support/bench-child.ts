import { ENVIRONMENTS } from "../../../stack";
import { startControlPlane } from "./control-plane";
import { installCrds } from "./crds";
import { hydratedObjects, synthObjects } from "./emitted";
import { KubeApi } from "./kube-api";
import { validateOnServer } from "./validate";

/**
 * `npm run bench -- --e2e` runs this in its own process: warm start-ups of the control plane, and
 * server-side validation throughput over every object both shipped environments emit. Prints one
 * JSON line on stdout.
 */
async function main(): Promise<void> {
  const startups: number[] = [];
  for (let run = 0; run < 3; run++) {
    const plane = await startControlPlane();
    startups.push(plane.startupMs);
    if (run < 2) {
      await plane.stop();
      continue;
    }
    try {
      const api = new KubeApi(plane.server, plane.token, plane.caFile);
      await installCrds(api);
      const emitted = [];
      for (const env of ENVIRONMENTS) emitted.push(...(await synthObjects(env)), ...hydratedObjects(env));
      const result = await validateOnServer(api, emitted);
      process.stdout.write(
        `${JSON.stringify({ startups, objects: result.objects, validateMs: result.ms, refusals: result.refusals.length })}\n`,
      );
    } finally {
      await plane.stop();
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
