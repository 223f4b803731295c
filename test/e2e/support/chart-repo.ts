import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { parse } from "yaml";
import { binary } from "./process";

/**
 * A Helm chart repository on loopback, as a chart publisher serves one: an index.yaml and the
 * packaged .tgz files, made by the real `helm package` and `helm repo index`, served by a tiny HTTP
 * server. `stop()` always closes it.
 */
export class ChartRepository {
  private constructor(
    private readonly server: http.Server,
    readonly dir: string,
    readonly url: string,
  ) {}

  static async serve(dir: string): Promise<ChartRepository> {
    fs.mkdirSync(dir, { recursive: true });
    const server = http.createServer((request, response) => {
      const name = decodeURIComponent(new URL(request.url ?? "/", "http://loopback").pathname).replace(/^\/+/, "");
      const file = path.join(dir, name);
      if (!name || name.includes("..") || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": name.endsWith(".yaml") ? "text/yaml" : "application/gzip" });
      response.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    return new ChartRepository(server, dir, `http://127.0.0.1:${port}`);
  }

  /** Packages `chartDir` into the repository and re-indexes it; returns the archive's index digest. */
  publish(chartDir: string): { archive: string; digest: string } {
    const helm = binary("helm");
    const out = execFileSync(helm, ["package", chartDir, "--destination", this.dir], { encoding: "utf8" });
    const archive = /(\S+\.tgz)\s*$/.exec(out.trim())?.[1] ?? "";
    execFileSync(helm, ["repo", "index", this.dir, "--url", this.url]);
    const index = parse(fs.readFileSync(path.join(this.dir, "index.yaml"), "utf8")) as {
      entries: Record<string, { version: string; digest: string; urls: string[] }[]>;
    };
    const entry = Object.values(index.entries)
      .flat()
      .find((e) => e.urls.some((u) => u.endsWith(path.basename(archive))));
    if (!entry) throw new Error(`index.yaml of ${this.dir} lists no ${archive}`);
    return { archive, digest: `sha256:${entry.digest}` };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
