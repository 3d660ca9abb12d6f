import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { ServiceEndpoint } from './platform-service';

/** Pods in a namespace, selected by the namespace's automatic name label. */
export function podsIn(namespace: string, podLabels: Readonly<Record<string, string>>): INetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { ...podLabels } },
  };
}

export const tcp = (...ports: readonly number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));

/** istiod: sidecars fetch configuration and certificates over xDS on 15012. */
const ISTIOD = { namespace: 'istio-system', podLabels: { app: 'istiod' }, ports: [15012] } as const;
/**
 * The sidecar port Prometheus scrapes: 15020 serves Envoy's stats merged with the app's metrics
 * (Istio's default `meshConfig.enablePrometheusMerge`), so 15090 (Envoy alone) is not scraped too.
 */
export const SIDECAR_METRICS_PORT = 15020;

export interface MeshNetworkBaselineProps {
  /** The namespace. */
  readonly namespace: string;
  /** Prometheus' pods, allowed to scrape the sidecars. */
  readonly metricsScraper: ServiceEndpoint;
  /** Where the sidecars send spans. */
  readonly traceCollector: ServiceEndpoint;
}

/**
 * Default deny in both directions for a namespace in the mesh, then what every sidecar needs: DNS,
 * istiod, the trace collector, and Prometheus scraping its metrics port. Workload flows come on top.
 */
export class MeshNetworkBaseline extends Construct {
  constructor(scope: Construct, id: string, props: MeshNetworkBaselineProps) {
    super(scope, id);
    const { namespace } = props;
    const policy = (name: string, spec: NetworkPolicy['spec']) => addKubeObject(this, name, new NetworkPolicy({ metadata: { name, namespace }, spec }));
    const everyPod = {};
    policy('default-deny', { podSelector: everyPod, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-metrics-scraping', {
      podSelector: everyPod,
      policyTypes: ['Ingress'],
      ingress: [{ from: [podsIn(props.metricsScraper.namespace, props.metricsScraper.podLabels)], ports: tcp(SIDECAR_METRICS_PORT) }],
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
    policy('allow-istiod', { podSelector: everyPod, policyTypes: ['Egress'], egress: [{ to: [podsIn(ISTIOD.namespace, ISTIOD.podLabels)], ports: tcp(...ISTIOD.ports) }] });
    policy('allow-tracing', {
      podSelector: everyPod,
      policyTypes: ['Egress'],
      egress: [{ to: [podsIn(props.traceCollector.namespace, props.traceCollector.podLabels)], ports: tcp(...props.traceCollector.ports) }],
    });
  }
}
