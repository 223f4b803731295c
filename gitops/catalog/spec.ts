import { z } from "zod";
import { matching, recordOf } from "../schema";
import { isImageDigest } from "./image";

/**
 * The app spec: what one app of the catalog declares, after its environment's overrides are merged
 * over its base (gitops/catalog/merge.ts). It replaces Cloudposse monochart's values with a typed,
 * strict schema, so a misspelled key fails instead of being ignored (docs/catalog.md, "The app spec").
 *
 * Refinements write the expectation as their message: the error formatter prints
 * `received X; expected <message>` (config.ts).
 */

/** RFC 1123 label: what Kubernetes accepts for names of namespaces, services and most objects. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = matching(DNS_LABEL, "a name of lower-case letters, digits and -").max(63);
/** RFC 1123 subdomain: what Kubernetes accepts for names of ConfigMaps, Roles and most other objects. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A registry host (with optional port) and path, without tag or digest. */
const IMAGE_REPOSITORY = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;
/** Docker's tag grammar: https://github.com/distribution/reference/blob/main/reference.go */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_FILE_NAME = /^[-._a-zA-Z0-9]+$/;
const CRON_SCHEDULE = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$/;
/** Prometheus duration, e.g. `30s`, `1m`. */
const PROMETHEUS_DURATION = /^\d+(ms|s|m|h)$/;
const ABSOLUTE_PATH = /^\/[^\0]*$/;
const absolutePath = matching(ABSOLUTE_PATH, "an absolute path such as /healthz");
const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An IAM role of any partition; EKS trusts it through the cluster's OIDC provider (IRSA). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const QUANTITY = /^[+]?(\d+|\d+\.\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/;

/** A CPU or memory amount; YAML reads `cpu: 1` as a number, so numbers are accepted and kept as text. */
const quantity = z
  .custom<string | number>(
    (v) => (typeof v === "number" && v > 0) || (typeof v === "string" && QUANTITY.test(v)),
    "a Kubernetes quantity such as 100m, 0.5 or 256Mi",
  )
  .transform(String);

const port = z.number().int().min(1).max(65535);
/** A port of the app by name (`http`) or number. */
const portRef = z.union([dnsLabel.max(15), port]);
const percentOrCount = z.custom<string | number>(
  (v) => (Number.isInteger(v) && Number(v) >= 0) || (typeof v === "string" && /^\d{1,3}%$/.test(v)),
  "a whole number of pods or a percentage such as 50%",
);

const imageSchema = z.strictObject({
  repository: matching(
    IMAGE_REPOSITORY,
    "an image repository without a tag, such as ghcr.io/org/app (the tag goes in image.tag)",
  ),
  /** A tag or a digest (`sha256:…`); often set per environment: `bump-image` edits `image.tag` in `<env>.yaml`. */
  tag: z
    .custom<string>(
      (v) => typeof v === "string" && (IMAGE_TAG.test(v) || isImageDigest(v)),
      'an image tag such as "1.4.2" (quote numeric tags in YAML) or a digest (sha256: and 64 hex digits)',
    )
    .optional(),
  pullPolicy: z.enum(["IfNotPresent", "Always"]).optional(),
});

const containerPortSchema = z.strictObject({
  /** IANA-style port name; Services, probes, ingress and the ServiceMonitor refer to it. */
  name: dnsLabel.max(15),
  containerPort: port,
  /** Port the Service exposes; defaults to containerPort. */
  servicePort: port.optional(),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
});

const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
});

const probeSchema = z
  .strictObject({
    http: z.strictObject({ path: absolutePath, port: portRef }).optional(),
    tcp: z.strictObject({ port: portRef }).optional(),
    exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
    initialDelaySeconds: z.number().int().min(0).optional(),
    periodSeconds: z.number().int().min(1).optional(),
    timeoutSeconds: z.number().int().min(1).optional(),
    failureThreshold: z.number().int().min(1).optional(),
  })
  .refine((p) => [p.http, p.tcp, p.exec].filter(Boolean).length === 1, "exactly one of http, tcp or exec");

