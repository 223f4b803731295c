import * as assert from "node:assert/strict";
import { SECRET_MARKER, STACK_REF_MARKER_PREFIX, UNKNOWN_MARKER } from "../config";
import { statementsOf } from "../policy/iam";
import {
  containersOf,
  isClusterScoped,
  KubeObject,
  kubeObjectOf,
  LONG_RUNNING_KINDS,
  podLabelsOf,
  podSpecOf,
  selects,
  WORKLOAD_KINDS,
} from "../policy/kube";
import { imageTag } from "../policy/rules/workloads";
import {
  describeOpaque,
  isExactVersion,
  isFalse,
  isOpaque,
  isRecord,
  isTrue,
  listAt,
  Opaque,
  show,
  valueAt,
} from "../policy/values";
import { declared } from "./support/policy";

/**
 * The readers the guardrails share (policy/values.ts, kube.ts, iam.ts): how declared values,
 * Kubernetes objects and IAM documents are read, opaque values included. Argo CD: policy-argocd-readers.
 */

const STACK_REF = `${STACK_REF_MARKER_PREFIX}infra-production:clusterName]`;

function object(kind: string, body: Record<string, unknown>, apiVersion = "v1"): KubeObject {
  return { apiVersion, kind, body: { apiVersion, kind, ...body } };
}

