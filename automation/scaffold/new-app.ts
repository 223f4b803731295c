import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { InputError } from "../../config";
import { globMatches, RESERVED_NAMESPACES } from "../../platform/components";
import { configFileOf, discoverEnvironments, Environment } from "../../stack";
import { CATALOG_DIR } from "../bump-image";
import { validateTag } from "../bump-checks";
import { appendToSequence } from "./yaml-splice";

/**
 * `new app`: a valid app in the catalog in one command. An app runs in the environments it has an
 * `<env>.yaml` for, so each environment it runs in gets one, holding the image tag (where
 * bump-image edits it); the others get none. Its namespace, which the platform must declare, is
 * added to `appNamespaces` of each environment it runs in, keeping the config file's comments and
 * formatting.
 */

export interface NewAppOptions {
  readonly rootDir: string;
  readonly name: string;
  /** `repository:tag` or `repository@sha256:<digest>`; podinfo, the demo's image, when omitted. */
  readonly image?: string;
  readonly port?: number;
  /** Where it runs; every environment by default. */
  readonly envs?: readonly Environment[];
}

export interface NewAppResult {
  readonly app: string;
  /** Files written, relative to the project. */
  readonly written: readonly string[];
  /** Config files whose appNamespaces gained the app. */
  readonly namespacesAdded: readonly string[];
  readonly envs: readonly Environment[];
  readonly tag: string;
}

/** podinfo: a small web service whose health and readiness endpoints, port and user are known. */
const DEFAULT_IMAGE = { repository: "ghcr.io/stefanprodan/podinfo", tag: "6.7.1", port: 9898 };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function parseImage(image: string): { repository: string; tag: string } {
  const at = image.indexOf("@");
  const colon = image.lastIndexOf(":");
  const split = at > 0 ? at : colon > image.lastIndexOf("/") ? colon : -1;
  if (split <= 0 || split === image.length - 1) {
    throw new InputError(
      `new app --image: received ${JSON.stringify(image)}; expected repository:tag (ghcr.io/org/api:1.4.2) or repository@sha256:<digest>`,
    );
  }
  const tag = image.slice(split + 1);
  validateTag(tag);
  return { repository: image.slice(0, split), tag };
}

function appYaml(name: string, repository: string, port: number, podinfo: boolean): string {
  const probes = podinfo
    ? [
        "probes:",
        "  liveness:",
        "    http: { path: /healthz, port: http }",
        "  readiness:",
        "    http: { path: /readyz, port: http }",
      ]
    : [
        "# TCP checks work for any server; an HTTP health endpoint is better: http: { path: /healthz, port: http }",
        "probes:",
        "  liveness:",
        "    tcp: { port: http }",
        "  readiness:",
        "    tcp: { port: http }",
      ];
  const user = podinfo
    ? [
        "securityContext:",
        "  # podinfo's image names its user; the kubelet can only prove non-root for a numeric one.",
        "  runAsUser: 100",
      ]
    : ["# The pod runs as non-root: set securityContext.runAsUser when the image names its user instead of a UID."];
  return [
    `# The ${name} app's base spec; <env>.yaml files are merged over it (docs/catalog.md, "Merge rules").`,
    "image:",
    `  repository: ${repository}`,
    ...(podinfo ? [`args: ["--port=${port}"]`] : []),
    "ports:",
    "  - name: http",
    `    containerPort: ${port}`,
    "    servicePort: 80",
    "resources:",
    "  requests:",
    "    cpu: 50m",
    "    memory: 64Mi",
    "  limits:",
    "    memory: 128Mi",
    ...probes,
    ...user,
    "",
  ].join("\n");
}

function envYaml(name: string, env: Environment, tag: string): string {
  return `# ${env} values of the ${name} app, merged over app.yaml. bump-image sets image.tag here.\nimage:\n  tag: ${JSON.stringify(tag)}\n`;
}

export function newApp(options: NewAppOptions): NewAppResult {
  const { rootDir, name } = options;
  if (!DNS_LABEL.test(name)) {
    throw new InputError(
      `new app: received ${JSON.stringify(name)}; expected a DNS label (a-z, 0-9, -; at most 63): it names the app's namespace and objects`,
    );
  }
  const reserved = RESERVED_NAMESPACES.find((ns) => globMatches(ns, name));
  if (reserved)
    throw new InputError(
      `new app: received ${name}; expected a name that is not a platform namespace (${RESERVED_NAMESPACES.join(", ")})`,
    );
  const appDir = path.join(rootDir, CATALOG_DIR, name);
  if (fs.existsSync(appDir)) {
    throw new InputError(`new app: ${path.join(CATALOG_DIR, name)} already exists; expected the name of a new app`);
  }
  const podinfo = options.image === undefined;
  const image = options.image ? parseImage(options.image) : DEFAULT_IMAGE;
  const port = options.port ?? (podinfo ? DEFAULT_IMAGE.port : 8080);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`new app --port: received ${port}; expected a port number from 1 to 65535`);
  }
  const envs = options.envs ?? discoverEnvironments(rootDir);

  // An app runs in the environments it has a file for (docs/catalog.md): one file per --envs entry.
  const files = new Map<string, string>([
    [path.join(CATALOG_DIR, name, "app.yaml"), appYaml(name, image.repository, port, podinfo)],
  ]);
  for (const env of envs) files.set(path.join(CATALOG_DIR, name, `${env}.yaml`), envYaml(name, env, image.tag));
  // Every edit is computed before anything is written, so bad input leaves the project as it was.
  const configs = new Map<string, string>();
  for (const env of envs) {
    const file = configFileOf(env);
    const text = fs.readFileSync(path.join(rootDir, file), "utf8");
    const keyPath = ["config", "gitops-platform:platform", "appNamespaces"];
    const listed = ((parse(text) as { config?: Record<string, { appNamespaces?: unknown }> })?.config?.[
      "gitops-platform:platform"
    ]?.appNamespaces ?? []) as unknown[];
    if (listed.some((pattern) => typeof pattern === "string" && globMatches(pattern, name))) continue;
    configs.set(file, appendToSequence(text, file, keyPath, name));
  }
  fs.mkdirSync(appDir, { recursive: true });
  for (const [file, text] of files) fs.writeFileSync(path.join(rootDir, file), text);
  for (const [file, text] of configs) fs.writeFileSync(path.join(rootDir, file), text);
  return { app: name, written: [...files.keys()], namespacesAdded: [...configs.keys()], envs, tag: image.tag };
}
