/** The evaluators the tenancy matrix relies on, against the rules their documentation states (see each file's header). */
import { AuthorizationPolicies, valueMatches } from './istio-authorization';
import { CrateHostBasedAuth } from './crate-hba';
import { NetworkPolicies, Pod, selectorMatches } from './network-policy';

const pod = (namespace: string, labels: Record<string, string>, serviceAccount = 'default', inMesh = true): Pod => ({ name: labels.app ?? 'p', namespace, labels, serviceAccount, inMesh });
const np = (namespace: string, spec: object) => ({ kind: 'NetworkPolicy', metadata: { name: 'np', namespace }, spec });
const ap = (namespace: string, spec: object, name = 'ap') => ({ kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });

describe('NetworkPolicy (Kubernetes docs: network-policies)', () => {
  const a = pod('a', { app: 'x' });
  const b = pod('b', { app: 'y' });
  test('pods no policy selects are not isolated', () => {
    expect(new NetworkPolicies([]).allows(a, b, 80)).toBe(true);
  });
  test('a selecting policy isolates; policyTypes defaults to Ingress (Egress only with egress rules)', () => {
    expect(new NetworkPolicies([np('b', { podSelector: {} })]).allows(a, b, 80)).toBe(false);
    expect(new NetworkPolicies([np('a', { podSelector: {} })]).allows(a, b, 80)).toBe(true);
    expect(new NetworkPolicies([np('a', { podSelector: {}, egress: [] })]).allows(a, b, 80)).toBe(true);
    expect(new NetworkPolicies([np('a', { podSelector: {}, policyTypes: ['Egress'] })]).allows(a, b, 80)).toBe(false);
  });
  test('rules are additive; a rule without from or ports matches all; an empty list nothing', () => {
    const deny = np('b', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(new NetworkPolicies([deny, np('b', { podSelector: {}, ingress: [{}] })]).allows(a, b, 80)).toBe(true);
    expect(new NetworkPolicies([np('b', { podSelector: {}, ingress: [] })]).allows(a, b, 80)).toBe(false);
  });
  test('podSelector alone means the policy namespace; namespaceSelector alone every pod there; both, the intersection', () => {
    const from = (peer: object) => new NetworkPolicies([np('b', { podSelector: {}, ingress: [{ from: [peer] }] })]);
    expect(from({ podSelector: { matchLabels: { app: 'x' } } }).allows(a, b, 80)).toBe(false);
    expect(from({ podSelector: { matchLabels: { app: 'x' } } }).allows(pod('b', { app: 'x' }), b, 80)).toBe(true);
    expect(from({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }).allows(a, b, 80)).toBe(true);
    const both = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { app: 'z' } } };
    expect(from(both).allows(a, b, 80)).toBe(false);
    expect(from(both).allows(pod('a', { app: 'z' }), b, 80)).toBe(true);
  });
  test('both ends must allow: egress of the source and ingress of the destination', () => {
    const ingressOk = np('b', { podSelector: {}, ingress: [{}] });
    const egressClosed = np('a', { podSelector: {}, policyTypes: ['Egress'] });
    expect(new NetworkPolicies([ingressOk, egressClosed]).allows(a, b, 80)).toBe(false);
  });
  test('ports: TCP by default, protocol must match, endPort is a range', () => {
    const on = (ports: object[]) => new NetworkPolicies([np('b', { podSelector: {}, ingress: [{ ports }] })]);
    expect(on([{ port: 80 }]).allows(a, b, 80)).toBe(true);
    expect(on([{ port: 80 }]).allows(a, b, 81)).toBe(false);
    expect(on([{ port: 53, protocol: 'UDP' }]).allows(a, b, 53, 'TCP')).toBe(false);
    expect(on([{ port: 8000, endPort: 8100 }]).allows(a, b, 8050)).toBe(true);
  });
  test('label selectors: matchLabels and matchExpressions', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, { tier: 'a' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a'] }] }, { tier: 'a' })).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selectorMatches({ matchLabels: { a: '1' } }, { a: '2' })).toBe(false);
  });
});

