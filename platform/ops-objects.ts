import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { applicationAlerts } from "./alerts";
import { Bootstrap } from "./bootstrap";
import { RELEASE_NAMESPACES } from "./components";
import { PlatformConfig } from "./config";
import { InfraFacts } from "./facts";

export interface OpsObjectsArgs {
  readonly config: PlatformConfig;
  readonly facts: pulumi.Output<InfraFacts>;
  readonly bootstrap: Bootstrap;
  readonly provider: k8s.Provider;
}

/**
 * Fluent Bit output to the CloudWatch log group infra exports. The fluent-operator chart has no
 * CloudWatch output among its values (4.3.0 offers es, kafka, loki, opensearch, opentelemetry,
 * stackdriver, stdout), so this ClusterOutput is Pulumi's; the chart's ClusterFluentBitConfig picks
 * up every output labelled `fluentbit.fluent.io/enabled: "true"`.
 */
export function cloudWatchOutputSpec(facts: InfraFacts): Record<string, unknown> {
  if (!facts.logGroupName) {
    throw new Error(
      "releases.logging.cloudWatch is true, but the infra stack exports no logGroupName: " +
        "enable CloudWatch logs in infra, or set releases.logging.cloudWatch to false",
    );
  }
  return {
    // The chart's tail and systemd inputs tag records kube.* and service.*.
    matchRegex: "(?:kube|service)\\.(.*)",
    cloudWatch: {
      region: facts.region,
      logGroupName: facts.logGroupName,
      logStreamPrefix: "fluent-bit-",
      autoCreateGroup: false,
    },
  };
}

/** Objects Pulumi keeps beside the ops releases: the Application alert rules and the log output. */
export class OpsObjects extends pulumi.ComponentResource {
  constructor(name: string, args: OpsObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:platform:OpsObjects", name, {}, opts);
    const { bootstrap, provider } = args;

    const alerts = applicationAlerts();
    new k8s.apiextensions.CustomResource(
      `${name}-application-alerts`,
      {
        apiVersion: alerts.apiVersion,
        kind: alerts.kind,
        metadata: {
          ...alerts.metadata,
          namespace: bootstrap.namespaces.get(RELEASE_NAMESPACES["kube-prometheus-stack"]),
        },
        spec: alerts.spec,
      },
      { parent: this, provider, dependsOn: bootstrap.crdsFor(alerts.apiVersion) },
    );

    if (args.config.releases.logging.cloudWatch) {
      const apiVersion = "fluentbit.fluent.io/v1alpha2";
      new k8s.apiextensions.CustomResource(
        `${name}-cloudwatch-logs`,
        {
          apiVersion,
          kind: "ClusterOutput",
          metadata: {
            name: "cloudwatch",
            labels: { "fluentbit.fluent.io/enabled": "true", "fluentbit.fluent.io/component": "logging" },
          },
          spec: args.facts.apply(cloudWatchOutputSpec),
        },
        { parent: this, provider, dependsOn: bootstrap.crdsFor(apiVersion) },
      );
    }
    this.registerOutputs({});
  }
}
