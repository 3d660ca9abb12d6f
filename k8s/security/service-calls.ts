import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { addKubeObject } from '../kube-object';
import { MeshNetworkBaseline, MeshNetworkBaselineProps, podsIn, tcp } from '../workload/mesh-network-baseline';
import { MeshPeer } from '../workload/platform-service';

/** One permitted call: a caller, a service of this namespace, and what of it the caller may use. */
export interface ServiceCall {
  /** Who calls. */
  readonly from: MeshPeer;
  /** The called workload (in the construct's namespace, or elsewhere for an egress-only entry). */
  readonly to: MeshPeer;
  /** Ports of the callee. */
  readonly ports: readonly number[];
  /**
   * HTTP paths (Istio patterns: exact, `prefix*`, `*suffix`).
   * @default any path
   */
  readonly paths?: readonly string[];
  /**
   * HTTP methods.
   * @default any method
   */
  readonly methods?: readonly string[];
}

export interface ServiceCallsProps extends Omit<MeshNetworkBaselineProps, 'namespace'> {
  /** Every workload of the namespace: each gets a policy, so one without callers accepts none. */
  readonly workloads: readonly MeshPeer[];
  /** The calls the namespace's workloads take or make; nothing else is allowed. */
  readonly calls: readonly ServiceCall[];
}

/**
 * A namespace of platform services that accept only their named callers. From one list of calls:
 * per workload an Istio AuthorizationPolicy (ALLOW, callers by mTLS principal, with ports, paths and
 * methods) and a NetworkPolicy (ingress from the callers' pods, egress to its callees' pods), on top of
 * default deny in both layers (an `allow-nothing` AuthorizationPolicy, MeshNetworkBaseline).
 */
export class ServiceCalls extends Construct {
  constructor(scope: Construct, id: string, props: ServiceCallsProps) {
    super(scope, id);
    const namespace = Chart.of(this).namespace!;
    const stray = props.workloads.filter((w) => w.namespace !== namespace);
    if (stray.length > 0) throw new Error(`${this.node.path}: workloads outside namespace ${namespace}: ${stray.map((w) => w.principal).join(', ')}`);
    const ours = new Set(props.workloads.map((w) => w.principal));
    const unknown = props.calls.filter((c) => !ours.has(c.to.principal) && !ours.has(c.from.principal));
    if (unknown.length > 0) throw new Error(`${this.node.path}: calls that neither start nor end here: ${unknown.map((c) => `${c.from.principal} -> ${c.to.principal}`).join(', ')}`);

    new MeshNetworkBaseline(this, 'Baseline', { ...props, namespace });
    // Istio: when ALLOW policies apply to a workload and none matches, the request is denied; this one
    // matches nothing, so a workload added later without its own policy accepts no call.
    addKubeObject(this, 'AllowNothing', new AuthorizationPolicy({ metadata: { name: 'allow-nothing', namespace }, spec: {} }));

    for (const workload of props.workloads) {
      const app = workload.podLabels.app;
      const callers = props.calls.filter((c) => c.to.principal === workload.principal);
      const callees = props.calls.filter((c) => c.from.principal === workload.principal);
      addKubeObject(
        this,
        `${app}Callers`,
        new AuthorizationPolicy({
          metadata: { name: `${app}-callers`, namespace },
          spec: {
            selector: { matchLabels: { ...workload.podLabels } },
            action: 'ALLOW',
            rules: callers.map((c) => ({
              from: [{ source: { principals: [c.from.principal] } }],
              to: [
                {
                  operation: {
                    ports: c.ports.map(String),
                    ...(c.paths ? { paths: [...c.paths] } : {}),
                    ...(c.methods ? { methods: [...c.methods] } : {}),
                  },
                },
              ],
            })),
          },
        }),
      );
      addKubeObject(
        this,
        `${app}Network`,
        new NetworkPolicy({
          metadata: { name: app, namespace },
          spec: {
            podSelector: { matchLabels: { ...workload.podLabels } },
            policyTypes: ['Ingress', 'Egress'],
            ingress: callers.map((c) => ({ from: [podsIn(c.from.namespace, c.from.podLabels)], ports: tcp(...c.ports) })),
            egress: callees.map((c) => ({ to: [podsIn(c.to.namespace, c.to.podLabels)], ports: tcp(...c.ports) })),
          },
        }),
      );
    }
  }
}