const securityContextSchema = z.strictObject({
  runAsNonRoot: z.boolean().default(true),
  runAsUser: z.number().int().min(0).optional(),
  runAsGroup: z.number().int().min(0).optional(),
  fsGroup: z.number().int().min(0).optional(),
  readOnlyRootFilesystem: z.boolean().default(true),
  allowPrivilegeEscalation: z.boolean().default(false),
});

const cronJobSchema = z.strictObject({
  schedule: matching(CRON_SCHEDULE, 'a cron schedule of five fields such as "0 3 * * *", or @daily'),
  timeZone: z.string().min(1).optional(),
  command: z.array(z.string()).min(1),
  args: z.array(z.string()).optional(),
  /** Another image for this job; by default the app's own. */
  image: imageSchema.optional(),
  /** Defaults to the app's resources. */
  resources: resourcesSchema.optional(),
  concurrencyPolicy: z.enum(["Allow", "Forbid", "Replace"]).default("Forbid"),
  suspend: z.boolean().default(false),
  backoffLimit: z.number().int().min(0).default(2),
  activeDeadlineSeconds: z.number().int().min(1).optional(),
  successfulJobsHistoryLimit: z.number().int().min(0).default(3),
  failedJobsHistoryLimit: z.number().int().min(0).default(3),
});

const ingressSchema = z.strictObject({
  className: dnsLabel,
  host: matching(HOSTNAME, "a DNS name such as demo.example.com"),
  path: absolutePath.default("/"),
  /** The app port the ingress sends traffic to; defaults to the first port. */
  port: portRef.optional(),
  /** TLS for `host`: with a secret (cert-manager, sealed) or, for the AWS ALB, an ACM certificate found by host. */
  tls: z.strictObject({ secretName: dnsLabel.optional() }).optional(),
  annotations: z.record(z.string(), z.string()).default({}),
});

const autoscalingSchema = z
  .strictObject({
    minReplicas: z.number().int().min(1),
    maxReplicas: z.number().int().min(1),
    targetCPUUtilizationPercentage: z.number().int().min(1).max(100).optional(),
    targetMemoryUtilizationPercentage: z.number().int().min(1).max(100).optional(),
  })
  .refine(
    (a) => a.targetCPUUtilizationPercentage !== undefined || a.targetMemoryUtilizationPercentage !== undefined,
    "targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage (or both)",
  );

const pdbSchema = z
  .strictObject({ minAvailable: percentOrCount.optional(), maxUnavailable: percentOrCount.optional() })
  .refine(
    (p) => (p.minAvailable === undefined) !== (p.maxUnavailable === undefined),
    "exactly one of minAvailable or maxUnavailable",
  );

const networkPolicySchema = z.strictObject({
  /** Namespaces whose pods may reach the app's ports, e.g. the ingress controller's and monitoring's. */
  allowFromNamespaces: z.array(dnsLabel).default([]),
  /** Whether pods of the app's own namespace may reach it. */
  allowSameNamespace: z.boolean().default(true),
});

