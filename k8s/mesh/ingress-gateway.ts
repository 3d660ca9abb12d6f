import { Gateway } from '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { MeshPeer, meshPrincipal } from '../workload/platform-service';

/**
 * The ingress gateway the cluster stack installs (Istio's gateway chart): its namespace and pod labels.
 * Routes, token checks and the ext_authz policy all attach to these pods.
 */
export const INGRESS_GATEWAY = {
  namespace: 'istio-system',
  selector: { istio: 'ingressgateway' },
  /**
   * The gateway pods' listening port: Istio's gateway chart lets the pods bind the Gateway's own
   * port (80) through the unprivileged-port sysctl; TLS ends at the load balancer.
   */
  containerPorts: [80],
  /** The gateway chart's ServiceAccount: its release name (lib/constructs/istio-mesh.ts). */
  serviceAccount: 'istio-ingressgateway',
} as const;

/** The ingress gateway as its callees' AuthorizationPolicies name it. */
export const GATEWAY_PEER: MeshPeer = {
  namespace: INGRESS_GATEWAY.namespace,
  podLabels: INGRESS_GATEWAY.selector,
  principal: meshPrincipal(INGRESS_GATEWAY.namespace, INGRESS_GATEWAY.serviceAccount),
};

export interface IngressGatewayProps {
  /**
   * Hosts the gateway accepts.
   * @default ['*']
   */
  readonly hosts?: readonly string[];
}

/**
 * The platform's one entry point: plain HTTP on port 80 behind the AWS load balancer, which terminates
 * TLS (the cluster stack configures its certificate).
 */
export class IngressGateway extends Construct {
  /** `namespace/name`, as VirtualServices reference it. */
  public readonly ref: string;

  constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    super(scope, id);
    const name = 'platform-gateway';
    this.ref = `${INGRESS_GATEWAY.namespace}/${name}`;
    addKubeObject(
      this,
      'Gateway',
      new Gateway({
        metadata: { name, namespace: INGRESS_GATEWAY.namespace },
        spec: {
          selector: { ...INGRESS_GATEWAY.selector },
          servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...(props.hosts ?? ['*'])] }],
        },
      }),
    );
  }
}