describe('AuthorizationPolicy (Istio docs: authorization-policy reference, policy precedence)', () => {
  const client = pod('c', { app: 'client' }, 'client');
  const server = pod('s', { app: 'server' }, 'server');
  const get = { from: client, to: server, port: 80, http: { method: 'GET', path: '/info/x?q=1' } };
  const allowFrom = (principals: string[]) => ap('s', { rules: [{ from: [{ source: { principals } }] }] });
  test('no policy: allowed; ALLOW policies apply: allowed only when one matches; no rules never matches', () => {
    expect(new AuthorizationPolicies([]).decide(get).allowed).toBe(true);
    expect(new AuthorizationPolicies([ap('s', {})]).decide(get).allowed).toBe(false);
    expect(new AuthorizationPolicies([ap('s', {}), allowFrom(['cluster.local/ns/c/sa/client'])]).decide(get).allowed).toBe(true);
  });
  test('DENY wins over ALLOW; CUSTOM is asked first and its denial stands', () => {
    const allowAll = ap('s', { rules: [{}] }, 'all');
    expect(new AuthorizationPolicies([allowAll, ap('s', { action: 'DENY', rules: [{}] })]).decide(get).allowed).toBe(false);
    const custom = ap('s', { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] });
    expect(new AuthorizationPolicies([allowAll, custom], () => false).decide(get).allowed).toBe(false);
    expect(new AuthorizationPolicies([allowAll, custom], () => true).decide(get).allowed).toBe(true);
  });
  test('scope: own namespace and selector, or the root namespace for all', () => {
    expect(new AuthorizationPolicies([ap('other', {})]).decide(get).allowed).toBe(true);
    expect(new AuthorizationPolicies([ap('s', { selector: { matchLabels: { app: 'else' } } })]).decide(get).allowed).toBe(true);
    expect(new AuthorizationPolicies([ap('istio-system', {})]).decide(get).allowed).toBe(false);
  });
  test('principals come from mTLS: a pod without a sidecar has none', () => {
    const plain = { ...get, from: pod('c', { app: 'client' }, 'client', false) };
    expect(new AuthorizationPolicies([allowFrom(['cluster.local/ns/c/sa/client'])]).decide(plain).allowed).toBe(false);
    expect(new AuthorizationPolicies([ap('s', { rules: [{ from: [{ source: { namespaces: ['c'] } }] }] })]).decide(get).allowed).toBe(true);
  });
  test('operations: ports, methods, paths (without the query string); HTTP fields never match TCP in ALLOW', () => {
    const to = (operation: object) => new AuthorizationPolicies([ap('s', { rules: [{ to: [{ operation }] }] })]);
    expect(to({ paths: ['/info*'], methods: ['GET'], ports: ['80'] }).decide(get).allowed).toBe(true);
    expect(to({ paths: ['/info/x'] }).decide(get).allowed).toBe(true);
    expect(to({ methods: ['POST'] }).decide(get).allowed).toBe(false);
    expect(to({ ports: ['81'] }).decide(get).allowed).toBe(false);
    expect(to({ notPaths: ['/info*'] }).decide(get).allowed).toBe(false);
    expect(to({ paths: ['/info*'] }).decide({ from: client, to: server, port: 80 }).allowed).toBe(false);
    const denyPaths = ap('s', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/admin*'] } }] }] });
    expect(new AuthorizationPolicies([denyPaths]).decide({ from: client, to: server, port: 80 }).allowed).toBe(false);
  });
  test('value matching: exact, prefix, suffix, presence', () => {
    expect([valueMatches('abc', 'abc'), valueMatches('abc*', 'abcd'), valueMatches('*bc', 'abc'), valueMatches('*', ''), valueMatches('*', 'x')]).toEqual([true, true, true, false, true]);
  });
});

