/**
 * Istio AuthorizationPolicy semantics over rendered objects, as Istio's documentation states them
 * (reference/config/security/authorization-policy; concepts/security "Authorization policy
 * precedence"):
 * - a policy applies to a workload when it is in the workload's namespace (or the root namespace,
 *   `istio-system`, for every namespace) and its selector, if any, matches the pod's labels;
 * - CUSTOM first: a matching CUSTOM policy sends the request to its provider, which may deny it; then
 *   DENY: a matching DENY policy denies; then ALLOW: with no ALLOW policy applying the request is
 *   allowed, otherwise only when one of them matches (a policy without rules never matches);
 * - a rule matches when its `from`, `to` and `when` all match; a list matches when any element does,
 *   and an element when all its fields do (`not*` fields: none of the values);
 * - a principal is the peer's mTLS identity `<trust domain>/ns/<namespace>/sa/<service account>`
 *   (none for plaintext); `source.namespaces` compares the namespace of that identity;
 * - values match exactly, by prefix (`abc*`), by suffix (`*abc`), or `*` any non-empty value;
 * - HTTP-only fields (paths, methods, hosts) never match TCP traffic in an ALLOW rule, and are
 *   ignored in a DENY rule (the rule denies more).
 * `when` conditions, request principals and ipBlocks are not used by these charts and are refused.
 */
import { Pod, selectorMatches } from './network-policy';

export const ROOT_NAMESPACE = 'istio-system';
export const TRUST_DOMAIN = 'cluster.local';

export interface MeshRequest {
  /** The calling pod; its principal exists only when it runs a sidecar (mTLS). */
  readonly from: Pod;
  readonly to: Pod;
  readonly port: number;
  /** Absent for TCP. */
  readonly http?: { readonly method: string; readonly path: string; readonly host?: string };
}

type Strings = readonly string[] | undefined;
interface Source {
  readonly principals?: Strings;
  readonly notPrincipals?: Strings;
  readonly namespaces?: Strings;
  readonly notNamespaces?: Strings;
  readonly [other: string]: unknown;
}
interface Operation {
  readonly ports?: Strings;
  readonly notPorts?: Strings;
  readonly paths?: Strings;
  readonly notPaths?: Strings;
  readonly methods?: Strings;
  readonly notMethods?: Strings;
  readonly hosts?: Strings;
  readonly notHosts?: Strings;
}
interface Rule {
  readonly from?: readonly { readonly source: Source }[];
  readonly to?: readonly { readonly operation: Operation }[];
  readonly when?: unknown;
}
export interface AuthorizationPolicyObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: { readonly selector?: { readonly matchLabels?: Record<string, string> }; readonly action?: string; readonly provider?: { name: string }; readonly rules?: readonly Rule[]; readonly targetRef?: unknown; readonly targetRefs?: unknown };
}

export const principalOf = (pod: Pod) => (pod.inMesh ? `${TRUST_DOMAIN}/ns/${pod.namespace}/sa/${pod.serviceAccount}` : undefined);

export function valueMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

const anyOf = (patterns: Strings, value: string | undefined) => value !== undefined && (patterns ?? []).some((p) => valueMatches(p, value));

export type Decision = { readonly allowed: boolean; readonly by: string };

export class AuthorizationPolicies {
  private readonly policies: readonly AuthorizationPolicyObject[];

  /** @param custom the external authorizer's decision for a CUSTOM policy's provider */
  constructor(objects: readonly { kind: string }[], private readonly custom: (provider: string, request: MeshRequest) => boolean = () => false) {
    this.policies = objects.filter((o): o is AuthorizationPolicyObject => o.kind === 'AuthorizationPolicy');
  }

  public decide(request: MeshRequest): Decision {
    const applying = this.policies.filter((p) => this.applies(p, request.to));
    const of = (action: string) => applying.filter((p) => (p.spec.action ?? 'ALLOW') === action);
    for (const p of of('CUSTOM')) {
      if (this.matches(p, request, 'CUSTOM') && !this.custom(p.spec.provider!.name, request)) return { allowed: false, by: `CUSTOM ${p.metadata.name}` };
    }
    const deny = of('DENY').find((p) => this.matches(p, request, 'DENY'));
    if (deny) return { allowed: false, by: `DENY ${deny.metadata.name}` };
    const allows = of('ALLOW');
    if (allows.length === 0) return { allowed: true, by: 'no ALLOW policy applies' };
    const allow = allows.find((p) => this.matches(p, request, 'ALLOW'));
    return allow ? { allowed: true, by: `ALLOW ${allow.metadata.name}` } : { allowed: false, by: `no ALLOW policy matches (${allows.map((p) => p.metadata.name).join(', ')})` };
  }

  private applies(p: AuthorizationPolicyObject, pod: Pod): boolean {
    if (p.spec.targetRef || p.spec.targetRefs) throw new Error(`${p.metadata.name}: targetRef is not evaluated`);
    const ns = p.metadata.namespace;
    if (ns !== ROOT_NAMESPACE && ns !== pod.namespace) return false;
    return p.spec.selector ? selectorMatches(p.spec.selector, pod.labels) : true;
  }

  private matches(p: AuthorizationPolicyObject, request: MeshRequest, action: string): boolean {
    return (p.spec.rules ?? []).some((rule) => {
      if (rule.when) throw new Error(`${p.metadata.name}: when conditions are not evaluated`);
      const fromOk = !rule.from || rule.from.some(({ source }) => sourceMatches(source, request.from, p.metadata.name));
      const toOk = !rule.to || rule.to.some(({ operation }) => operationMatches(operation, request, action));
      return fromOk && toOk;
    });
  }
}

function sourceMatches(source: Source, pod: Pod, policy: string): boolean {
  const known = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];
  const unknown = Object.keys(source).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`${policy}: source fields ${unknown.join(', ')} are not evaluated`);
  const principal = principalOf(pod);
  const namespace = principal?.split('/')[2];
  return (
    (source.principals === undefined || anyOf(source.principals, principal)) &&
    (source.notPrincipals === undefined || !anyOf(source.notPrincipals, principal)) &&
    (source.namespaces === undefined || anyOf(source.namespaces, namespace)) &&
    (source.notNamespaces === undefined || !anyOf(source.notNamespaces, namespace))
  );
}

function operationMatches(op: Operation, request: MeshRequest, action: string): boolean {
  const port = String(request.port);
  if (op.ports !== undefined && !anyOf(op.ports, port)) return false;
  if (op.notPorts !== undefined && anyOf(op.notPorts, port)) return false;
  const httpFields: [Strings, Strings, string | undefined][] = [
    [op.paths, op.notPaths, request.http?.path.split('?')[0]],
    [op.methods, op.notMethods, request.http?.method],
    [op.hosts, op.notHosts, request.http?.host],
  ];
  for (const [values, notValues, actual] of httpFields) {
    if (values === undefined && notValues === undefined) continue;
    if (!request.http) {
      if (action === 'DENY') continue;
      return false;
    }
    if (values !== undefined && !anyOf(values, actual)) return false;
    if (notValues !== undefined && anyOf(notValues, actual)) return false;
  }
  return true;
}
