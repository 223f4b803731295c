import { isImageDigest } from "../catalog/image";
import { AppSpec, CatalogApp, CronJobSpec, ImageSpec, ProbeSpec, ResourcesSpec } from "../catalog/spec";
import { checksumOf, compact, Manifest, metadataOf, selectorLabels } from "./manifest";
import { compareCodeUnits } from "../../order";

/** The ConfigMap that holds `config.files`, mounted into the app's containers. */
export function configMapName(app: string): string {
  return `${app}-config`;
}

export function cronJobName(app: string, job: string): string {
  return `${app}-${job}`;
}

/** `repository:tag`, or `repository@sha256:…` for a digest, which the container runtime resolves to exactly that image. */
export function imageOf(image: ImageSpec): string {
  if (image.tag === undefined) return image.repository;
  return `${image.repository}${isImageDigest(image.tag) ? "@" : ":"}${image.tag}`;
}

export function renderDeployment({ name, spec }: CatalogApp): Manifest {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadataOf(name, name),
    spec: compact({
      // With an HPA the replica count is the HPA's: a fixed one here would fight it on every sync.
      replicas: spec.autoscaling ? undefined : spec.replicas,
      selector: { matchLabels: selectorLabels(name) },
      template: {
        metadata: compact({ labels: selectorLabels(name), annotations: podAnnotations(spec) }),
        spec: podSpec(name, spec, {
          name,
          image: spec.image,
          command: spec.command,
          args: spec.args,
          resources: spec.resources,
          probes: spec.probes,
          ports: spec.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })),
        }),
      },
    }),
  };
}

export function renderCronJob({ name, spec }: CatalogApp, job: string, cron: CronJobSpec): Manifest {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: metadataOf(name, cronJobName(name, job)),
    spec: compact({
      schedule: cron.schedule,
      timeZone: cron.timeZone,
      concurrencyPolicy: cron.concurrencyPolicy,
      suspend: cron.suspend,
      successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
      jobTemplate: {
        spec: compact({
          backoffLimit: cron.backoffLimit,
          activeDeadlineSeconds: cron.activeDeadlineSeconds,
          template: {
            metadata: compact({ labels: selectorLabels(name), annotations: podAnnotations(spec) }),
            spec: {
              ...podSpec(name, spec, {
                name: job,
                image: cron.image ?? spec.image,
                command: cron.command,
                args: cron.args,
                resources: cron.resources ?? spec.resources,
              }),
              restartPolicy: "Never",
            },
          },
        }),
      },
    }),
  };
}

interface ContainerArgs {
  readonly name: string;
  readonly image: ImageSpec;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly resources?: ResourcesSpec;
  readonly probes?: AppSpec["probes"];
  readonly ports?: readonly object[];
}

function podSpec(app: string, spec: AppSpec, container: ContainerArgs): Record<string, unknown> {
  const security = spec.securityContext;
  const volumes: object[] = [];
  const mounts: object[] = [];
  if (spec.config) {
    volumes.push({ name: "config", configMap: { name: configMapName(app) } });
    mounts.push({ name: "config", mountPath: spec.config.mountPath, readOnly: true });
  }
  if (security.readOnlyRootFilesystem) {
    // Most runtimes need a writable /tmp; with a read-only root it has to be a volume.
    volumes.push({ name: "tmp", emptyDir: {} });
    mounts.push({ name: "tmp", mountPath: "/tmp" });
  }
  return compact({
    serviceAccountName: app,
    automountServiceAccountToken: spec.serviceAccount.automountToken,
    securityContext: compact({
      runAsNonRoot: security.runAsNonRoot,
      runAsUser: security.runAsUser,
      runAsGroup: security.runAsGroup,
      fsGroup: security.fsGroup,
      seccompProfile: { type: "RuntimeDefault" },
    }),
    containers: [
      compact({
        name: container.name,
        image: imageOf(container.image),
        imagePullPolicy: container.image.pullPolicy,
        command: container.command,
        args: container.args,
        ports: container.ports?.length ? container.ports : undefined,
        env: envOf(spec),
        resources: container.resources ? resourcesOf(container.resources) : undefined,
        livenessProbe: container.probes ? probeOf(container.probes.liveness) : undefined,
        readinessProbe: container.probes ? probeOf(container.probes.readiness) : undefined,
        startupProbe: container.probes?.startup ? probeOf(container.probes.startup) : undefined,
        securityContext: {
          allowPrivilegeEscalation: security.allowPrivilegeEscalation,
          capabilities: { drop: ["ALL"] },
          readOnlyRootFilesystem: security.readOnlyRootFilesystem,
          runAsNonRoot: security.runAsNonRoot,
        },
        volumeMounts: mounts.length ? mounts : undefined,
      }),
    ],
    volumes: volumes.length ? volumes : undefined,
  });
}

/** Plain and secret variables, sorted by name so that reordering the YAML changes nothing. */
function envOf(spec: AppSpec): object[] | undefined {
  const plain = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  const secret = Object.entries(spec.secretEnv).map(([name, ref]) => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.sealedSecret, key: ref.key } },
  }));
  const all = [...plain, ...secret].sort((a, b) => compareCodeUnits(a.name, b.name));
  return all.length ? all : undefined;
}

function resourcesOf(resources: ResourcesSpec): object {
  return compact({
    requests: resources.requests ? compact({ ...resources.requests }) : undefined,
    limits: resources.limits ? compact({ ...resources.limits }) : undefined,
  });
}

function probeOf(probe: ProbeSpec): object {
  return compact({
    httpGet: probe.http ? { path: probe.http.path, port: probe.http.port } : undefined,
    tcpSocket: probe.tcp ? { port: probe.tcp.port } : undefined,
    exec: probe.exec ? { command: probe.exec.command } : undefined,
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
  });
}

/**
 * Checksums of what pods read but Kubernetes does not roll them for: a changed ConfigMap or sealed
 * secret restarts the pods through a changed template.
 */
function podAnnotations(spec: AppSpec): Record<string, string> | undefined {
  const annotations: Record<string, string> = {};
  if (spec.config) annotations["checksum/config"] = checksumOf(spec.config.files);
  if (Object.keys(spec.sealedSecrets).length) annotations["checksum/sealed-secrets"] = checksumOf(spec.sealedSecrets);
  return Object.keys(annotations).length ? annotations : undefined;
}
