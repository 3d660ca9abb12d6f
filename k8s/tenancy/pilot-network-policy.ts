import { NetworkPolicy, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { INGRESS_GATEWAY } from '../mesh/ingress-gateway';
import { ServiceEndpoint } from '../workload/platform-service';

/** Pods in a namespace, selected by the namespace's automatic name label. */
function podsIn(namespace: string, podLabels: Readonly<Record<string, string>>): INetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { ...podLabels } },
  };
}

const tcp = (...ports: readonly number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));

/** istiod: sidecars fetch configuration and certificates over xDS on 15012. */
const ISTIOD = { namespace: 'istio-system', podLabels: { app: 'istiod' }, ports: [15012] } as const;
/** Sidecar ports Prometheus scrapes: merged app metrics (15020) and Envoy stats (15090). */
const SIDECAR_METRICS_PORTS = [15020, 15090] as const;

export interface PilotNetworkPolicyProps {
  /** The pilot's namespace. */
  readonly namespace: string;
  /** Platform services the pilot's workloads may call (the ingress gateway in front of FIWARE and Keycloak, the trace collector). */
  readonly services: readonly ServiceEndpoint[];
  /** Prometheus' pods, allowed to scrape the sidecars. */
  readonly metricsScraper: ServiceEndpoint;
}

/**
 * Default deny in both directions for a pilot namespace, then only what its workloads need: each other,
 * requests from the ingress gateway, DNS, istiod, the given platform services, and Prometheus scraping.
 */
export class PilotNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: PilotNetworkPolicyProps) {
    super(scope, id);
    const { namespace } = props;
    const policy = (name: string, spec: NetworkPolicy['spec']) =>
      addKubeObject(this, name, new NetworkPolicy({ metadata: { name, namespace }, spec }));
    const everyPod = {};

    policy('default-deny', { podSelector: everyPod, policyTypes: ['Ingress', 'Egress'] });
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
    policy('allow-metrics-scraping', {
      podSelector: everyPod,
      policyTypes: ['Ingress'],
      ingress: [{ from: [podsIn(props.metricsScraper.namespace, props.metricsScraper.podLabels)], ports: tcp(...SIDECAR_METRICS_PORTS) }],
    });
    policy('allow-dns', {
      podSelector: everyPod,
      policyTypes: ['Egress'],
      egress: [
        {
          to: [podsIn('kube-system', { 'k8s-app': 'kube-dns' })],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });
    policy('allow-istiod', {
      podSelector: everyPod,
      policyTypes: ['Egress'],
      egress: [{ to: [podsIn(ISTIOD.namespace, ISTIOD.podLabels)], ports: tcp(...ISTIOD.ports) }],
    });
    policy('allow-platform-services', {
      podSelector: everyPod,
      policyTypes: ['Egress'],
      egress: props.services.map((s) => ({ to: [podsIn(s.namespace, s.podLabels)], ports: tcp(...s.ports) })),
    });
  }
}
