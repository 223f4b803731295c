import { z } from "zod";
import { isQualifiedName, QUALIFIED_NAME_EXPECTATION } from "../render/server-rules";
import { AppSpec } from "./spec";

type Issue = z.core.$ZodIssueCustom;

/**
 * Checks that span keys of one app, after the schema accepted each key on its own: names that must
 * refer to something the app declares, and limits that depend on the app's name. Each issue's
 * message is the expectation, like a zod refinement's.
 */
export function checkReferences(app: string, spec: AppSpec): Issue[] {
  const issues: Issue[] = [];
  const add = (path: PropertyKey[], message: string): void => {
    issues.push({ code: "custom", path, message });
  };
  const portNames = spec.ports.map((p) => p.name);
  const portList = portNames.length ? `(${portNames.join(", ")})` : "(the app declares no ports)";

  // The Deployment's container and the Service list the ports; the API server (or server-side
  // apply) refuses two with one name, or one number and protocol (server-rules.ts).
  const containerPorts = spec.ports.map((p) => `${p.containerPort}/${p.protocol}`);
  const servicePorts = spec.ports.map((p) => `${p.servicePort ?? p.containerPort}/${p.protocol}`);
  spec.ports.forEach((p, i) => {
    if (portNames.indexOf(p.name) !== i) add(["ports", i, "name"], "a port name no other port uses");
    const sameContainerPort = containerPorts.indexOf(containerPorts[i]) !== i;
    if (sameContainerPort) {
      add(["ports", i, "containerPort"], `a containerPort no other ${p.protocol} port of the app uses`);
    }
    if (servicePorts.indexOf(servicePorts[i]) !== i && !(sameContainerPort && p.servicePort === undefined)) {
      const field = p.servicePort === undefined ? "containerPort" : "servicePort";
      add(
        ["ports", i, field],
        `a Service port no other ${p.protocol} port of the app uses (servicePort, or containerPort without one)`,
      );
    }
  });
  for (const key of Object.keys(spec.ingress?.annotations ?? {})) {
    if (!isQualifiedName(key)) {
      // `params.key`: what is wrong is the key itself, so the error quotes the key, not its value.
      issues.push({
        code: "custom",
        path: ["ingress", "annotations", key],
        message: `an annotation key: ${QUALIFIED_NAME_EXPECTATION}`,
        params: { key: true },
      });
    }
  }

  const checkPortRef = (ref: string | number | undefined, path: PropertyKey[]): void => {
    if (typeof ref === "string" && !portNames.includes(ref))
      add(path, `the name of one of the app's ports ${portList}`);
  };
  for (const kind of ["liveness", "readiness", "startup"] as const) {
    const probe = spec.probes?.[kind];
    checkPortRef(probe?.http?.port, ["probes", kind, "http", "port"]);
    checkPortRef(probe?.tcp?.port, ["probes", kind, "tcp", "port"]);
  }

  if (spec.ingress) {
    if (portNames.length === 0) add(["ports"], "at least one port for the ingress to send traffic to");
    checkPortRef(spec.ingress.port, ["ingress", "port"]);
  }
  if (spec.serviceMonitor) checkPortRef(spec.serviceMonitor.port, ["serviceMonitor", "port"]);

  for (const [name, ref] of Object.entries(spec.secretEnv)) {
    if (!(ref.sealedSecret in spec.sealedSecrets)) {
      const known = Object.keys(spec.sealedSecrets);
      add(
        ["secretEnv", name, "sealedSecret"],
        `the name of one of the app's sealedSecrets (${known.length ? known.join(", ") : "the app declares none"})`,
      );
    }
    if (name in spec.env) add(["secretEnv", name], `a variable name not also set in env (${name})`);
  }

  const scaling = spec.autoscaling;
  if (scaling) {
    if (scaling.minReplicas > scaling.maxReplicas) {
      add(["autoscaling", "maxReplicas"], `at least minReplicas (${scaling.minReplicas})`);
    }
    // The HPA's utilization targets are percentages of the container's requests.
    if (scaling.targetCPUUtilizationPercentage !== undefined && !spec.resources?.requests?.cpu) {
      add(["resources", "requests", "cpu"], "a CPU request (autoscaling on CPU is a percentage of it)");
    }
    if (scaling.targetMemoryUtilizationPercentage !== undefined && !spec.resources?.requests?.memory) {
      add(["resources", "requests", "memory"], "a memory request (autoscaling on memory is a percentage of it)");
    }
  }

  // A CronJob's name is at most 52 characters: the controller appends 11 to name its Jobs.
  for (const job of Object.keys(spec.cronJobs)) {
    const name = `${app}-${job}`;
    if (name.length > 52) add(["cronJobs", job], `a job name that keeps "${app}-<job>" within 52 characters`);
  }
  return issues;
}
