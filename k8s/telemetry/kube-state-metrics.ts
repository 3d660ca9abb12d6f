import { Construct } from 'constructs';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { ClusterReader } from './cluster-reader';

/** The objects whose state the alerting rules read; kube-state-metrics watches only these. */
const RESOURCES = [
  { apiGroup: '', resource: 'pods', collector: 'pods' },
  { apiGroup: '', resource: 'nodes', collector: 'nodes' },
  { apiGroup: '', resource: 'persistentvolumeclaims', collector: 'persistentvolumeclaims' },
  { apiGroup: 'apps', resource: 'deployments', collector: 'deployments' },
  { apiGroup: 'apps', resource: 'statefulsets', collector: 'statefulsets' },
  { apiGroup: 'apps', resource: 'daemonsets', collector: 'daemonsets' },
  { apiGroup: 'batch', resource: 'jobs', collector: 'jobs' },
  { apiGroup: 'batch', resource: 'cronjobs', collector: 'cronjobs' },
];

/** kube-state-metrics: the state of pods, workloads and nodes as metrics, for the alerting rules. */
export class KubeStateMetrics extends PlatformService {
  public static readonly PORT = 8080;
  public static readonly TELEMETRY_PORT = 8081;

  constructor(scope: Construct, id: string) {
    const groups = [...new Set(RESOURCES.map((r) => r.apiGroup))];
    const reader = new ClusterReader(scope, `${id}Reader`, {
      name: 'kube-state-metrics',
      rules: groups.map((apiGroup) => ({
        apiGroups: [apiGroup],
        resources: RESOURCES.filter((r) => r.apiGroup === apiGroup).map((r) => r.resource),
        verbs: ['list', 'watch'],
      })),
    });
    super(scope, id, {
      name: 'kube-state-metrics',
      serviceAccount: reader.serviceAccount,
      meshSidecar: false,
      container: {
        image: IMAGES.kubeStateMetrics,
        user: 65534,
        ports: [
          { number: KubeStateMetrics.PORT, name: 'http-metrics' },
          { number: KubeStateMetrics.TELEMETRY_PORT, name: 'telemetry' },
        ],
        resources: resources({ request: 50, limit: 250 }, { request: 128, limit: 256 }),
        args: [`--port=${KubeStateMetrics.PORT}`, `--telemetry-port=${KubeStateMetrics.TELEMETRY_PORT}`, `--resources=${RESOURCES.map((r) => r.collector).join(',')}`],
        // The upstream chart's probes: liveness on the metrics port, readiness on the telemetry port.
        liveness: httpProbe('/livez', KubeStateMetrics.PORT),
        readiness: httpProbe('/readyz', KubeStateMetrics.TELEMETRY_PORT),
      },
    });
  }
}

