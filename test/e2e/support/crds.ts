import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { CRD_DIR } from "../tools/tools";
import { KubeApi, KubeObject } from "./kube-api";
import { pollUntil } from "./process";

/**
 * Installs, for real, the CRDs that `npm run e2e:tools` copied out of the pinned upstream modules
 * (.e2e/crds/<project>/), and waits until the apiserver serves each of them.
 */
export async function installCrds(api: KubeApi): Promise<KubeObject[]> {
  if (!fs.existsSync(CRD_DIR)) throw new Error(`${CRD_DIR} is missing: run \`npm run e2e:tools\` first`);
  const crds = fs
    .readdirSync(CRD_DIR, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), "utf8"))
        .map((doc) => doc.toJS() as KubeObject | null)
        .filter((crd): crd is KubeObject => crd?.kind === "CustomResourceDefinition"),
    );
  for (const crd of crds) await api.apply(crd);
  for (const crd of crds) {
    await pollUntil({
      what: `CRD ${crd.metadata.name} becoming Established`,
      timeoutMs: 30_000,
      probe: async () => {
        const live = await api.get(crd);
        const conditions =
          (live?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
        const established = conditions.some((c) => c.type === "Established" && c.status === "True");
        return { value: established || undefined, last: JSON.stringify(conditions) };
      },
    });
  }
  return crds;
}
