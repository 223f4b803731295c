import * as assert from "node:assert/strict";
import { lintApp } from "../gitops/lint/lint";
import { ManifestRule } from "../gitops/lint/rule";
import {
  imageTagPinned,
  MANIFEST_RULES,
  noDefaultNamespace,
  noPrivilegeEscalation,
  pdbWhenReplicated,
  probesPresent,
  readOnlyRootFilesystem,
  resourcesSet,
  runAsNonRoot,
} from "../gitops/lint/rules";
import { Manifest } from "../gitops/render/manifest";

interface ContainerOverrides {
  readonly [field: string]: unknown;
}

/** A Deployment that passes every rule; each case breaks one thing. */
function deployment(
  container: ContainerOverrides = {},
  spec: Record<string, unknown> = {},
  namespace: string | null = "web",
): Manifest {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", ...(namespace === null ? {} : { namespace }) },
    spec: {
      replicas: 1,
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: "web",
              image: "ghcr.io/example/web:1.0.0",
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
              livenessProbe: { tcpSocket: { port: 80 } },
              readinessProbe: { tcpSocket: { port: 80 } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
              ...container,
            },
          ],
        },
      },
      ...spec,
    },
  };
}

function cronJob(container: ContainerOverrides): Manifest {
  const pod = (deployment(container).spec as { template: unknown }).template;
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "web-nightly", namespace: "web" },
    spec: { schedule: "@daily", jobTemplate: { spec: { template: pod } } },
  };
}

const pdb: Manifest = {
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "web", namespace: "web" },
  spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
};

function hpa(minReplicas: number): Manifest {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web", namespace: "web" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas, maxReplicas: 5 },
  };
}

const C = "spec.template.spec.containers[0]";

const cases: [ManifestRule, string, Manifest[], [string, string][]][] = [
  [
    imageTagPinned,
    "an image without a tag",
    [deployment({ image: "ghcr.io/example/web" })],
    [[`${C}.image`, 'container "web" of Deployment/web: image "ghcr.io/example/web" has no tag']],
  ],
  [
    imageTagPinned,
    "the latest tag",
    [deployment({ image: "web:latest" })],
    [[`${C}.image`, 'container "web" of Deployment/web: image "web:latest" uses the tag latest']],
  ],
  [
    imageTagPinned,
    "a registry port mistaken for a tag",
    [deployment({ image: "registry:5000/web" })],
    [[`${C}.image`, 'container "web" of Deployment/web: image "registry:5000/web" has no tag']],
  ],
  [imageTagPinned, "a digest (passes)", [deployment({ image: "web@sha256:abc" })], []],
  [
    resourcesSet,
    "no resources",
    [deployment({ resources: undefined })],
    [[`${C}.resources`, 'container "web" of Deployment/web sets no requests.cpu, requests.memory, limits.memory']],
  ],
  [
    resourcesSet,
    "no memory limit in a CronJob",
    [cronJob({ resources: { requests: { cpu: "1", memory: "1Gi" } } })],
    [
      [
        "spec.jobTemplate.spec.template.spec.containers[0].resources",
        'container "web" of CronJob/web-nightly sets no limits.memory',
      ],
    ],
  ],
  [
    probesPresent,
    "no readiness probe",
    [deployment({ readinessProbe: undefined })],
    [[C, 'container "web" of Deployment/web has no readinessProbe']],
  ],
  [
    probesPresent,
    "a CronJob without probes (passes: jobs end)",
    [cronJob({ livenessProbe: undefined, readinessProbe: undefined })],
    [],
  ],
  [
    runAsNonRoot,
    "a container that opts out",
    [deployment({ securityContext: { runAsNonRoot: false, allowPrivilegeEscalation: false } })],
    [
      [
        `${C}.securityContext.runAsNonRoot`,
        'container "web" of Deployment/web may run as root (runAsNonRoot is not true)',
      ],
    ],
  ],
  [runAsNonRoot, "a pod-level setting (passes)", [deployment()], []],
  [
    readOnlyRootFilesystem,
    "a writable root",
    [deployment({ securityContext: { allowPrivilegeEscalation: false } })],
    [
      [
        `${C}.securityContext.readOnlyRootFilesystem`,
        'container "web" of Deployment/web has a writable root filesystem',
      ],
    ],
  ],
  [
    noPrivilegeEscalation,
    "the Kubernetes default (escalation allowed)",
    [deployment({ securityContext: { readOnlyRootFilesystem: true } })],
    [
      [
        `${C}.securityContext.allowPrivilegeEscalation`,
        'container "web" of Deployment/web allows privilege escalation',
      ],
    ],
  ],
  [
    noPrivilegeEscalation,
    "a privileged container",
    [deployment({ securityContext: { allowPrivilegeEscalation: false, privileged: true } })],
    [[`${C}.securityContext.allowPrivilegeEscalation`, 'container "web" of Deployment/web runs privileged']],
  ],
  [
    pdbWhenReplicated,
    "three replicas without a PDB",
    [deployment({}, { replicas: 3 })],
    [["spec.replicas", "Deployment/web runs 3 replicas and no PodDisruptionBudget selects its pods"]],
  ],
  [
    pdbWhenReplicated,
    "an HPA with two minimum replicas without a PDB",
    [deployment({}, { replicas: undefined }), hpa(2)],
    [["spec.replicas", "Deployment/web runs 2 replicas and no PodDisruptionBudget selects its pods"]],
  ],
  [pdbWhenReplicated, "three replicas with a PDB (passes)", [deployment({}, { replicas: 3 }), pdb], []],
  [pdbWhenReplicated, "one replica (passes)", [deployment()], []],
  [
    noDefaultNamespace,
    "an object in default",
    [deployment({}, {}, "default")],
    [["metadata.namespace", "Deployment/web is in the default namespace"]],
  ],
  [
    noDefaultNamespace,
    "an object without a namespace",
    [deployment({}, {}, null)],
    [["metadata.namespace", "Deployment/web has no namespace"]],
  ],
];

