/**
 * Grafana dashboard: CPU, memory and network of every Deployment/StatefulSet, from the kubelets'
 * cAdvisor metrics. cAdvisor labels series by pod, not workload, so the workload is the pod name
 * without its generated suffix (`-<template hash>-<5 chars>` or `-<ordinal>`): no kube-state-metrics needed.
 */
export const WORKLOAD_FROM_POD = '^(.+?)(?:-[a-z0-9]{6,10})?-(?:[a-z0-9]{5}|[0-9]+)$';

/** A PromQL selector wrapped so that its series carry a `workload` label. */
function byWorkload(expr: string): string {
  return `sum by (workload) (label_replace(${expr}, "workload", "$1", "pod", "${WORKLOAD_FROM_POD}"))`;
}

export function workloadDashboard(datasourceUid: string): object {
  const datasource = { type: 'prometheus', uid: datasourceUid };
  const pods = 'namespace="$namespace", pod=~"(${workload:pipe})-.+"';
  const panel = (id: number, title: string, unit: string, exprs: Record<string, string>) => ({
    id,
    type: 'timeseries',
    title,
    datasource,
    gridPos: { x: 0, y: (id - 1) * 9, w: 24, h: 9 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: Object.entries(exprs).map(([legend, expr], i) => ({
      refId: String.fromCharCode(65 + i),
      expr: byWorkload(expr),
      legendFormat: legend ? `{{workload}} ${legend}` : '{{workload}}',
    })),
  });
  return {
    uid: 'workload-resources',
    title: 'Workloads: CPU, memory, network',
    tags: ['platform', 'kubernetes'],
    schemaVersion: 39,
    time: { from: 'now-3h', to: 'now' },
    refresh: '1m',
    templating: {
      list: [
        { name: 'namespace', type: 'query', datasource, query: 'label_values(container_cpu_usage_seconds_total, namespace)', refresh: 2 },
        {
          name: 'workload',
          type: 'query',
          datasource,
          multi: true,
          includeAll: true,
          refresh: 2,
          query: `query_result(count by (workload) (label_replace(container_memory_working_set_bytes{namespace="$namespace", container!=""}, "workload", "$1", "pod", "${WORKLOAD_FROM_POD}")))`,
          regex: '/workload="([^"]+)"/',
        },
      ],
    },
    panels: [
      panel(1, 'CPU (cores)', 'short', { '': `rate(container_cpu_usage_seconds_total{${pods}, container!="", container!="POD"}[5m])` }),
      panel(2, 'Memory (working set)', 'bytes', { '': `container_memory_working_set_bytes{${pods}, container!="", container!="POD"}` }),
      panel(3, 'Network', 'Bps', {
        received: `rate(container_network_receive_bytes_total{${pods}, interface="eth0"}[5m])`,
        sent: `rate(container_network_transmit_bytes_total{${pods}, interface="eth0"}[5m])`,
      }),
    ],
  };
}
