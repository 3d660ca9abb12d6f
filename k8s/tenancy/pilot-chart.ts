import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { meshNamespace } from '../mesh/platform-namespaces-chart';
import { ServiceEndpoint } from '../workload/platform-service';
import { PilotNetworkPolicy } from './pilot-network-policy';
import { PilotQuota, PilotQuotaProps } from './pilot-quota';

export interface PilotChartProps extends ChartProps {
  /** The pilot's namespace, created by this chart (in the mesh). */
  readonly namespace: string;
  /** Labels of the namespace besides sidecar injection (its tier and pilot). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Platform services the pilot's workloads may call. */
  readonly platformServices: readonly ServiceEndpoint[];
  /** Prometheus' pods. */
  readonly metricsScraper: ServiceEndpoint;
  /** Where the sidecars send spans. */
  readonly traceCollector: ServiceEndpoint;
  /** @default PilotQuota's defaults */
  readonly quota?: Omit<PilotQuotaProps, 'namespace'>;
}

/** One pilot's namespace with its guard rails: its quota and limits, and its network isolation. */
export class PilotChart extends Chart {
  constructor(scope: Construct, id: string, props: PilotChartProps) {
    // Not the chart's namespace: the Namespace object itself is cluster-scoped; every other object names it.
    super(scope, id, { ...props, namespace: undefined });
    // First: kubectl applies in order, so the namespace exists before what lives in it.
    meshNamespace(this, props.namespace, props.namespaceLabels);
    new PilotQuota(this, 'Quota', { ...props.quota, namespace: props.namespace });
    new PilotNetworkPolicy(this, 'Network', {
      namespace: props.namespace,
      services: props.platformServices,
      metricsScraper: props.metricsScraper,
      traceCollector: props.traceCollector,
    });
  }
}
