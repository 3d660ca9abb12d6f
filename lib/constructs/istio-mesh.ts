import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IDependable } from 'constructs';

/** Istio's chart repository. */
const ISTIO_CHARTS = 'https://istio-release.storage.googleapis.com/charts';

/** An external authorizer istiod should know (meshConfig.extensionProviders, envoyExtAuthzGrpc). */
export interface ExtAuthzProvider {
  readonly name: string;
  /** In-cluster host of the authorizer's gRPC service. */
  readonly service: string;
  readonly port: number;
}

export interface IstioMeshProps {
  readonly cluster: eks.ICluster;
  /** Istio release for all three charts, e.g. 1.29.0. */
  readonly version: string;
  /** Authorizers AuthorizationPolicies with action CUSTOM may name. */
  readonly extAuthzProviders: readonly ExtAuthzProvider[];
  /** Things that must exist before the mesh (node groups, so the charts have somewhere to run). */
  readonly after?: readonly IDependable[];
}

/**
 * Istio from its Helm charts, in order: base (CRDs), istiod (with the ext_authz providers and
 * mutual-TLS defaults), then the ingress gateway behind an internet-facing Network Load Balancer.
 */
export class IstioMesh extends Construct {
  /** Depend on this to apply Istio resources (VirtualService, PeerAuthentication, ...). */
  public readonly ready: IDependable;

  constructor(scope: Construct, id: string, props: IstioMeshProps) {
    super(scope, id);
    const chart = (chartId: string, options: Omit<eks.HelmChartOptions, 'repository' | 'version'>) =>
      new eks.HelmChart(this, chartId, { cluster: props.cluster, repository: ISTIO_CHARTS, version: props.version, wait: true, ...options });

    const base = chart('Base', { chart: 'base', release: 'istio-base', namespace: 'istio-system', createNamespace: true });
    for (const dependency of props.after ?? []) base.node.addDependency(dependency);
    const istiod = chart('Istiod', {
      chart: 'istiod',
      release: 'istiod',
      namespace: 'istio-system',
      values: {
        meshConfig: {
          accessLogFile: '/dev/stdout',
          extensionProviders: props.extAuthzProviders.map((p) => ({
            name: p.name,
            envoyExtAuthzGrpc: { service: p.service, port: p.port },
          })),
        },
      },
    });
    istiod.node.addDependency(base);
    const gateway = chart('IngressGateway', {
      chart: 'gateway',
      release: 'istio-ingressgateway',
      namespace: 'istio-ingress',
      createNamespace: true,
      values: {
        service: {
          type: 'LoadBalancer',
          annotations: {
            'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
            'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
          },
        },
      },
    });
    gateway.node.addDependency(istiod);
    this.ready = gateway;
  }
}