describe("policy value readers", () => {
  it("takes only the three markers as opaque", () => {
    assert.deepEqual([UNKNOWN_MARKER, SECRET_MARKER, STACK_REF, "[unknown] ", "unknown", 1, undefined].map(isOpaque), [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it("names an opaque value as secret, unknown until deployed, or a stack reference offline", () => {
    assert.equal(describeOpaque("a.b", SECRET_MARKER as Opaque), "a.b is secret, so this cannot be judged");
    assert.equal(
      describeOpaque("a", UNKNOWN_MARKER as Opaque),
      "a is unknown until deployed, so this cannot be judged",
    );
    assert.equal(describeOpaque("a", STACK_REF as Opaque), `a is ${STACK_REF} offline, so this cannot be judged`);
  });

  it("reads a path, stopping at an opaque value and at anything that is not an object", () => {
    const root = { a: { b: [10, { c: "x" }] }, opaque: UNKNOWN_MARKER, none: null, text: "abc" };
    assert.equal(valueAt(root, "a", "b", 1, "c"), "x");
    assert.equal(valueAt(root, "opaque", "b", "c"), UNKNOWN_MARKER);
    assert.equal(valueAt(root, "none", "b"), undefined);
    assert.equal(valueAt(root, "text", "length"), undefined);
    assert.equal(valueAt(root, "missing", "b"), undefined);
    assert.equal(valueAt(root), root);
  });

  it("reads a list, an opaque value as is, and anything else as an empty list", () => {
    assert.deepEqual(listAt({ a: [1, 2] }, "a"), [1, 2]);
    assert.equal(listAt({ a: { b: SECRET_MARKER } }, "a", "b", "c"), SECRET_MARKER);
    assert.deepEqual(listAt({ a: "1,2" }, "a"), []);
    assert.deepEqual(listAt({}, "a"), []);
  });

  it("takes only plain objects as records", () => {
    assert.deepEqual([{}, null, [], "x", 1].map(isRecord), [true, false, false, false, false]);
  });

  it("reads true and false from booleans and their strings only", () => {
    assert.deepEqual([true, "true", "True", 1, false].map(isTrue), [true, true, false, false, false]);
    assert.deepEqual([false, "false", "", 0, undefined, true].map(isFalse), [true, true, false, false, false, false]);
  });

  it("takes a version as exact only with major, minor and patch, an optional v, pre-release and build", () => {
    const exact = ["1.2.3", "v10.20.30", "1.2.3-rc.1", "1.2.3+build.5", "1.2.3-eksbuild.1+meta"];
    const loose = ["1.2", "1.2.x", "^1.2.3", "~1.2.3", ">=1.2.3", "1.2.3 ", " 1.2.3", "x1.2.3", "1.2.3-", "latest", ""];
    assert.deepEqual(
      exact.filter((v) => !isExactVersion(v)),
      [],
    );
    assert.deepEqual(loose.filter(isExactVersion), []);
    assert.equal(isExactVersion(["1.2.3"]), false);
  });

  it("shows a value as JSON, unset for undefined, and cuts it after 57 characters past 60", () => {
    assert.equal(show(undefined), "unset");
    assert.equal(show("x"), '"x"');
    assert.equal(
      show(() => 1),
      "function",
    );
    const sixty = "x".repeat(58);
    assert.equal(show(sixty), `"${sixty}"`);
    assert.equal(show(`${sixty}y`), `"${"x".repeat(56)}...`);
  });
});

describe("policy Kubernetes readers", () => {
  it("reads a hydrated manifest with a string apiVersion and kind as an object", () => {
    const body = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "demo" } };
    assert.deepEqual(kubeObjectOf({ source: "manifest", manifest: { path: "a.yaml", object: body } }), {
      apiVersion: "apps/v1",
      kind: "Deployment",
      body,
    });
    for (const broken of [{ kind: "Deployment" }, { apiVersion: "apps/v1" }, { apiVersion: 1, kind: "X" }]) {
      assert.equal(kubeObjectOf({ source: "manifest", manifest: { path: "a.yaml", object: broken } }), undefined);
    }
  });

  it("reads a declared kubernetes resource as the object its type token names, core group without a prefix", () => {
    const read = (type: string) => {
      const object = kubeObjectOf({ source: "resource", stack: "s", resource: declared(type, "x", { a: 1 }) });
      return object && `${object.apiVersion} ${object.kind}`;
    };
    assert.deepEqual(
      [
        "kubernetes:core/v1:Secret",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:hardcore/v1:Thing",
        "kubernetes:example.com/v1:Listener",
        "kubernetes:example.com/v1:PatchSet",
      ].map(read),
      ["v1 Secret", "apps/v1 Deployment", "hardcore/v1 Thing", "example.com/v1 Listener", "example.com/v1 PatchSet"],
    );
    assert.deepEqual(
      [
        "kubernetes:helm.sh/v3:Release",
        "kubernetes:yaml/v2:ConfigGroup",
        "kubernetes:kustomize/v2:Directory",
        "kubernetes:core/v1:ConfigMapList",
        "kubernetes:apps/v1:DeploymentPatch",
        "aws:eks/cluster:Cluster",
        "kubernetes:core/v1",
        "kubernetes::Secret",
      ].map(read),
      [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
    );
    const component = { ...declared("kubernetes:core/v1:Secret", "x", {}), custom: false };
    assert.equal(kubeObjectOf({ source: "resource", stack: "s", resource: component }), undefined);
  });

  it("takes the built-in cluster-scoped kinds and custom kinds starting with Cluster as cluster-scoped", () => {
    // The built-in kinds `kubectl api-resources --namespaced=false` lists (Kubernetes 1.33), and a custom one.
    const scoped = [
      "APIService",
      "CertificateSigningRequest",
      "ClusterRole",
      "ClusterRoleBinding",
      "ComponentStatus",
      "CSIDriver",
      "CSINode",
      "CustomResourceDefinition",
      "FlowSchema",
      "IngressClass",
      "MutatingWebhookConfiguration",
      "Namespace",
      "Node",
      "PersistentVolume",
      "PriorityClass",
      "PriorityLevelConfiguration",
      "RuntimeClass",
      "StorageClass",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "ValidatingWebhookConfiguration",
      "VolumeAttachment",
      "ClusterIssuer",
    ];
    assert.deepEqual(
      scoped.filter((k) => !isClusterScoped(k)),
      [],
    );
    assert.deepEqual(["Deployment", "Secret", "IssuerCluster", "Role"].filter(isClusterScoped), []);
  });

  it("finds the pod spec and pod labels of each workload kind", () => {
    const pod = { spec: { containers: [] }, metadata: { labels: { app: "pod" } } };
    const template = { template: { spec: { containers: [1] }, metadata: { labels: { app: "t" } } } };
    assert.deepEqual(podSpecOf(object("Pod", pod)), { containers: [] });
    assert.deepEqual(podLabelsOf(object("Pod", pod)), { app: "pod" });
    for (const kind of WORKLOAD_KINDS.filter((k) => k !== "Pod" && k !== "CronJob")) {
      assert.deepEqual(podSpecOf(object(kind, { spec: template })), { containers: [1] }, kind);
      assert.deepEqual(podLabelsOf(object(kind, { spec: template })), { app: "t" }, kind);
    }
    assert.deepEqual(podSpecOf(object("CronJob", { spec: { jobTemplate: { spec: template } } })), { containers: [1] });
    assert.equal(podSpecOf(object("ConfigMap", { spec: template })), undefined);
    assert.deepEqual(WORKLOAD_KINDS, [
      "Pod",
      "Deployment",
      "StatefulSet",
      "DaemonSet",
      "ReplicaSet",
      "ReplicationController",
      "Job",
      "CronJob",
      "Rollout",
    ]);
    assert.deepEqual(LONG_RUNNING_KINDS, ["Deployment", "StatefulSet", "DaemonSet", "Rollout"]);
  });

  it("lists init containers first, labels them, skips entries that are not containers and names the unnamed ?", () => {
    const spec = { initContainers: [{ name: "migrate" }, "junk"], containers: [{ name: "web" }, { image: "x" }] };
    assert.deepEqual(
      (containersOf(spec) as { label: string; init: boolean }[]).map((c) => [c.label, c.init]),
      [
        ['init container "migrate"', true],
        ['container "web"', false],
        ['container "?"', false],
      ],
    );
    assert.equal(containersOf(UNKNOWN_MARKER), UNKNOWN_MARKER);
    assert.equal(containersOf({ containers: SECRET_MARKER }), SECRET_MARKER);
    assert.equal(containersOf({ initContainers: UNKNOWN_MARKER, containers: [{ name: "web" }] }), UNKNOWN_MARKER);
  });

  it("selects labels by every matchLabels entry and every expression, as policy/v1 does", () => {
    const labels = { app: "demo", tier: "web" };
    const holds = (selector: unknown) => selects(selector, labels);
    const expression = (operator: string, key: string, values?: string[]) => ({
      matchExpressions: [{ key, operator, values }],
    });
    assert.equal(holds({}), true);
    assert.equal(holds({ matchLabels: { app: "demo", tier: "web" } }), true);
    assert.equal(holds({ matchLabels: { app: "demo", tier: "db" } }), false);
    assert.equal(holds({ matchLabels: { app: "other" } }), false);
    assert.equal(holds(undefined), false);
    assert.equal(holds(expression("In", "app", ["x", "demo"])), true);
    assert.equal(holds(expression("In", "app", ["x"])), false);
    assert.equal(holds(expression("NotIn", "app", ["x"])), true);
    assert.equal(holds(expression("NotIn", "app", ["demo"])), false);
    assert.equal(holds(expression("Exists", "tier")), true);
    assert.equal(holds(expression("Exists", "zone")), false);
    assert.equal(holds(expression("DoesNotExist", "zone")), true);
    assert.equal(holds(expression("DoesNotExist", "tier")), false);
    assert.equal(holds(expression("Matches", "app", ["demo"])), false);
    assert.equal(holds(expression("In", "app")), false);
    assert.equal(holds({ matchExpressions: ["app"] }), false);
    assert.equal(holds({ matchLabels: { app: "demo" }, ...expression("In", "tier", ["db"]) }), false);
  });
});

describe("policy IAM reader", () => {
  it("reads each Allow and Deny statement with its actions and resources as lists", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:a" },
        { Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:b" },
        { Effect: "Allow" },
      ],
    };
    assert.deepEqual(statementsOf(declared("aws:iam/policy:Policy", "p", { policy: JSON.stringify(policy) })), {
      statements: [
        {
          where: "policy Statement[0]",
          allow: true,
          actions: ["s3:GetObject"],
          notAction: false,
          resources: ["arn:a"],
          notResource: false,
        },
        {
          where: "policy Statement[1]",
          allow: false,
          actions: ["iam:*"],
          notAction: true,
          resources: ["arn:b"],
          notResource: true,
        },
        {
          where: "policy Statement[2]",
          allow: true,
          actions: [],
          notAction: false,
          resources: [],
          notResource: false,
        },
      ],
      unreadable: [],
    });
  });

  it("reads a role's inline policies by index, and nothing from one without a document", () => {
    const role = declared("aws:iam/role:Role", "r", {
      inlinePolicies: [{ name: "none" }, { name: "s3", policy: { Statement: { Effect: "Allow", Action: "s3:*" } } }],
    });
    assert.deepEqual(
      statementsOf(role).statements.map((s) => [s.where, s.actions]),
      [["inlinePolicies[1].policy Statement[0]", ["s3:*"]]],
    );
    assert.deepEqual(statementsOf(declared("aws:iam/role:Role", "r", {})), { statements: [], unreadable: [] });
  });
});

describe("image tags", () => {
  it("reads the tag after the last path segment's colon, a digest whatever the tag, and none behind a registry port", () => {
    assert.equal(imageTag("ghcr.io/org/app:1.2.3"), "1.2.3");
    assert.equal(imageTag("registry:5000/org/app"), "");
    assert.equal(imageTag("app:latest@sha256:abc"), "digest");
    assert.equal(imageTag("app@sha256:abc"), "digest");
    assert.equal(imageTag("app"), "");
  });
});
