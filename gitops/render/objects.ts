import { AppSpec, CatalogApp } from "../catalog/spec";
import { compact, Manifest, metadataOf, selectorLabels } from "./manifest";
import { configMapName } from "./workload";

/** EKS IRSA: the pod identity webhook injects credentials for the role named here. */
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

export function renderServiceAccount({ name, spec }: CatalogApp): Manifest {
  const roleArn = spec.serviceAccount.roleArn;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: metadataOf(name, name, roleArn ? { [ROLE_ARN_ANNOTATION]: roleArn } : undefined),
    automountServiceAccountToken: spec.serviceAccount.automountToken,
  };
}

export function renderService({ name, spec }: CatalogApp): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadataOf(name, name),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(name),
      ports: spec.ports.map((p) => ({
        name: p.name,
        port: p.servicePort ?? p.containerPort,
        protocol: p.protocol,
        targetPort: p.name,
      })),
    },
  };
}

export function renderConfigMap({ name }: CatalogApp, config: NonNullable<AppSpec["config"]>): Manifest {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: metadataOf(name, configMapName(name)), data: config.files };
}

export function renderSealedSecret(
  { name }: Pick<CatalogApp, "name">,
  secret: string,
  sealed: AppSpec["sealedSecrets"][string],
): Manifest {
  const metadata = metadataOf(name, secret);
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata,
    spec: {
      encryptedData: sealed.encryptedData,
      template: {
        metadata: { name: secret, namespace: name, labels: metadata.labels },
        ...compact({ type: sealed.type }),
      },
    },
  };
}

export function renderIngress({ name, spec }: CatalogApp, ingress: NonNullable<AppSpec["ingress"]>): Manifest {
  const port = ingress.port ?? spec.ports[0].name;
  const servicePort = typeof port === "number" ? { number: port } : { name: port };
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadataOf(name, name, ingress.annotations),
    spec: compact({
      ingressClassName: ingress.className,
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [{ path: ingress.path, pathType: "Prefix", backend: { service: { name, port: servicePort } } }],
          },
        },
      ],
      tls: ingress.tls ? [compact({ hosts: [ingress.host], secretName: ingress.tls.secretName })] : undefined,
    }),
  };
}

export function renderHorizontalPodAutoscaler(
  { name }: CatalogApp,
  scaling: NonNullable<AppSpec["autoscaling"]>,
): Manifest {
  const metric = (resource: string, target: number | undefined): object | undefined =>
    target === undefined
      ? undefined
      : { type: "Resource", resource: { name: resource, target: { type: "Utilization", averageUtilization: target } } };
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadataOf(name, name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: [
        metric("cpu", scaling.targetCPUUtilizationPercentage),
        metric("memory", scaling.targetMemoryUtilizationPercentage),
      ].filter(Boolean),
    },
  };
}

export function renderPodDisruptionBudget(
  { name }: CatalogApp,
  pdb: NonNullable<AppSpec["podDisruptionBudget"]>,
): Manifest {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadataOf(name, name),
    spec: compact({
      minAvailable: pdb.minAvailable,
      maxUnavailable: pdb.maxUnavailable,
      selector: { matchLabels: selectorLabels(name) },
    }),
  };
}

export function renderServiceMonitor({ name }: CatalogApp, monitor: NonNullable<AppSpec["serviceMonitor"]>): Manifest {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: metadataOf(name, name),
    spec: {
      selector: { matchLabels: selectorLabels(name) },
      endpoints: [{ port: monitor.port, path: monitor.path, interval: monitor.interval }],
    },
  };
}

/** Ingress to the app's ports only from the namespaces listed (and its own, unless turned off). */
export function renderNetworkPolicy(
  { name, spec }: CatalogApp,
  policy: NonNullable<AppSpec["networkPolicy"]>,
): Manifest {
  const from: object[] = policy.allowFromNamespaces.map((namespace) => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  }));
  if (policy.allowSameNamespace) from.push({ podSelector: {} });
  const ports = spec.ports.map((p) => ({ port: p.containerPort, protocol: p.protocol }));
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadataOf(name, name),
    spec: {
      podSelector: { matchLabels: selectorLabels(name) },
      policyTypes: ["Ingress"],
      ingress: from.length ? [compact({ from, ports: ports.length ? ports : undefined })] : [],
    },
  };
}
