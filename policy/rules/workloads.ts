import { defineRule } from "../define";
import { ContainerView, containersOf, KubeObject, LONG_RUNNING_KINDS, podSpecOf, WORKLOAD_KINDS } from "../kube";
import { Outcome, Rule, undetermined, violation } from "../model";
import { describeOpaque, isOpaque, show, valueAt } from "../values";

/**
 * Pod-level hardening of every workload, hydrated or declared (Kubernetes Pod Security Standards,
 * "restricted" profile, and the reliability basics kube-score and Polaris check).
 */

function overContainers(o: KubeObject, judge: (c: ContainerView, podSpec: unknown) => Outcome[]): Outcome[] {
  const podSpec = podSpecOf(o);
  const containers = containersOf(podSpec);
  if (isOpaque(containers)) return [undetermined(describeOpaque("the pod template", containers))];
  return containers.flatMap((c) => judge(c, podSpec));
}

/** A container setting, or an outcome when it is opaque. */
function setting(c: ContainerView, ...path: string[]): { value: unknown } | { outcome: Outcome } {
  const value = valueAt(c.container, ...path);
  return isOpaque(value) ? { outcome: undetermined(describeOpaque(`${c.label} ${path.join(".")}`, value)) } : { value };
}

/** The tag of an image reference, "" when it has none, or "digest" when a digest pins it whatever the tag. */
export function imageTag(image: string): string {
  if (image.includes("@sha256:")) return "digest";
  const name = image.slice(image.lastIndexOf("/") + 1);
  return name.includes(":") ? name.slice(name.indexOf(":") + 1) : "";
}

const imagePinned = defineRule({
  id: "k8s-image-pinned",
  severity: "mandatory",
  area: "workload",
  title: "Every container image has an explicit tag other than latest, or a digest",
  rationale: "latest (or no tag) changes under the same manifest: Git no longer says what runs, and rollbacks lie.",
  fix: "Pin the image to a release tag or a sha256 digest; bump it with the bump-image command.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c) => {
        const image = setting(c, "image");
        if ("outcome" in image) return [image.outcome];
        if (typeof image.value !== "string" || image.value === "") return [violation(`${c.label} has no image`)];
        const tag = imageTag(image.value);
        if (tag === "" || tag === "latest") {
          return [violation(`${c.label} image ${show(image.value)} has ${tag ? "the latest tag" : "no tag"}`)];
        }
        return [];
      }),
  },
});

const REQUIRED_RESOURCES = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "memory"],
] as const;

const resourcesSet = defineRule({
  id: "k8s-resources-set",
  severity: "mandatory",
  area: "workload",
  title: "Every container requests CPU and memory and has a memory limit",
  rationale:
    "Without requests the scheduler overpacks nodes; without a memory limit one leak OOM-kills its neighbours.",
  fix: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c) => {
        const resources = setting(c, "resources");
        if ("outcome" in resources) return [resources.outcome];
        const missing = REQUIRED_RESOURCES.filter(([kind, name]) => valueAt(resources.value, kind, name) === undefined);
        return missing.length
          ? [violation(`${c.label} lacks resources.${missing.map((m) => m.join(".")).join(", ")}`)]
          : [];
      }),
  },
});

/** The container's security setting, falling back to the pod's, as the kubelet applies them. */
function effective(c: ContainerView, podSpec: unknown, field: string): unknown {
  const own = valueAt(c.container, "securityContext", field);
  return own !== undefined ? own : valueAt(podSpec, "securityContext", field);
}

const runAsNonRoot = defineRule({
  id: "k8s-run-as-non-root",
  severity: "mandatory",
  area: "workload",
  title: "Containers run as a non-root user (runAsNonRoot: true, never runAsUser: 0)",
  rationale: "Root in a container is root on the node after any container escape.",
  fix: "Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c, podSpec) => {
        const nonRoot = effective(c, podSpec, "runAsNonRoot");
        const user = effective(c, podSpec, "runAsUser");
        const opaque = [nonRoot, user].find(isOpaque);
        if (opaque) return [undetermined(describeOpaque(`${c.label} securityContext`, opaque))];
        if (user === 0) return [violation(`${c.label} runs as runAsUser 0`)];
        return nonRoot === true ? [] : [violation(`${c.label} runAsNonRoot is ${show(nonRoot)}`)];
      }),
  },
});

