import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IDependable } from 'constructs';

/** Istio's chart repository. */
const ISTIO_CHARTS = 'https://istio-release.storage.googleapis.com/charts';

export interface IstioMeshProps {
  readonly cluster: eks.ICluster;
  /** Istio release for all three charts, e.g. 1.29.0. */
  readonly version: string;
  /** Entries of istiod's `meshConfig.extensionProviders` (ext_authz for CUSTOM policies, tracing). */
  readonly extensionProviders: readonly object[];
  /**
   * istiod's environment.
   * @default - none
   */
  readonly istiodEnv?: Readonly<Record<string, string>>;
  /** Namespace and pod labels of the ingress gateway (what Gateways and policies select). */
  readonly gateway: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  /**
   * ACM certificate the gateway's load balancer terminates TLS with (443 -> the gateway's port 80).
   * @default - plain TCP on port 80 only
   */
  readonly certificateArn?: string;
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
        meshConfig: { accessLogFile: '/dev/stdout', extensionProviders: props.extensionProviders },
        pilot: { env: props.istiodEnv ?? {} },
      },
    });
    istiod.node.addDependency(base);
    const gateway = chart('IngressGateway', {
      chart: 'gateway',
      release: 'istio-ingressgateway',
      namespace: props.gateway.namespace,
      createNamespace: true,
      values: {
        labels: props.gateway.labels,
        service: {
          type: 'LoadBalancer',
          annotations: {
            'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
            'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
            ...(props.certificateArn
              ? {
                  'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': props.certificateArn,
                  'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': '443',
                  'service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
                }
              : {}),
          },
          // TLS ends at the load balancer, whose one listener (443) reaches the gateway's plain HTTP port,
          // which the chart's pods bind directly (port 80). With a certificate there is no plaintext
          // listener: tokens never cross the internet unencrypted (an NLB cannot redirect). Without one
          // (no TLS configured) port 80 is the only listener. The status port serves health checks.
          ports: [
            { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
            props.certificateArn ? { name: 'https', port: 443, targetPort: 80, protocol: 'TCP' } : { name: 'http2', port: 80, targetPort: 80, protocol: 'TCP' },
          ],
        },
      },
    });
    gateway.node.addDependency(istiod);
    this.ready = gateway;
  }
}
