import { loadCatalog } from "./gitops/catalog/catalog";
import { renderApp } from "./gitops/render/app";
import { validateManifests } from "./gitops/render/validate";
import { toYaml } from "./gitops/render/yaml";
import { fileNameOf, assertInsideApps } from "./gitops/render/file-names";
import { lintApp } from "./gitops/lint/lint";
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const T: Record<string, number> = {};
const time = <R>(k: string, f: () => R): R => { const c = cpu(); const r = f(); T[k] = (T[k] ?? 0) + cpu() - c; return r; };
for (const env of ["staging", "production"] as const) {
  const apps = time("load", () => loadCatalog(env, { catalogDir: "/tmp/benchcat/c" }));
  for (const app of apps) {
    const ms = time("render", () => renderApp(app));
    time("validate", () => validateManifests(app.name, ms));
    time("yaml", () => ms.map((m) => { const f = fileNameOf(app.name, m); assertInsideApps(f); return toYaml(m); }));
    time("lint", () => lintApp(app.name, ms, (m) => fileNameOf(app.name, m)));
  }
}
console.log(Object.entries(T).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "));
