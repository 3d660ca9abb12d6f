import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGES } from '../images';
import { httpProbe, resources } from '../workload/hardened-container';
import { PlatformService } from '../workload/platform-service';
import { ClusterReader } from './cluster-reader';

export interface KialiProps {
  /** Prometheus' URL. */
  readonly prometheusUrl: string;
  /** Jaeger's gRPC query URL, with its base path. */
  readonly tracingUrl: string;
  /** Grafana's URL. */
  readonly grafanaUrl: string;
  /** Istio's root namespace. */
  readonly meshRootNamespace: string;
}

const READ = ['get', 'list', 'watch'];

/** Kiali, read-only: the mesh graph, health and Istio config validation; users log in with their own Kubernetes token. */
export class Kiali extends PlatformService {
  public static readonly PORT = 20001;

  constructor(scope: Construct, id: string, props: KialiProps) {
    const reader = new ClusterReader(scope, `${id}Reader`, {
      name: 'kiali',
      rules: [
        { apiGroups: [''], resources: ['configmaps', 'endpoints', 'namespaces', 'nodes', 'pods', 'pods/log', 'replicationcontrollers', 'services'], verbs: READ },
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: READ },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
        { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
        { apiGroups: ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io'], resources: ['*'], verbs: READ },
        { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: READ },
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['get'] },
      ],
    });
    const config = new kplus.ConfigMap(scope, `${id}Config`, {
      metadata: { name: 'kiali' },
      data: {
        'config.yaml': stringify({
          auth: { strategy: 'token' },
          deployment: { accessible_namespaces: ['**'], view_only_mode: true },
          istio_namespace: props.meshRootNamespace,
          server: { port: Kiali.PORT, web_root: '/kiali' },
          external_services: {
            prometheus: { url: props.prometheusUrl },
            tracing: { enabled: true, in_cluster_url: props.tracingUrl, use_grpc: true },
            grafana: { enabled: true, in_cluster_url: props.grafanaUrl },
            istio: { root_namespace: props.meshRootNamespace },
          },
        }),
      },
    });
    super(scope, id, {
      name: 'kiali',
      serviceAccount: reader.serviceAccount,
      // Reads the API server and Prometheus only; like Istio's add-on, it stays out of the mesh.
      meshSidecar: false,
      container: {
        image: IMAGES.kiali,
        user: 1000,
        ports: [{ number: Kiali.PORT, name: 'http' }],
        resources: resources({ request: 100, limit: 500 }, { request: 128, limit: 1024 }),
        command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
        readiness: httpProbe('/kiali/healthz', Kiali.PORT),
        liveness: httpProbe('/kiali/healthz', Kiali.PORT),
      },
      configMounts: [{ path: '/kiali-configuration', configMap: config }],
    });
  }
}