/** The app spec after merging. Every key is documented in docs/catalog.md, "The app spec". */
export const appSpecSchema = z.strictObject({
  /** Whether the app exists in this environment; set `enabled: false` in `<env>.yaml` to leave it out. */
  enabled: z.boolean().default(true),
  image: imageSchema,
  /** Ignored when `autoscaling` is set: the HPA owns the replica count. */
  replicas: z.number().int().min(0).max(1000).default(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z.array(containerPortSchema).default([]),
  resources: resourcesSchema.optional(),
  probes: z.strictObject({ liveness: probeSchema, readiness: probeSchema, startup: probeSchema.optional() }).optional(),
  /** Plain environment variables. */
  env: recordOf(
    ENV_NAME,
    "keys that are variable names: letters, digits and _, not starting with a digit",
    z.string(),
  ).default({}),
  /** Environment variables read from a Secret that one of `sealedSecrets` produces. */
  secretEnv: recordOf(
    ENV_NAME,
    "keys that are variable names: letters, digits and _, not starting with a digit",
    z.strictObject({ sealedSecret: dnsLabel, key: z.string().min(1) }),
  ).default({}),
  /** Files rendered into a ConfigMap and mounted at `mountPath`. */
  config: z
    .strictObject({
      mountPath: absolutePath,
      files: recordOf(CONFIG_FILE_NAME, "keys that are file names: letters, digits, ., _ and -", z.string()),
    })
    .optional(),
  /** Encrypted with `kubeseal` for this app's namespace; the controller turns each into a Secret. */
  sealedSecrets: recordOf(
    DNS_LABEL,
    "keys that are names of lower-case letters, digits and -, at most 63 characters",
    z.strictObject({
      encryptedData: recordOf(
        CONFIG_FILE_NAME,
        "keys that are file names: letters, digits, ., _ and -",
        z.string().min(1),
      ),
      type: z.string().min(1).optional(),
    }),
  ).default({}),
  securityContext: securityContextSchema.default(() => securityContextSchema.parse({})),
  ingress: ingressSchema.optional(),
  autoscaling: autoscalingSchema.optional(),
  podDisruptionBudget: pdbSchema.optional(),
  serviceAccount: z
    .strictObject({
      /** IAM role the app assumes (IRSA): its trust policy must name system:serviceaccount:<app>:<app>. */
      roleArn: matching(ROLE_ARN, "an IAM role ARN such as arn:aws:iam::123456789012:role/demo").optional(),
      automountToken: z.boolean().default(false),
    })
    .default({ automountToken: false }),
  cronJobs: recordOf(
    DNS_LABEL,
    "keys that are names of lower-case letters, digits and -, at most 63 characters",
    cronJobSchema,
  ).default({}),
  serviceMonitor: z
    .strictObject({
      port: dnsLabel.max(15),
      path: absolutePath.default("/metrics"),
      interval: matching(PROMETHEUS_DURATION, "a Prometheus duration such as 30s or 1m").default("30s"),
    })
    .optional(),
  networkPolicy: networkPolicySchema.optional(),
  /**
   * Further manifests of kinds the spec does not cover (a Role, a RoleBinding, a PersistentVolumeClaim).
   * They land in the app's namespace and are validated like every rendered object; `kind: Secret` is refused.
   */
  objects: z
    .array(
      z.looseObject({
        apiVersion: z.string().min(1),
        kind: z.string().min(1),
        metadata: z.looseObject({
          name: matching(DNS_SUBDOMAIN, "a name of lower-case letters, digits, - and .").max(253),
        }),
      }),
    )
    .default([]),
});

export type AppSpec = z.output<typeof appSpecSchema>;
export type ImageSpec = AppSpec["image"];
export type ResourcesSpec = NonNullable<AppSpec["resources"]>;
export type ProbeSpec = NonNullable<AppSpec["probes"]>["liveness"];
export type CronJobSpec = AppSpec["cronJobs"][string];

/** One app of one environment, ready to render. */
export interface CatalogApp {
  /** The app's directory name; also its namespace and the name of its main objects. */
  readonly name: string;
  readonly spec: AppSpec;
  /** The catalog files it was read from, so errors about what it renders can name them. */
  readonly source?: AppSourceFiles;
}

export interface AppSourceFiles {
  /** The app's `app.yaml`, as errors show it. */
  readonly baseFile: string;
  /** The file that holds the value at a key path of the spec: the env file when it sets or replaces it. */
  readonly fileOf: (path: readonly PropertyKey[]) => string;
}

/** RFC 1123 label, the rule for app (directory) names. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}