const noPrivilegeEscalation = defineRule({
  id: "k8s-no-privilege-escalation",
  severity: "mandatory",
  area: "workload",
  title: "Containers are not privileged and cannot escalate privileges",
  rationale: "setuid binaries and privileged mode turn a compromised process into root on the node.",
  fix: "Set securityContext.allowPrivilegeEscalation: false and remove privileged: true.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c) => {
        const context = setting(c, "securityContext");
        if ("outcome" in context) return [context.outcome];
        const escalation = valueAt(context.value, "allowPrivilegeEscalation");
        const privileged = valueAt(context.value, "privileged");
        if (privileged === true) return [violation(`${c.label} is privileged`)];
        if (isOpaque(escalation))
          return [undetermined(describeOpaque(`${c.label} allowPrivilegeEscalation`, escalation))];
        return escalation === false ? [] : [violation(`${c.label} allowPrivilegeEscalation is ${show(escalation)}`)];
      }),
  },
});

const readOnlyRootFs = defineRule({
  id: "k8s-read-only-root-fs",
  severity: "mandatory",
  area: "workload",
  title: "Containers have a read-only root filesystem",
  rationale: "An attacker who cannot write to the filesystem cannot drop tools or alter binaries.",
  fix: "Set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where the app must write.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c) => {
        const value = setting(c, "securityContext", "readOnlyRootFilesystem");
        if ("outcome" in value) return [value.outcome];
        return value.value === true ? [] : [violation(`${c.label} readOnlyRootFilesystem is ${show(value.value)}`)];
      }),
  },
});

const dropAllCapabilities = defineRule({
  id: "k8s-drop-all-capabilities",
  severity: "advisory",
  area: "workload",
  title: "Containers drop all Linux capabilities",
  rationale: "The default capability set (NET_RAW and others) is more than an application needs.",
  fix: 'Set securityContext.capabilities.drop: ["ALL"] and add back only what is needed.',
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) =>
      overContainers(o, (c) => {
        const drop = setting(c, "securityContext", "capabilities", "drop");
        if ("outcome" in drop) return [drop.outcome];
        // Stryker disable next-line ArrayDeclaration: "Stryker was here" is not ALL either
        const dropped = Array.isArray(drop.value) ? (drop.value as unknown[]) : [];
        return dropped.some((d) => String(d).toUpperCase() === "ALL")
          ? []
          : [violation(`${c.label} does not drop ALL`)];
      }),
  },
});

/** A probe every long-running container declares; init containers run to completion and have none. */
function probeRule(id: string, field: string, title: string, rationale: string) {
  return defineRule({
    id,
    severity: "mandatory",
    area: "workload",
    title,
    rationale,
    fix: `Add ${field} to each container of Deployments, StatefulSets and DaemonSets (probes in the app spec).`,
    objects: {
      kinds: LONG_RUNNING_KINDS,
      check: (o) =>
        overContainers(o, (c) => {
          if (c.init) return [];
          const probe = setting(c, field);
          if ("outcome" in probe) return [probe.outcome];
          return probe.value === undefined ? [violation(`${c.label} has no ${field}`)] : [];
        }),
    },
  });
}

const readinessProbe = probeRule(
  "k8s-readiness-probe",
  "readinessProbe",
  "Long-running containers declare a readiness probe",
  "Without one, traffic reaches pods before they can serve and rollouts cannot tell a broken release.",
);

const livenessProbe = probeRule(
  "k8s-liveness-probe",
  "livenessProbe",
  "Long-running containers declare a liveness probe",
  "Without one, a hung process keeps its pod Running and Ready-looking forever; nothing restarts it.",
);

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"];

const noHostNamespaces = defineRule({
  id: "k8s-no-host-namespaces",
  severity: "mandatory",
  area: "workload",
  title: "Pods do not share the node's network, PID or IPC namespace",
  rationale: "Host namespaces let a pod sniff node traffic, see every process and bypass NetworkPolicies.",
  fix: "Remove hostNetwork, hostPID and hostIPC from the pod spec.",
  objects: {
    kinds: WORKLOAD_KINDS,
    check: (o) => {
      const podSpec = podSpecOf(o);
      return HOST_NAMESPACES.flatMap((field): Outcome[] => {
        const value = valueAt(podSpec, field);
        if (isOpaque(value)) return [undetermined(describeOpaque(field, value))];
        return value === true ? [violation(`the pod spec sets ${field}: true`)] : [];
      });
    },
  },
});

export const workloadRules: readonly Rule[] = [
  imagePinned,
  resourcesSet,
  runAsNonRoot,
  noPrivilegeEscalation,
  readOnlyRootFs,
  dropAllCapabilities,
  readinessProbe,
  livenessProbe,
  noHostNamespaces,
];