describe("gitops manifest lint", () => {
  it("passes a well-formed Deployment under every rule", () => {
    assert.deepEqual(
      lintApp("web", [deployment(), pdb], () => "f"),
      [],
    );
  });

  for (const [rule, what, manifests, expected] of cases) {
    it(`${rule.id}: ${expected.length ? "flags" : "accepts"} ${what}`, () => {
      assert.deepEqual(
        rule.check(manifests).map((v) => [v.path, v.message]),
        expected,
      );
    });
  }

  it("gives every rule an id, a rationale and a fix", () => {
    assert.deepEqual(
      MANIFEST_RULES.map((r) => r.id),
      [
        "image-tag-pinned",
        "resources-set",
        "probes-present",
        "run-as-non-root",
        "read-only-root-filesystem",
        "no-privilege-escalation",
        "pdb-when-replicated",
        "no-default-namespace",
      ],
    );
    for (const rule of MANIFEST_RULES) {
      assert.ok(rule.rationale.length > 40 && rule.fix.length > 20, `${rule.id} needs a rationale and a fix`);
    }
  });

  it("applies the environment's severity overrides, and skips rules turned off", () => {
    const manifests = [deployment({ securityContext: { allowPrivilegeEscalation: false } }, { replicas: 2 })];
    const findings = (policy: Record<string, "error" | "warning" | "off">) =>
      lintApp("web", manifests, () => "apps/web/deployment-web.yaml", policy).map((f) => [f.rule, f.severity]);
    assert.deepEqual(findings({}), [
      ["read-only-root-filesystem", "warning"],
      ["pdb-when-replicated", "warning"],
    ]);
    assert.deepEqual(findings({ "read-only-root-filesystem": "error", "pdb-when-replicated": "off" }), [
      ["read-only-root-filesystem", "error"],
    ]);
  });
});
