/**
 * Kubernetes NetworkPolicy semantics over rendered objects, as the Kubernetes documentation states
 * them (concepts/services-networking/network-policies, "The two sorts of pod isolation", "Behavior of
 * to and from selectors"; API reference networking.k8s.io/v1 NetworkPolicySpec):
 * - a pod is isolated for ingress (egress) when a policy in its namespace selects it and its
 *   policyTypes include Ingress (Egress); policyTypes defaults to Ingress, plus Egress when the
 *   policy has egress rules;
 * - a connection is allowed when the source's egress and the destination's ingress both allow it;
 *   for an isolated pod, that means at least one selecting policy has a rule that matches (rules are
 *   additive, never subtractive);
 * - a rule without `from`/`to` matches every peer, one without `ports` every port; an empty rule list
 *   matches nothing;
 * - a peer with only podSelector means pods of the policy's own namespace; only namespaceSelector,
 *   every pod of the matching namespaces; both, the matching pods of the matching namespaces;
 * - a port without protocol is TCP; `endPort` makes a range. Named ports and ipBlock peers are not
 *   used by these charts and are refused rather than guessed.
 */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  /** Whether an Istio sidecar runs beside it. */
  readonly inMesh: boolean;
}

interface Peer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: unknown;
}
interface PortRule {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}
interface Rule {
  readonly from?: readonly Peer[];
  readonly to?: readonly Peer[];
  readonly ports?: readonly PortRule[];
}
export interface NetworkPolicyObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: { readonly podSelector: LabelSelector; readonly policyTypes?: readonly string[]; readonly ingress?: readonly Rule[]; readonly egress?: readonly Rule[] };
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
  return byLabel && byExpression;
}

export class NetworkPolicies {
  private readonly policies: readonly NetworkPolicyObject[];

  /** @param namespaceLabels labels of each namespace; `kubernetes.io/metadata.name` is added as Kubernetes does. */
  constructor(objects: readonly { kind: string }[], private readonly namespaceLabels: Readonly<Record<string, Readonly<Record<string, string>>>> = {}) {
    this.policies = objects.filter((o): o is NetworkPolicyObject => o.kind === 'NetworkPolicy');
  }

  /** Whether `from` may open a connection to `to` on this port. */
  public allows(from: Pod, to: Pod, port: number, protocol = 'TCP'): boolean {
    return this.egress(from, to, port, protocol) && this.ingress(from, to, port, protocol);
  }

  /** Whether the source's policies let the connection out. */
  public egress(from: Pod, to: Pod, port: number, protocol = 'TCP'): boolean {
    return this.side('Egress', from, to, port, protocol);
  }

  /** Whether the destination's policies let the connection in. */
  public ingress(from: Pod, to: Pod, port: number, protocol = 'TCP'): boolean {
    return this.side('Ingress', to, from, port, protocol);
  }

  private labelsOf(namespace: string) {
    return { ...(this.namespaceLabels[namespace] ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  private side(type: 'Ingress' | 'Egress', pod: Pod, peer: Pod, port: number, protocol: string): boolean {
    const selecting = this.policies.filter((p) => {
      const types = p.spec.policyTypes ?? ((p.spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
      return p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels) && types.includes(type);
    });
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule) => {
        const peers = type === 'Ingress' ? rule.from : rule.to;
        const peerOk = !peers || peers.length === 0 || peers.some((x) => this.peerMatches(x, p.metadata.namespace!, peer));
        const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((r) => portMatches(r, port, protocol));
        return peerOk && portOk;
      }),
    );
  }

  private peerMatches(peer: Peer, policyNamespace: string, pod: Pod): boolean {
    if (peer.ipBlock) throw new Error('ipBlock peers are not evaluated');
    const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, this.labelsOf(pod.namespace)) : pod.namespace === policyNamespace;
    const podOk = peer.podSelector ? selectorMatches(peer.podSelector, pod.labels) : true;
    return namespaceOk && podOk;
  }
}

function portMatches(rule: PortRule, port: number, protocol: string): boolean {
  if ((rule.protocol ?? 'TCP') !== protocol) return false;
  if (rule.port === undefined) return true;
  if (typeof rule.port === 'string') throw new Error(`named port ${rule.port} is not evaluated`);
  return rule.endPort !== undefined ? port >= rule.port && port <= rule.endPort : port === rule.port;
}
