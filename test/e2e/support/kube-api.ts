import * as fs from "node:fs";
import * as https from "node:https";

/**
 * A small client for the real kube-apiserver: discovery (kind -> resource and scope) and
 * server-side apply, for real or as a server dry run. The tests speak to the API directly where
 * they need each object's own answer (one kubectl process per object would cost seconds), and use
 * the real kubectl client (./kubectl.ts) where a user would.
 */

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
}

export interface Status {
  readonly kind: "Status";
  readonly status: "Failure" | "Success";
  readonly message: string;
  readonly reason?: string;
  readonly code: number;
  readonly details?: { readonly causes?: readonly { readonly field?: string; readonly message?: string }[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: Status,
    readonly object: string,
  ) {
    super(`${object}: ${status.code} ${status.reason}: ${status.message}`);
  }
}

export const FIELD_MANAGER = "gitops-platform-e2e";

export class KubeApi {
  private readonly ca: Buffer;
  private readonly resources = new Map<string, ApiResource>();

  constructor(
    private readonly server: string,
    private readonly token: string,
    caFile: string,
  ) {
    this.ca = fs.readFileSync(caFile);
  }

  request<T>(method: string, path: string, body?: string, contentType = "application/json"): Promise<T> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: "application/json",
            ...(body === undefined ? {} : { "Content-Type": contentType }),
          },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => {
            const parsed: unknown = text ? JSON.parse(text) : {};
            if ((response.statusCode ?? 500) >= 400) {
              reject(new ApiError(parsed as Status, `${method} ${path}`));
            } else resolve(parsed as T);
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  }

  /** The resource (plural name and scope) serving a kind, from the apiserver's discovery. */
  async resourceOf(apiVersion: string, kind: string, refresh = false): Promise<ApiResource> {
    const key = `${apiVersion}/${kind}`;
    const known = this.resources.get(key);
    if (known && !refresh) return known;
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.request<{ resources: (ApiResource & { kind: string })[] }>("GET", base);
    const resource = list.resources.find((r) => r.kind === kind && !r.name.includes("/"));
    if (!resource) throw new Error(`the apiserver serves no ${kind} in ${apiVersion}`);
    this.resources.set(key, { name: resource.name, namespaced: resource.namespaced });
    return this.resources.get(key)!;
  }

  async pathOf(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<string> {
    const resource = await this.resourceOf(object.apiVersion, object.kind);
    const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = object.metadata.namespace;
    if (resource.namespaced && !namespace) {
      throw new Error(`${object.kind} ${object.metadata.name} is namespaced but has no metadata.namespace`);
    }
    const scope = resource.namespaced ? `/namespaces/${namespace}` : "";
    return `${base}${scope}/${resource.name}/${encodeURIComponent(object.metadata.name)}`;
  }

  /** Server-side apply; `dryRun` runs every validation and admission step and stores nothing. */
  async apply(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: "true" });
    if (options.dryRun) query.set("dryRun", "All");
    const path = `${await this.pathOf(object)}?${query.toString()}`;
    return this.request<KubeObject>("PATCH", path, JSON.stringify(object), "application/apply-patch+yaml");
  }

  /** Server-side apply of a partial object: only the fields given change. */
  async patchMerge(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">, patch: object): Promise<KubeObject> {
    return this.request<KubeObject>(
      "PATCH",
      await this.pathOf(object),
      JSON.stringify(patch),
      "application/merge-patch+json",
    );
  }

  async delete(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<void> {
    await this.request("DELETE", await this.pathOf(object));
  }

  /**
   * Every change the apiserver reports for one object, from now on (a watch): how a test sees a
   * state that lasts only until a controller acts on it, such as OutOfSync before a self-heal.
   */
  async watch(
    object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">,
    onChange: (type: string, live: KubeObject) => void,
  ): Promise<{ stop(): void }> {
    const item = await this.pathOf(object);
    const collection = item.slice(0, item.lastIndexOf("/"));
    const query = new URLSearchParams({ watch: "1", fieldSelector: `metadata.name=${object.metadata.name}` });
    const request = https.request(new URL(`${collection}?${query.toString()}`, this.server), {
      ca: this.ca,
      headers: { Authorization: `Bearer ${this.token}`, Accept: "application/json" },
    });
    request.on("response", (response) => {
      let buffered = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          if (!line.trim()) continue;
          const event = JSON.parse(line) as { type: string; object: KubeObject };
          onChange(event.type, event.object);
        }
      });
    });
    request.on("error", () => undefined);
    request.end();
    return { stop: () => request.destroy() };
  }

  async get(object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<KubeObject | undefined> {
    try {
      return await this.request<KubeObject>("GET", await this.pathOf(object));
    } catch (error) {
      if (error instanceof ApiError && error.status.code === 404) return undefined;
      throw error;
    }
  }
}

/** The server's reason for refusing an object, with each cause's field. */
export function describeRefusal(error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  const causes = error.status.details?.causes ?? [];
  const fields = causes.map((c) => `${c.field ?? "?"}: ${c.message ?? ""}`);
  const reason = error.status.reason ?? `HTTP ${error.status.code}`;
  return fields.length > 0 ? `${reason}: ${fields.join("; ")}` : `${reason}: ${error.status.message}`;
}
