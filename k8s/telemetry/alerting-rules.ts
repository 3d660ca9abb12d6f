/**
 * Prometheus alerting rules for the cluster: workloads crash-looping, not ready or unavailable
 * (every Deployment and StatefulSet, so Orion, the IoT Agent, QuantumLeap, CrateDB, MongoDB,
 * Keycloak and OPA included, and whatever a pilot adds), Jobs failing and CronJobs (the store
 * copies among them) without a recent success, volumes filling, nodes not Ready, the
 * gateway's tenant decision failing, scrape targets down, the mesh's root certificate expiring.
 * Sources of the metrics: kube-state-metrics (workloads, pods, nodes), the kubelet (volume stats),
 * Istio's standard metrics (gateway requests) and istiod (root certificate).
 */

/** One Prometheus alerting rule (rule file format). */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. `10m`. */
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string };
}

const rule = (alert: string, expr: string, duration: string, severity: 'critical' | 'warning', summary: string): AlertingRule => ({
  alert,
  expr,
  for: duration,
  labels: { severity },
  annotations: { summary },
});

export const ALERTING_RULES: readonly AlertingRule[] = [
  rule('PodCrashLooping', 'increase(kube_pod_container_status_restarts_total[15m]) > 3', '5m', 'warning', 'Container {{ $labels.namespace }}/{{ $labels.pod }}/{{ $labels.container }} restarted more than 3 times in 15 minutes'),
  rule(
    'PodNotReady',
    'sum by (namespace, pod) (kube_pod_status_ready{condition="false"}) > 0 unless on (namespace, pod) (kube_pod_status_phase{phase="Succeeded"} == 1)',
    '15m',
    'warning',
    'Pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 15 minutes',
  ),
  rule(
    'DeploymentUnavailable',
    'kube_deployment_status_replicas_available == 0 and on (namespace, deployment) kube_deployment_spec_replicas > 0',
    '5m',
    'critical',
    'Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has no available replica',
  ),
  rule(
    'StatefulSetUnavailable',
    'kube_statefulset_status_replicas_ready == 0 and on (namespace, statefulset) kube_statefulset_replicas > 0',
    '5m',
    'critical',
    'StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has no ready replica',
  ),
  rule(
    'PersistentVolumeFilling',
    'kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes > 0.8',
    '10m',
    'warning',
    'Volume claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is more than 80% full',
  ),
  // A failed Job alerts at once; Jobs finish with a TTL, so the alert resolves once the failed Job is gone.
  rule('JobFailed', 'kube_job_failed{condition="true"} == 1', '1m', 'warning', 'Job {{ $labels.namespace }}/{{ $labels.job_name }} failed'),
  // Daily CronJobs (the MongoDB and CrateDB copies): no success for 26 hours means a copy is missing,
  // whether its runs fail, are never scheduled, or the CronJob was suspended.
  rule(
    'CronJobNoRecentSuccess',
    'time() - kube_cronjob_status_last_successful_time > 26 * 3600',
    '10m',
    'critical',
    'CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded for 26 hours',
  ),
  rule('NodeNotReady', 'kube_node_status_condition{condition="Ready", status="true"} == 0', '5m', 'critical', 'Node {{ $labels.node }} is not Ready'),
  rule(
    'GatewayTenantDecisionFailing',
    // UAEX: Envoy's response flag for a request the external authorizer refused or could not answer;
    // a majority of the gateway's traffic refused means OPA (or its keys) is failing, not tenants.
    'sum(rate(istio_requests_total{reporter="source", source_workload="istio-ingressgateway", response_flags="UAEX"}[5m])) / sum(rate(istio_requests_total{reporter="source", source_workload="istio-ingressgateway"}[5m])) > 0.5',
    '10m',
    'critical',
    'More than half of the ingress gateway requests are refused by the tenant policy (ext_authz)',
  ),
  rule('ScrapeTargetDown', 'up == 0', '10m', 'warning', 'Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }}'),
  rule(
    'MeshRootCertificateExpiring',
    'min(citadel_server_root_cert_expiry_timestamp) - time() < 30 * 86400',
    '1h',
    'critical',
    "The mesh's root certificate expires in less than 30 days",
  ),
];
