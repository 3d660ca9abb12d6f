import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Grafana } from '../grafana/grafana';
import { ALERTING_RULES } from './alerting-rules';
import { Alertmanager, AlertmanagerProps } from './alertmanager';
import { Jaeger } from './jaeger';
import { KubeStateMetrics } from './kube-state-metrics';
import { Kiali } from './kiali';
import { MeshTracing, tracingExtensionProvider } from './mesh-tracing';
import { Prometheus } from './prometheus';
import { workloadDashboard } from './workload-dashboard';

/** Namespace of the telemetry tools. */
export const TELEMETRY_NAMESPACE = 'telemetry';

/** Where Envoy sends spans: the `meshConfig.extensionProviders` entry the cluster stack adds. */
export const TRACING_EXTENSION_PROVIDER = tracingExtensionProvider(`jaeger.${TELEMETRY_NAMESPACE}.svc.cluster.local`, Jaeger.ZIPKIN_PORT);

export interface TelemetryChartProps extends ChartProps {
  /**
   * Istio's root namespace.
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
  /** The operators' SNS topic (and its region), where Alertmanager sends the cluster's alerts. */
  readonly alerts: AlertmanagerProps;
}

const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/**
 * Mesh and cluster telemetry: Prometheus (mesh, cAdvisor, kubelet and kube-state-metrics metrics, with
 * the alerting rules), Alertmanager (to the operators' topic), Jaeger (traces), Kiali (mesh graph), and Grafana with per-workload CPU, memory and network dashboards. The UIs are reached by
 * `kubectl port-forward`, not through the public gateway.
 */
export class TelemetryChart extends Chart {
  public readonly prometheus: Prometheus;
  public readonly jaeger: Jaeger;

  constructor(scope: Construct, id: string, props: TelemetryChartProps) {
    super(scope, id, { ...props, namespace: TELEMETRY_NAMESPACE });
    const meshRootNamespace = props.meshRootNamespace ?? 'istio-system';
    const alertmanager = new Alertmanager(this, 'Alertmanager', props.alerts);
    const kubeState = new KubeStateMetrics(this, 'KubeStateMetrics');
    this.prometheus = new Prometheus(this, 'Prometheus', {
      alerting: {
        alertmanager: `${alertmanager.host}:${Alertmanager.PORT}`,
        kubeStateMetrics: `${kubeState.host}:${KubeStateMetrics.PORT}`,
        rules: ALERTING_RULES,
      },
    });
    this.jaeger = new Jaeger(this, 'Jaeger');
    const grafana = new Grafana(this, 'Grafana', {
      folder: 'Platform',
      // The telemetry UIs all stay out of the mesh, so they reach Prometheus the same way.
      meshSidecar: false,
      datasources: [{ name: 'Prometheus', uid: PROMETHEUS_DATASOURCE_UID, type: 'prometheus', url: this.prometheus.url('http'), isDefault: true }],
      dashboards: { 'workload-resources.json': workloadDashboard(PROMETHEUS_DATASOURCE_UID) },
    });
    new Kiali(this, 'Kiali', {
      prometheusUrl: this.prometheus.url('http'),
      tracingUrl: `http://${this.jaeger.host}:${Jaeger.QUERY_GRPC_PORT}${Jaeger.BASE_PATH}`,
      grafanaUrl: grafana.url('http'),
      meshRootNamespace,
    });
    new MeshTracing(this, 'Tracing', { meshRootNamespace });
  }
}