describe('CrateDB host-based authentication (CrateDB 4.6.7: docs/admin/auth, HostBasedAuthentication.java)', () => {
  const hba = (entries: Record<string, Record<string, string>>, users: [string, string | undefined][] = [['mike', 'secret']], enabled = 'true') =>
    new CrateHostBasedAuth(
      { 'auth.host_based.enabled': enabled, ...Object.fromEntries(Object.entries(entries).flatMap(([k, e]) => Object.entries(e).map(([f, v]) => [`auth.host_based.config.${k}.${f}`, v]))) },
      new Map(users),
    );
  const basic = (user: string, password?: string) => ({ authorization: `Basic ${Buffer.from(password === undefined ? user : `${user}:${password}`).toString('base64')}` });
  test('disabled: every existing user is trusted', () => {
    expect(hba({}, [], 'false').login({ protocol: 'pg', address: '10.0.0.1', user: 'crate' }).allowed).toBe(true);
    expect(hba({}, [], 'false').login({ protocol: 'pg', address: '10.0.0.1', user: 'nobody' }).allowed).toBe(false);
  });
  test('enabled without entries: nobody', () => {
    expect(hba({}).login({ protocol: 'pg', address: '127.0.0.1', user: 'crate' }).allowed).toBe(false);
  });
  test('entries in the string order of their keys; the first match decides, a failed one does not fall through', () => {
    const entries = { '2': { method: 'trust' }, '10': { user: 'mike', method: 'password' } };
    expect(hba(entries).login({ protocol: 'pg', address: '10.0.0.1', user: 'mike', password: 'wrong' })).toMatchObject({ allowed: false, entry: '10' });
    expect(hba(entries).login({ protocol: 'pg', address: '10.0.0.1', user: 'mike', password: 'secret' })).toMatchObject({ allowed: true, entry: '10' });
    expect(hba({ a: { user: 'mike', method: 'password' }, b: { method: 'trust' } }).login({ protocol: 'pg', address: '1.2.3.4', user: 'mike' }).entry).toBe('a');
  });
  test('fields: user, protocol, ssl; an absent field matches anything; method defaults to trust', () => {
    const auth = hba({ a: { user: 'mike', protocol: 'http' }, b: { user: 'crate', ssl: 'on' } });
    expect(auth.login({ protocol: 'http', address: '1.2.3.4', headers: basic('mike') }).allowed).toBe(true);
    expect(auth.login({ protocol: 'pg', address: '1.2.3.4', user: 'mike' }).allowed).toBe(false);
    expect(auth.login({ protocol: 'pg', address: '1.2.3.4', user: 'crate', ssl: false }).allowed).toBe(false);
    expect(auth.login({ protocol: 'pg', address: '1.2.3.4', user: 'crate', ssl: true }).allowed).toBe(true);
  });
  test('addresses: _local_ is exactly 127.0.0.1 or ::1; CIDR ranges; a plain address only itself', () => {
    const auth = hba({ a: { user: 'crate', address: '_local_' }, b: { user: 'mike', address: '32.0.0.0/8' } });
    expect(auth.login({ protocol: 'pg', address: '127.0.0.1', user: 'crate' }).allowed).toBe(true);
    expect(auth.login({ protocol: 'pg', address: '::1', user: 'crate' }).allowed).toBe(true);
    expect(auth.login({ protocol: 'pg', address: '127.0.0.6', user: 'crate' }).allowed).toBe(false);
    expect(auth.login({ protocol: 'pg', address: '32.255.255.255', user: 'mike' }).allowed).toBe(true);
    expect(auth.login({ protocol: 'pg', address: '33.0.0.0', user: 'mike' }).allowed).toBe(false);
    expect(hba({ a: { address: '172.16.0.0' } }).login({ protocol: 'pg', address: '172.16.0.1', user: 'crate' }).allowed).toBe(false);
  });
  test('HTTP: credentials from Basic auth, else the default user crate; X-Real-Ip overrides the peer address', () => {
    const auth = hba({ a: { user: 'crate', address: '_local_', protocol: 'http' }, z: { method: 'password' } });
    expect(auth.login({ protocol: 'http', address: '127.0.0.1' })).toMatchObject({ allowed: true, entry: 'a' });
    expect(auth.login({ protocol: 'http', address: '10.0.0.9' })).toMatchObject({ allowed: false, entry: 'z' });
    expect(auth.login({ protocol: 'http', address: '10.0.0.9', headers: { 'x-real-ip': '127.0.0.1' } })).toMatchObject({ allowed: true, entry: 'a' });
    expect(auth.login({ protocol: 'http', address: '10.0.0.9', headers: basic('mike', 'secret') }).allowed).toBe(true);
    expect(auth.login({ protocol: 'http', address: '10.0.0.9', headers: basic('mike', 'guess') }).allowed).toBe(false);
  });
  test('password: the superuser has none; trust needs an existing user', () => {
    expect(hba({ z: { method: 'password' } }).login({ protocol: 'pg', address: '1.2.3.4', user: 'crate', password: '' }).allowed).toBe(false);
    expect(hba({ z: { method: 'trust' } }).login({ protocol: 'pg', address: '1.2.3.4', user: 'ghost' }).allowed).toBe(false);
  });
  test('unknown settings are refused, not ignored', () => {
    expect(() => new CrateHostBasedAuth({ 'auth.host_based.config.a.cidr': '1.2.3.4/8' }, new Map())).toThrow(/unknown HBA setting/);
  });
});
