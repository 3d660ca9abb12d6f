import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { AlertingRule } from './alerting-rules';
import { ClusterReader } from './cluster-reader';

export interface PrometheusProps {
  /** @default 15 days */
  readonly retention?: Duration;
  /** @default 20 GiB */
  readonly storageSize?: Size;
  /** Where alerts go (host:port of Alertmanager) and kube-state-metrics' host:port, both scraped and evaluated. */
  readonly alerting: { readonly alertmanager: string; readonly kubeStateMetrics: string; readonly rules: readonly AlertingRule[] };
}

const RULES_DIR = '/etc/prometheus/rules';

const POD_ANNOTATION = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;

/**
 * The scrape jobs: the sidecars' merged metrics (Istio sets the prometheus.io annotations to port 15020,
 * which serves Envoy's stats and the app's metrics together, so Envoy's own port 15090 is not scraped
 * as well: that would count mesh traffic twice), istiod, and the kubelets' cAdvisor (CPU, memory,
 * network per container) via the API server.
 */
function scrapeConfig(alerting: PrometheusProps['alerting']) {
  const inCluster = {
    scheme: 'https',
    tls_config: { ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' },
    bearer_token_file: '/var/run/secrets/kubernetes.io/serviceaccount/token',
  };
  const podLabels = [
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'app' },
  ];
  return {
    global: { scrape_interval: '30s', evaluation_interval: '30s' },
    rule_files: [`${RULES_DIR}/*.yml`],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alerting.alertmanager] }] }] },
    scrape_configs: [
      { job_name: 'kube-state-metrics', static_configs: [{ targets: [alerting.kubeStateMetrics] }] },
      { job_name: 'alertmanager', static_configs: [{ targets: [alerting.alertmanager] }] },
      {
        // The kubelets' own metrics (volume usage per claim), through the API server like cAdvisor's.
        job_name: 'kubelet',
        ...inCluster,
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
          { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics' },
        ],
      },
      {
        job_name: 'kubernetes-pods',
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          { source_labels: [POD_ANNOTATION('scrape')], action: 'keep', regex: 'true' },
          { source_labels: [POD_ANNOTATION('path')], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
          {
            source_labels: ['__address__', POD_ANNOTATION('port')],
            action: 'replace',
            regex: '([^:]+)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
          },
          ...podLabels,
        ],
      },
      {
        job_name: 'istiod',
        kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: ['istio-system'] } }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'], action: 'keep', regex: 'istiod;http-monitoring' },
        ],
      },
      {
        job_name: 'kubernetes-cadvisor',
        ...inCluster,
        kubernetes_sd_configs: [{ role: 'node' }],
        relabel_configs: [
          { target_label: '__address__', replacement: 'kubernetes.default.svc:443' },
          { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' },
        ],
      },
    ],
  };
}

/** Prometheus scraping the mesh and the kubelets, for Kiali and the Grafana dashboards. */
export class Prometheus extends PlatformService {
  public static readonly PORT = 9090;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    const reader = new ClusterReader(scope, `${id}Reader`, {
      name: 'prometheus',
      rules: [
        { apiGroups: [''], resources: ['nodes', 'nodes/proxy', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    });
    const config = new kplus.ConfigMap(scope, `${id}Config`, { metadata: { name: 'prometheus-config' }, data: { 'prometheus.yml': stringify(scrapeConfig(props.alerting)) } });
    const rules = new kplus.ConfigMap(scope, `${id}Rules`, {
      metadata: { name: 'prometheus-rules' },
      data: { 'platform.yml': stringify({ groups: [{ name: 'platform', rules: props.alerting.rules }] }) },
    });
    const retentionDays = (props.retention ?? Duration.days(15)).toDays();
    super(scope, id, {
      name: 'prometheus',
      serviceAccount: reader.serviceAccount,
      // Scrapes the sidecars' plaintext metrics ports from outside the mesh, as Istio's own add-on does.
      meshSidecar: false,
      container: {
        image: IMAGES.prometheus,
        user: 65534, // nobody, as in the image
        ports: [{ number: Prometheus.PORT, name: 'http' }],
        resources: resources({ request: 250, limit: 1000 }, { request: 1024, limit: 2048 }),
        args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', `--storage.tsdb.retention.time=${retentionDays}d`],
        readiness: httpProbe('/-/ready', Prometheus.PORT),
        liveness: httpProbe('/-/healthy', Prometheus.PORT),
      },
      configMounts: [
        { path: '/etc/prometheus', configMap: config },
        { path: RULES_DIR, configMap: rules },
      ],
      storage: { mountPath: '/prometheus', size: props.storageSize ?? Size.gibibytes(20) },
    });
  }
}
