import {
  IPrometheusRule,
  PrometheusRule,
} from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { RELEASE_NAMESPACES } from "./components";

/**
 * Alerts on divergence from Prometheus, beside Argo CD's own notifications: they fire even when
 * the notifications controller is down. `argocd_app_info` is exported by the application
 * controller (argo-cd chart `controller.metrics`), one series per Application with its sync and
 * health status as labels.
 */
export function applicationAlerts(): IPrometheusRule {
  const rule: IPrometheusRule = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "argocd-applications",
      namespace: RELEASE_NAMESPACES["kube-prometheus-stack"],
      labels: { "app.kubernetes.io/part-of": "gitops-platform" },
    },
    spec: {
      groups: [
        {
          name: "argocd-applications",
          rules: [
            {
              alert: "ArgoCdApplicationOutOfSync",
              expr: 'max by (name, project) (argocd_app_info{sync_status="OutOfSync"}) == 1',
              for: "15m",
              labels: { severity: "warning" },
              annotations: {
                summary: "Argo CD Application {{ $labels.name }} is out of sync",
                description:
                  "The live state of {{ $labels.name }} (project {{ $labels.project }}) has differed from git for 15 minutes.",
              },
            },
            {
              alert: "ArgoCdApplicationDegraded",
              expr: 'max by (name, project) (argocd_app_info{health_status="Degraded"}) == 1',
              for: "5m",
              labels: { severity: "critical" },
              annotations: {
                summary: "Argo CD Application {{ $labels.name }} is degraded",
                description: "{{ $labels.name }} (project {{ $labels.project }}) has been Degraded for 5 minutes.",
              },
            },
          ],
        },
      ],
    },
  };
  new PrometheusRule(rule).validate();
  return rule;
}
