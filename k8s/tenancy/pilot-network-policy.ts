import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { INGRESS_GATEWAY } from '../mesh/ingress-gateway';
import { MeshNetworkBaseline, podsIn, tcp } from '../workload/mesh-network-baseline';
import { ServiceEndpoint } from '../workload/platform-service';

export interface PilotNetworkPolicyProps {
  /** The pilot's namespace. */
  readonly namespace: string;
  /** Platform services the pilot's workloads may call (the ingress gateway in front of FIWARE and Keycloak). */
  readonly services: readonly ServiceEndpoint[];
  /** Prometheus' pods, allowed to scrape the sidecars. */
  readonly metricsScraper: ServiceEndpoint;
  /** Where the sidecars send spans. */
  readonly traceCollector: ServiceEndpoint;
}

/**
 * Default deny in both directions for a pilot namespace, then only what its workloads need: each other,
 * requests from the ingress gateway, the given platform services, and the mesh baseline (DNS, istiod,
 * spans, Prometheus scraping).
 */
export class PilotNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: PilotNetworkPolicyProps) {
    super(scope, id);
    const { namespace } = props;
    const policy = (name: string, spec: NetworkPolicy['spec']) =>
      addKubeObject(this, name, new NetworkPolicy({ metadata: { name, namespace }, spec }));
    const everyPod = {};

    new MeshNetworkBaseline(this, 'Baseline', props);
    policy('allow-same-namespace', {
      podSelector: everyPod,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: everyPod }] }],
      egress: [{ to: [{ podSelector: everyPod }] }],
    });
    policy('allow-ingress-gateway', {
      podSelector: everyPod,
      policyTypes: ['Ingress'],
      ingress: [{ from: [podsIn(INGRESS_GATEWAY.namespace, INGRESS_GATEWAY.selector)] }],
    });
    policy('allow-platform-services', {
      podSelector: everyPod,
      policyTypes: ['Egress'],
      egress: props.services.map((s) => ({ to: [podsIn(s.namespace, s.podLabels)], ports: tcp(...s.ports) })),
    });
  }
}
