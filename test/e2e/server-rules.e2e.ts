import * as assert from "node:assert/strict";
import { serverRuleViolations } from "../../gitops/render/server-rules";
import { controlPlane } from "./support/hooks";
import { describeRefusal, KubeObject } from "./support/kube-api";

/**
 * GIVEN the rules hydrate checks before writing (gitops/render/server-rules.ts), which the schemas
 * do not express
 * WHEN an object breaks one of them
 * THEN the pure check reports it at its path, and the real apiserver (server-side apply, as a dry
 * run) refuses the same object; a well-formed baseline passes both, so each refusal is the rule's.
 */

const NAMESPACE = "server-rules";

type Pod = Record<string, unknown> & { containers: Record<string, unknown>[] };

function deployment(pod: (spec: Pod) => void = () => undefined): KubeObject {
  const spec: Pod = {
    containers: [{ name: "web", image: "ghcr.io/example/web:1.0.0", ports: [{ name: "http", containerPort: 8080 }] }],
  };
  pod(spec);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: NAMESPACE, labels: { app: "web" } },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec } },
  };
}

function service(ports: Record<string, unknown>[], name = "web"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: NAMESPACE },
    spec: { selector: { app: "web" }, ports },
  };
}

function withMetadata(metadata: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "web", namespace: NAMESPACE, ...metadata },
    data: {},
  };
}

const CASES: readonly { readonly what: string; readonly object: KubeObject; readonly at: string }[] = [
  {
    what: "two containers with one name",
    object: deployment((p) => p.containers.push({ name: "web", image: "ghcr.io/example/sidecar:1.0.0" })),
    at: "spec.template.spec.containers.1.name",
  },
  {
    what: "two ports of a container with one name",
    object: deployment((p) => {
      p.containers[0].ports = [
        { name: "http", containerPort: 8080 },
        { name: "http", containerPort: 8081 },
      ];
    }),
    at: "spec.template.spec.containers.0.ports.1.name",
  },
  {
    what: "two ports of a container with one number",
    object: deployment((p) => {
      p.containers[0].ports = [
        { name: "http", containerPort: 8080 },
        { name: "alt", containerPort: 8080 },
      ];
    }),
    at: "spec.template.spec.containers.0.ports.1.containerPort",
  },
  {
    what: "a container port name longer than 15",
    object: deployment((p) => {
      p.containers[0].ports = [{ name: "a-very-long-port-name", containerPort: 8080 }];
    }),
    at: "spec.template.spec.containers.0.ports.0.name",
  },
  {
    what: "two volumes with one name",
    object: deployment((p) => {
      p.volumes = [
        { name: "data", emptyDir: {} },
        { name: "data", emptyDir: {} },
      ];
    }),
    at: "spec.template.spec.volumes.1.name",
  },
  {
    what: "a mount of a volume that does not exist",
    object: deployment((p) => {
      p.containers[0].volumeMounts = [{ name: "missing", mountPath: "/data" }];
    }),
    at: "spec.template.spec.containers.0.volumeMounts.0.name",
  },
  {
    what: "two env vars with one name",
    object: deployment((p) => {
      p.containers[0].env = [
        { name: "MODE", value: "a" },
        { name: "MODE", value: "b" },
      ];
    }),
    at: "spec.template.spec.containers.0.env.1.name",
  },
  {
    what: "a Service with two ports, one unnamed",
    object: service([
      { name: "http", port: 80, targetPort: 8080 },
      { port: 81, targetPort: 8081 },
    ]),
    at: "spec.ports.1.name",
  },
  {
    what: "a Service with two ports of one number",
    object: service([
      { name: "http", port: 80, targetPort: 8080 },
      { name: "alt", port: 80, targetPort: 8081 },
    ]),
    at: "spec.ports.1.port",
  },
  {
    what: "a Service name longer than a DNS-1035 label",
    object: service([{ name: "http", port: 80 }], `w${"e".repeat(63)}`),
    at: "metadata.name",
  },
  {
    what: "a label key with a space",
    object: withMetadata({ labels: { "team name": "x" } }),
    at: "metadata.labels.team name",
  },
  { what: "a label value with a slash", object: withMetadata({ labels: { team: "a/b" } }), at: "metadata.labels.team" },
  {
    what: "an annotation key with two slashes",
    object: withMetadata({ annotations: { "example.com/a/b": "x" } }),
    at: "metadata.annotations.example.com/a/b",
  },
];

describe("the API server's own rules: hydrate's checks agree with a real kube-apiserver", function () {
  before(async function () {
    await controlPlane().api.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } });
  });

  it("passes the baselines both ways, so each refusal below is its rule's", async function () {
    for (const object of [deployment(), service([{ name: "http", port: 80 }]), withMetadata({ labels: { a: "b" } })]) {
      assert.deepEqual(serverRuleViolations(object), [], `${object.kind}: no violation offline`);
      await controlPlane().api.apply(object, { dryRun: true });
    }
  });

  for (const { what, object, at } of CASES) {
    it(`refuses ${what}, offline and on the server`, async function () {
      const offline = serverRuleViolations(object).map((v) => v.path.join("."));
      assert.ok(offline.includes(at), `offline: ${JSON.stringify(offline)}`);
      const refusal = await controlPlane()
        .api.apply(object, { dryRun: true })
        .then(
          () => undefined,
          (error: unknown) => describeRefusal(error),
        );
      assert.ok(refusal, "the apiserver accepted it");
    });
  }
});
