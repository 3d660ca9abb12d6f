import { parse } from 'yaml';
import { TRACING_EXTENSION_PROVIDER } from '../../k8s/telemetry/telemetry-chart';
import { WORKLOAD_FROM_POD } from '../../k8s/telemetry/workload-dashboard';
import { synthDemoCharts } from '../fixtures/demo-charts';
import { scrapesOf } from './semantics/prometheus-targets';

const demo = synthDemoCharts();
const telemetry = demo.objects('telemetry');
const find = (kind: string, name: string) => telemetry.find((o) => o.kind === kind && o.metadata.name === name)!;

test('Prometheus scrapes the sidecars (Envoy merged in), istiod, cAdvisor, the kubelets, kube-state-metrics and Alertmanager, with read-only cluster access', () => {
  const config = parse(find('ConfigMap', 'prometheus-config').data['prometheus.yml']);
  expect(config.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(['kube-state-metrics', 'alertmanager', 'kubelet', 'kubernetes-pods', 'istiod', 'kubernetes-cadvisor']);
  const role = find('ClusterRole', 'iiot-prometheus-reader');
  for (const rule of role.rules) expect(rule.verbs.every((v: string) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  expect(find('StatefulSet', 'prometheus').spec.template.spec.serviceAccountName).toBe('prometheus');
});

test('Kiali reads Prometheus, Jaeger and Grafana, view-only with token login', () => {
  const config = parse(find('ConfigMap', 'kiali').data['config.yaml']);
  expect(config.auth.strategy).toBe('token');
  expect(config.deployment.view_only_mode).toBe(true);
  expect(config.external_services).toMatchObject({
    prometheus: { url: 'http://prometheus.telemetry.svc.cluster.local:9090' },
    tracing: { enabled: true, in_cluster_url: 'http://jaeger.telemetry.svc.cluster.local:16685/jaeger', use_grpc: true },
    grafana: { in_cluster_url: 'http://grafana.telemetry.svc.cluster.local:3000' },
  });
});

test('tracing is on mesh-wide with the Jaeger provider the cluster stack registers', () => {
  const tracing = find('Telemetry', 'mesh-default');
  expect(tracing.metadata.namespace).toBe('istio-system');
  expect(tracing.spec.tracing[0].providers).toEqual([{ name: 'jaeger' }]);
  expect(TRACING_EXTENSION_PROVIDER).toEqual({ name: 'jaeger', zipkin: { service: 'jaeger.telemetry.svc.cluster.local', port: 9411 } });
  const jaeger = find('Service', 'jaeger');
  expect(`${jaeger.metadata.name}.${jaeger.metadata.namespace}.svc.cluster.local`).toBe(TRACING_EXTENSION_PROVIDER.zipkin.service);
  expect(jaeger.spec.ports).toContainEqual({ name: 'http-zipkin', port: 9411, targetPort: 9411 });
});

test('the telemetry tools stay out of the mesh (they read plaintext metric and span ports)', () => {
  const workloads = telemetry.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
  expect(workloads.map((w) => [w.metadata.name, w.spec.template.metadata.labels['sidecar.istio.io/inject']]).sort()).toEqual([
    ['alertmanager', 'false'],
    ['grafana', 'false'],
    ['jaeger', 'false'],
    ['kiali', 'false'],
    ['kube-state-metrics', 'false'],
    ['prometheus', 'false'],
  ]);
});

describe('the workload dashboard', () => {
  const dashboard = JSON.parse(find('ConfigMap', 'grafana-dashboards').data['workload-resources.json']);

  test('has CPU, memory and network per workload from cAdvisor', () => {
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toEqual(['CPU (cores)', 'Memory (working set)', 'Network']);
    const exprs = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total']) {
      expect(exprs).toContain(metric);
    }
    expect(exprs).toMatch(/sum by \(workload\)/);
  });

  test.each([
    ['orion-7d9f8b6c5d-x2k4j', 'orion'],
    ['iotagent-ul-6b7c9d8f4-abcde', 'iotagent-ul'],
    ['mongo-0', 'mongo'],
    ['keycloak-db-0', 'keycloak-db'],
  ])('names the workload of pod %s as %s', (pod, workload) => {
    // RE2 and JavaScript agree on this pattern: lazy group, optional hash, suffix.
    expect(pod.replace(new RegExp(WORKLOAD_FROM_POD), '$1')).toBe(workload);
  });
});

test('a sidecar-injected pod is scraped once, on the merged metrics port (Envoy stats not counted twice)', () => {
  const jobs = parse(demo.objects('telemetry').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')!.data['prometheus.yml']).scrape_configs;
  // What Istio's injector puts on a pod (its sidecar template): the prometheus.io annotations pointing
  // at the agent's merged endpoint, and the proxy's `http-envoy-prom` container port.
  const orion = {
    ip: '10.0.0.7',
    annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus' },
    ports: [
      { name: 'http', containerPort: 1026 },
      { name: 'http-envoy-prom', containerPort: 15090 },
    ],
  };
  expect(scrapesOf(jobs, orion)).toEqual(['kubernetes-pods 10.0.0.7:15020 /stats/prometheus']);
  expect(scrapesOf([...jobs, { job_name: 'envoy-stats', metrics_path: '/stats/prometheus', kubernetes_sd_configs: [{ role: 'pod' }], relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_container_port_name'], action: 'keep', regex: '.*-envoy-prom' }] }], orion)).toHaveLength(2);
});
