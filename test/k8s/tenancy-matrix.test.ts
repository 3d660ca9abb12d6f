/**
 * The tenancy matrix: for every ordered pair of demo pilots, each way around the tenant decision is
 * tried against the rendered charts and must be denied, and the legitimate flows must be allowed (so a
 * blanket deny cannot pass). Evaluated with:
 * - NetworkPolicy and Istio AuthorizationPolicy semantics (./semantics, each tested against the
 *   documented rules below);
 * - the tenant Rego on the real OPA engine (./opa-engine), with tokens signed by per-realm keys;
 * - Argo CD's AppProject rules: gitops.test.ts (routing and mesh kinds refused, no other namespace).
 */
import * as crypto from 'crypto';
import { FIWARE_NAMESPACE } from '../../k8s/fiware/fiware-chart';
import { IotAgentUl } from '../../k8s/fiware/iot-agent-ul';
import { Orion } from '../../k8s/fiware/orion';
import { QuantumLeap } from '../../k8s/fiware/quantumleap';
import { INGRESS_GATEWAY } from '../../k8s/mesh/ingress-gateway';
import { TENANT_POLICY_FILE } from '../../k8s/platform-charts';
import { OPA_SERVICE } from '../../k8s/security/ext-authz';
import { KubeJson, synthDemoCharts } from '../fixtures/demo-charts';
import * as fs from 'fs';
import { runRegoTests, stopOpaEngine } from './opa-engine';
import { AuthorizationPolicies, MeshRequest, principalOf } from './semantics/istio-authorization';
import { NetworkPolicies, Pod } from './semantics/network-policy';
import { ISTIO_INBOUND_SOURCE_ADDRESS, ORION_3_10_CUSTOM_NOTIFICATION, QUANTUMLEAP_1_0_CRATE_ENV, QUANTUMLEAP_1_0_TENANT_HEADERS } from './upstream-facts';
import { crateAfterUsersRan, resolvedEnv } from './crate-users-runner';
import { CrateLogin } from './semantics/crate-hba';

const demo = synthDemoCharts();
const pilots = demo.model.pilots.map((p) => p.name);
const pairs = pilots.flatMap((a) => pilots.filter((b) => b !== a).map((b) => [a, b] as const));

const namespaces = Object.fromEntries(demo.all.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
const inMeshNamespace = (ns: string) => namespaces[ns]?.['istio-injection'] === 'enabled' || ns === INGRESS_GATEWAY.namespace;

/** The pods the charts run, as rendered (the pilots' realm import Jobs too). */
const rendered: Pod[] = demo.all
  .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
  .map((o: KubeJson) => {
    const labels = o.spec.template.metadata.labels as Record<string, string>;
    return {
      name: o.metadata.name,
      namespace: o.metadata.namespace!,
      labels,
      serviceAccount: o.spec.template.spec.serviceAccountName ?? 'default',
      inMesh: inMeshNamespace(o.metadata.namespace!) && labels['sidecar.istio.io/inject'] !== 'false',
    };
  });
const pod = (namespace: string, name: string) => {
  const found = rendered.find((p) => p.namespace === namespace && p.name === name);
  if (!found) throw new Error(`no pod ${namespace}/${name}`);
  return found;
};
/** The gateway pods of Istio's gateway chart (installed by the cluster stack, not rendered here). */
const gateway: Pod = { name: 'istio-ingressgateway', namespace: INGRESS_GATEWAY.namespace, labels: { ...INGRESS_GATEWAY.selector, app: 'istio-ingressgateway' }, serviceAccount: INGRESS_GATEWAY.serviceAccount, inMesh: true };
/** Any workload a pilot's repository deploys; the second one copies platform labels to impersonate them. */
const pilotPods = (pilot: string): Pod[] => [
  { name: 'workload', namespace: `pilot-${pilot}`, labels: { app: 'workload' }, serviceAccount: 'default', inMesh: true },
  { name: 'impostor', namespace: `pilot-${pilot}`, labels: { app: 'orion', istio: 'ingressgateway' }, serviceAccount: 'orion', inMesh: true },
  ...(namespaces[`pilot-${pilot}-staging`] ? [{ name: 'staging-workload', namespace: `pilot-${pilot}-staging`, labels: { app: 'workload' }, serviceAccount: 'default', inMesh: true }] : []),
];

/** A pod in a namespace without policies (the world outside the platform's guarded namespaces). */
const unguarded: Pod = { name: 'unguarded', namespace: 'default', labels: { app: 'unguarded' }, serviceAccount: 'default', inMesh: false };

const network = new NetworkPolicies(demo.all, namespaces);
// The gateway's CUSTOM policy hands requests to OPA; its Rego is tested on the engine below, so here
// the provider denies, and what reaches a service is decided by that service's own policies.
const mesh = new AuthorizationPolicies(demo.all, () => false);

interface Flow {
  readonly from: Pod;
  readonly to: Pod;
  readonly port: number;
  readonly http?: MeshRequest['http'];
}
/** Both layers: the pods' NetworkPolicies and the destination's AuthorizationPolicies. */
const verdict = (f: Flow) => {
  const net = network.allows(f.from, f.to, f.port);
  const authz = mesh.decide(f);
  return { allowed: net && authz.allowed, network: net, authz: authz.by };
};
const describeFlow = (f: Flow) => `${f.from.namespace}/${f.from.name} -> ${f.to.namespace}/${f.to.name}:${f.port}${f.http ? ` ${f.http.method} ${f.http.path}` : ''}`;

const fiware = (name: string) => pod(FIWARE_NAMESPACE, name);
const [orion, iotAgent, quantumLeap, mongo, crate, grafana] = ['orion', 'iotagent-ul', 'quantumleap', 'mongo', 'crate', 'grafana'].map(fiware);
const keycloak = pod('identity', 'keycloak');
const keycloakDb = pod('identity', 'keycloak-db');
const opa = pod('authz', OPA_SERVICE.name);
/** The pilots' realm import Jobs' pods: one identity for all of them. */
const realmImports = rendered.filter((p) => p.labels.app === 'keycloak-realm-import');
const realmImport = realmImports[0];

describe('legitimate flows are allowed', () => {
  const certs = (realm: string) => ({ method: 'GET', path: `/auth/realms/${realm}/protocol/openid-connect/certs` });
  const flows: [string, Flow][] = [
    ['IoT Agent -> Orion', { from: iotAgent, to: orion, port: Orion.PORT, http: { method: 'POST', path: '/v2/entities' } }],
    ['Orion notifications -> QuantumLeap', { from: orion, to: quantumLeap, port: QuantumLeap.PORT, http: { method: 'POST', path: '/v2/notify' } }],
    ['QuantumLeap -> CrateDB', { from: quantumLeap, to: crate, port: 4200, http: { method: 'POST', path: '/_sql' } }],
    ['Grafana -> CrateDB (PostgreSQL protocol)', { from: grafana, to: crate, port: 5432 }],
    ['Orion -> MongoDB', { from: orion, to: mongo, port: 27017 }],
    ['IoT Agent -> MongoDB', { from: iotAgent, to: mongo, port: 27017 }],
    ['QuantumLeap -> Orion', { from: quantumLeap, to: orion, port: Orion.PORT, http: { method: 'POST', path: '/v2/subscriptions' } }],
    ...pilots.map((p): [string, Flow] => [`OPA -> Keycloak keys of realm ${p}`, { from: opa, to: keycloak, port: 8080, http: certs(p) }]),
    ['Keycloak -> its database', { from: keycloak, to: keycloakDb, port: 5432 }],
    ['realm import -> Keycloak: an admin session', { from: realmImport, to: keycloak, port: 8080, http: { method: 'POST', path: '/auth/realms/master/protocol/openid-connect/token' } }],
    ['realm import -> Keycloak: list the realms', { from: realmImport, to: keycloak, port: 8080, http: { method: 'GET', path: '/auth/admin/realms' } }],
    ['realm import -> Keycloak: create a realm', { from: realmImport, to: keycloak, port: 8080, http: { method: 'POST', path: '/auth/admin/realms' } }],
    ['gateway -> Orion', { from: gateway, to: orion, port: Orion.PORT, http: { method: 'GET', path: '/v2/entities' } }],
    ['gateway -> IoT Agent north', { from: gateway, to: iotAgent, port: IotAgentUl.NORTH_PORT, http: { method: 'POST', path: '/iot/services' } }],
    ['gateway -> IoT Agent south', { from: gateway, to: iotAgent, port: IotAgentUl.SOUTH_PORT, http: { method: 'POST', path: '/iot/d' } }],
    ['gateway -> QuantumLeap', { from: gateway, to: quantumLeap, port: QuantumLeap.PORT, http: { method: 'GET', path: '/v2/entities' } }],
    ['gateway -> Keycloak', { from: gateway, to: keycloak, port: 8080, http: { method: 'POST', path: '/auth/realms/acme/protocol/openid-connect/token' } }],
    ['gateway -> OPA (ext_authz)', { from: gateway, to: opa, port: OPA_SERVICE.grpcPort, http: { method: 'POST', path: '/envoy.service.auth.v3.Authorization/Check' } }],
    ...pilots.map((p): [string, Flow] => [`pilot ${p} -> the gateway`, { from: pilotPods(p)[0], to: gateway, port: 80 }]),
    ...pilots.map((p): [string, Flow] => [`the gateway -> pilot ${p}`, { from: gateway, to: pilotPods(p)[0], port: 8080 }]),
  ];
  test.each(flows)('%s', (_name, flow) => {
    expect({ flow: describeFlow(flow), ...verdict(flow) }).toMatchObject({ allowed: true });
  });
});

describe.each(pairs)('pilot %s against pilot %s', (a, b) => {
  const attempts: [string, Flow][] = pilotPods(a).flatMap((from) => [
    [`${from.name} -> pilot ${b}'s workload`, { from, to: pilotPods(b)[0], port: 8080 }],
    [`${from.name} -> pilot ${b}'s staging workload`, { from, to: { ...pilotPods(b)[0], namespace: `pilot-${b}-staging` }, port: 8080 }],
    [`${from.name} -> Orion directly (any Fiware-Service)`, { from, to: orion, port: Orion.PORT, http: { method: 'GET', path: '/v2/entities' } }],
    [`${from.name} -> IoT Agent north directly`, { from, to: iotAgent, port: IotAgentUl.NORTH_PORT, http: { method: 'POST', path: '/iot/services' } }],
    [`${from.name} -> QuantumLeap directly`, { from, to: quantumLeap, port: QuantumLeap.PORT, http: { method: 'GET', path: '/v2/entities' } }],
    [`${from.name} -> MongoDB`, { from, to: mongo, port: 27017 }],
    [`${from.name} -> CrateDB HTTP`, { from, to: crate, port: 4200, http: { method: 'POST', path: '/_sql' } }],
    [`${from.name} -> CrateDB PostgreSQL`, { from, to: crate, port: 5432 }],
    [`${from.name} -> OPA`, { from, to: opa, port: OPA_SERVICE.grpcPort }],
    [`${from.name} -> Keycloak directly (admin API)`, { from, to: keycloak, port: 8080, http: { method: 'GET', path: '/auth/admin/realms' } }],
    [`${from.name} -> Keycloak's database`, { from, to: keycloakDb, port: 5432 }],
  ]);
  // A pilot's workload dressed as the realm import (its labels, its ServiceAccount's name).
  const importImpostor: Pod = { ...realmImport, name: 'import-impostor', namespace: `pilot-${a}` };
  attempts.push(
    [`realm import impostor in pilot ${a} -> Keycloak: an admin session`, { from: importImpostor, to: keycloak, port: 8080, http: { method: 'POST', path: '/auth/realms/master/protocol/openid-connect/token' } }],
    [`realm import impostor in pilot ${a} -> Keycloak: create a realm`, { from: importImpostor, to: keycloak, port: 8080, http: { method: 'POST', path: '/auth/admin/realms' } }],
    // Pilot a's own realm import, against pilot b's realm: it may create, never read, change or delete.
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: change it`, { from: realmImport, to: keycloak, port: 8080, http: { method: 'PUT', path: `/auth/admin/realms/${b}` } }],
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: delete it`, { from: realmImport, to: keycloak, port: 8080, http: { method: 'DELETE', path: `/auth/admin/realms/${b}` } }],
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: read its clients and their secrets`, { from: realmImport, to: keycloak, port: 8080, http: { method: 'GET', path: `/auth/admin/realms/${b}/clients` } }],
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: a token of its client`, { from: realmImport, to: keycloak, port: 8080, http: { method: 'POST', path: `/auth/realms/${b}/protocol/openid-connect/token` } }],
    [`pilot ${a}'s realm import -> Keycloak's database`, { from: realmImport, to: keycloakDb, port: 5432 }],
    [`pilot ${a}'s realm import -> Orion`, { from: realmImport, to: orion, port: Orion.PORT, http: { method: 'GET', path: '/v2/entities' } }],
    [`pilot ${a}'s realm import -> pilot ${b}'s workload`, { from: realmImport, to: pilotPods(b)[0], port: 8080 }],
  );
  // A subscription of pilot a chooses URL, method, headers and body of Orion's notification, so these
  // are Orion calling on a's behalf with b's Fiware-Service: only QuantumLeap's notify endpoint answers.
  const viaSubscription: [string, Flow][] = [
    ['Orion -> Orion', { from: orion, to: orion, port: Orion.PORT, http: { method: 'POST', path: '/v2/entities' } }],
    ['Orion -> IoT Agent north', { from: orion, to: iotAgent, port: IotAgentUl.NORTH_PORT, http: { method: 'POST', path: '/iot/services' } }],
    ['Orion -> IoT Agent south', { from: orion, to: iotAgent, port: IotAgentUl.SOUTH_PORT, http: { method: 'POST', path: '/iot/d' } }],
    ['Orion -> CrateDB', { from: orion, to: crate, port: 4200, http: { method: 'POST', path: '/_sql' } }],
    ['Orion -> QuantumLeap, other than notify', { from: orion, to: quantumLeap, port: QuantumLeap.PORT, http: { method: 'DELETE', path: '/v2/entities/x' } }],
    ['Orion -> Keycloak', { from: orion, to: keycloak, port: 8080, http: { method: 'GET', path: '/auth/admin/realms' } }],
    ['Orion -> OPA', { from: orion, to: opa, port: OPA_SERVICE.grpcPort }],
    ['Orion -> an unguarded pod elsewhere', { from: orion, to: unguarded, port: 80, http: { method: 'POST', path: '/' } }],
    [`Orion -> pilot ${b}'s workload`, { from: orion, to: pilotPods(b)[0], port: 8080, http: { method: 'POST', path: '/' } }],
  ];
  // Each layer refuses on its own (defence in depth): the caller's egress, the callee's ingress, the
  // callee's AuthorizationPolicy. Except where a layer cannot tell: pilots' namespaces and unguarded
  // pods have no AuthorizationPolicies, and a port Orion may reach (QuantumLeap's) is refused by path
  // and method, which NetworkPolicies cannot see.
  const all = { egress: true, ingress: true, authz: true };
  const expected: Record<string, Partial<typeof all>> = {
    [`workload -> pilot ${b}'s workload`]: { egress: true, ingress: true },
    [`impostor -> pilot ${b}'s workload`]: { egress: true, ingress: true },
    [`staging-workload -> pilot ${b}'s workload`]: { egress: true, ingress: true },
    [`workload -> pilot ${b}'s staging workload`]: { egress: true, ingress: true },
    [`impostor -> pilot ${b}'s staging workload`]: { egress: true, ingress: true },
    [`staging-workload -> pilot ${b}'s staging workload`]: { egress: true, ingress: true },
    [`Orion -> pilot ${b}'s workload`]: { egress: true, ingress: true },
    'Orion -> an unguarded pod elsewhere': { egress: true },
    'Orion -> QuantumLeap, other than notify': { authz: true },
    // Keycloak's port is open to the import; its AuthorizationPolicy admits only listing and creating realms.
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: change it`]: { authz: true },
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: delete it`]: { authz: true },
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: read its clients and their secrets`]: { authz: true },
    [`pilot ${a}'s realm import -> pilot ${b}'s realm: a token of its client`]: { authz: true },
    [`pilot ${a}'s realm import -> pilot ${b}'s workload`]: { egress: true, ingress: true },
  };
  test.each([...attempts, ...viaSubscription])('denied: %s', (name, flow) => {
    const refusedBy = { egress: !network.egress(flow.from, flow.to, flow.port), ingress: !network.ingress(flow.from, flow.to, flow.port), authz: !mesh.decide(flow).allowed };
    expect({ flow: describeFlow(flow), authz: mesh.decide(flow).by, refusedBy }).toMatchObject({ refusedBy: expected[name] ?? all });
  });
});

// Behind the network and the mesh, CrateDB itself asks for a login (its host-based authentication,
// evaluated after the rendered users script ran with the Secrets the clients read).
describe('CrateDB logins', () => {
  const secrets = { 'crate-quantumleap': 'c0ffee0123456789abcdef0123456789', 'crate-grafana': 'a11ce0123456789abcdef0123456789f', 'crate-backup': 'bac0ffee0123456789abcdef01234567' };
  const { hba } = crateAfterUsersRan(demo.objects(FIWARE_NAMESPACE), secrets);
  const env = (name: string) => resolvedEnv(demo.objects(FIWARE_NAMESPACE).find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.containers[0], secrets);
  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  const ql = env('quantumleap');
  // Whoever calls through the mesh, CrateDB sees the sidecar's inbound address.
  const address = ISTIO_INBOUND_SOURCE_ADDRESS;
  test('the snapshot job logs in (HTTP) with its Secret, as the user CREATE SNAPSHOT needs', () => {
    const job = demo.objects(FIWARE_NAMESPACE).find((o) => o.kind === 'CronJob' && JSON.stringify(o).includes('crate-snapshot.sh'))!;
    const e = resolvedEnv(job.spec.jobTemplate.spec.template.spec.containers[0], secrets);
    expect(hba.login({ protocol: 'http', address, headers: basic(e.CRATE_USER!, e.CRATE_PASSWORD!) }).allowed).toBe(true);
    expect(hba.login({ protocol: 'http', address, headers: basic(e.CRATE_USER!, 'wrong') }).allowed).toBe(false);
  });
  test('QuantumLeap (HTTP) and Grafana (PostgreSQL protocol) log in with their Secrets', () => {
    expect(hba.login({ protocol: 'http', address, headers: basic(ql[QUANTUMLEAP_1_0_CRATE_ENV.user]!, ql[QUANTUMLEAP_1_0_CRATE_ENV.password]!) }).allowed).toBe(true);
    expect(hba.login({ protocol: 'pg', address, user: 'grafana', password: env('grafana').CRATE_PASSWORD }).allowed).toBe(true);
  });
  const tries: [string, CrateLogin][] = [
    ['HTTP without credentials', { protocol: 'http', address }],
    ['HTTP claiming to be local (X-Real-Ip)', { protocol: 'http', address, headers: { 'x-real-ip': '127.0.0.1' } }],
    ['HTTP as the superuser', { protocol: 'http', address, headers: basic('crate', '') }],
    ['pg as the superuser', { protocol: 'pg', address, user: 'crate' }],
    ["pg as Grafana's user, guessing", { protocol: 'pg', address, user: 'grafana', password: 'grafana' }],
    ["HTTP as QuantumLeap's user, guessing", { protocol: 'http', address, headers: basic('quantumleap', 'quantumleap') }],
  ];
  test.each(pilots.flatMap((p) => tries.map(([n, login]): [string, string, CrateLogin] => [p, n, login])))('pilot %s, if it reached CrateDB: %s is refused', (_p, _n, login) => {
    expect(hba.login(login)).toMatchObject({ allowed: false });
  });
});

// OPA reads every realm's keys by their path's end (a list of realms would grow with the pilots): nothing else of Keycloak.
test.each([
  ['GET', '/auth/admin/realms'],
  ['GET', '/auth/admin/realms/acme/clients'],
  ['POST', '/auth/realms/master/protocol/openid-connect/token'],
  ['POST', '/auth/realms/acme/protocol/openid-connect/token'],
  ['DELETE', '/auth/realms/acme/protocol/openid-connect/certs'],
])('OPA -> Keycloak %s %s is denied', (method, path) => {
  expect(mesh.decide({ from: opa, to: keycloak, port: 8080, http: { method, path } }).allowed).toBe(false);
});

test('every pilot has its realm import, all of them one mesh identity of the identity namespace', () => {
  expect(realmImports.map((p) => p.name.replace(/-[0-9a-f]{8}$/, '')).sort()).toEqual(pilots.map((p) => `realm-${p}`).sort());
  expect(new Set(realmImports.map((p) => principalOf(p)))).toEqual(new Set(['cluster.local/ns/identity/sa/keycloak-realm-import']));
});

describe('the impostor pod is still a pilot pod', () => {
  test.each(pilots)('pilot %s: platform labels and a platform ServiceAccount name give no platform identity', (p) => {
    const impostor = pilotPods(p)[1];
    expect(principalOf(impostor)).toBe(`cluster.local/ns/pilot-${p}/sa/orion`);
    expect(principalOf(orion)).toBe('cluster.local/ns/fiware/sa/orion');
  });
});

/** RS256 JWTs from a per-realm key, and the JWKS each realm publishes, for the Rego matrix. */
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const realmKeys = Object.fromEntries(pilots.map((p) => [p, crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })]));
const sign = (realm: string, claims: object) => {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: realm }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(crypto.sign('RSA-SHA256', Buffer.from(`${head}.${body}`), realmKeys[realm].privateKey))}`;
};

describe('the tenant Rego on OPA, for every pair of demo pilots', () => {
  const data = JSON.parse(demo.objects('tenant-policy').find((o) => o.metadata.name === 'opa-policy')!.data['data.json']).tenant_policy;
  const tenantOf = (p: string) => demo.model.pilots.find((x) => x.name === p)!.fiwareService;
  const now = Math.floor(Date.now() / 1000);
  const token = (realm: string, tenant: string) => sign(realm, { iss: data.tenants[tenantOf(realm)].issuer, aud: ['account', 'fiware'], exp: now + 600, iat: now, tenant });
  const jwks = Object.fromEntries(
    pilots.map((p) => [data.tenants[tenantOf(p)].jwks_uri, { keys: [{ ...realmKeys[p].publicKey.export({ format: 'jwk' }), kid: p, alg: 'RS256', use: 'sig' }] }]),
  );
  const request = (path: string, headers: Record<string, string>) => ({ attributes: { request: { http: { method: 'GET', path, headers } } } });
  const bearer = (t: string) => `Bearer ${t}`;

  const provision = (p: string, apikey: string) => ({
    ...request('/iota-north/iot/services', { authorization: bearer(token(p, tenantOf(p))), 'fiware-service': tenantOf(p), 'content-type': 'application/json' }),
    parsed_body: { services: [{ apikey, entity_type: 'Thing', resource: '/iot/d' }] },
  });
  // A subscription of tenant p, its notification to QuantumLeap with the given custom headers.
  const subscribe = (p: string, headers?: Record<string, string>) => ({
    ...request('/orion/v2/subscriptions', { authorization: bearer(token(p, tenantOf(p))), 'fiware-service': tenantOf(p), 'content-type': 'application/json' }),
    parsed_body: {
      subject: { entities: [{ idPattern: '.*' }] },
      notification: { [headers ? 'httpCustom' : 'http']: { url: `http://quantumleap.${FIWARE_NAMESPACE}.svc.cluster.local:${QuantumLeap.PORT}/v2/notify`, ...(headers ? { headers } : {}) } },
    },
  });
  // The headers QuantumLeap takes the tenant from, that Orion lets a custom notification set (upstream facts).
  const notificationTenantHeaders = QUANTUMLEAP_1_0_TENANT_HEADERS.headers.filter((h) => !(ORION_3_10_CUSTOM_NOTIFICATION.notReplaceable as readonly string[]).includes(h));
  const cases: Record<string, { expect: 'allow' | 'deny'; input: object }> = {};
  for (const p of pilots) {
    cases[`test_${p}_subscription_notifying_quantumleap_allowed`] = { expect: 'allow', input: subscribe(p) };
    cases[`test_${p}_subscription_with_own_custom_headers_allowed`] = { expect: 'allow', input: subscribe(p, { 'X-Trace': 'on' }) };
    cases[`test_${p}_own_token_allowed`] = { expect: 'allow', input: request('/orion/v2/entities', { authorization: bearer(token(p, tenantOf(p))), 'fiware-service': tenantOf(p) }) };
    cases[`test_${p}_provisions_own_key_allowed`] = { expect: 'allow', input: provision(p, `${tenantOf(p)}-k1`) };
    cases[`test_${p}_device_with_own_key_allowed`] = { expect: 'allow', input: request(`/iota-south/iot/d?k=${tenantOf(p)}-k1&i=dev1`, {}) };
  }
  cases.test_device_with_the_agents_default_key_denied = { expect: 'deny', input: request('/iota-south/iot/d?k=TEF&i=dev1', {}) };
  for (const [a, b] of pairs) {
    const t = `test_${a}_vs_${b}`;
    cases[`${t}_token_with_other_header_denied`] = { expect: 'deny', input: request('/orion/v2/entities', { authorization: bearer(token(a, tenantOf(a))), 'fiware-service': tenantOf(b) }) };
    cases[`${t}_token_claiming_other_tenant_denied`] = { expect: 'deny', input: request('/orion/v2/entities', { authorization: bearer(token(a, tenantOf(b))), 'fiware-service': tenantOf(b) }) };
    cases[`${t}_provisions_other_tenants_key_denied`] = { expect: 'deny', input: provision(a, `${tenantOf(b)}-k1`) };
    for (const header of notificationTenantHeaders) {
      for (const spelling of [header, header.toLowerCase(), header.toUpperCase()]) {
        const value = header === 'Fiware-ServicePath' ? '/' : tenantOf(b);
        cases[`${t}_subscription_setting_${spelling.replace(/-/g, '_')}_denied`] = { expect: 'deny', input: subscribe(a, { [spelling]: value }) };
      }
    }
    // QuantumLeap's server reads `_` as `-`: any spelling of a tenant header beside the checked one.
    for (const header of QUANTUMLEAP_1_0_TENANT_HEADERS.headers.filter((h) => h !== 'Fiware-ServicePath')) {
      for (const spelling of [header.toLowerCase(), header.toLowerCase().replace(/-/g, '_')].filter((n) => n !== 'fiware-service')) {
        cases[`${t}_query_with_${spelling.replace(/-/g, '_')}_of_other_tenant_denied`] = {
          expect: 'deny',
          input: request('/quantumleap/v2/entities', { authorization: bearer(token(a, tenantOf(a))), 'fiware-service': tenantOf(a), [spelling]: tenantOf(b) }),
        };
      }
    }
    cases[`${t}_subscription_injecting_fiware_service_denied`] = { expect: 'deny', input: subscribe(a, { 'X-Trace': `on%0D%0AFiware-Service: ${tenantOf(b)}` }) };
    cases[`${t}_key_signing_other_realm_token_denied`] = {
      expect: 'deny',
      input: request('/quantumleap/v2/entities', { authorization: bearer(sign(a, { iss: data.tenants[tenantOf(b)].issuer, aud: 'fiware', exp: now + 600, tenant: tenantOf(b) })), 'fiware-service': tenantOf(b) }),
    };
  }
  const module = [
    'package tenancy_matrix_test',
    'import rego.v1',
    'import data.iiot.authz',
    `realm_keys := ${JSON.stringify(jwks)}`,
    `matrix_data := ${JSON.stringify(data)}`,
    'keys_send(req) := {"status_code": 200, "raw_body": json.marshal(realm_keys[req.url])} if realm_keys[req.url]',
    'keys_send(req) := {"status_code": 404, "raw_body": ""} if not realm_keys[req.url]',
    'decide(req) if authz.allow with input as req with data.tenant_policy as matrix_data with http.send as keys_send',
    ...Object.entries(cases).map(([name, c]) => `${name} if ${c.expect === 'allow' ? '' : 'not '}decide(${JSON.stringify(c.input)})`),
  ].join('\n\n');

  let outcomes: Record<string, string>;
  beforeAll(async () => {
    outcomes = await runRegoTests([
      { file: 'tenant.rego', source: fs.readFileSync(TENANT_POLICY_FILE, 'utf8') },
      { file: 'tenancy-matrix.rego', source: module },
    ]);
  });
  afterAll(stopOpaEngine);
  test.each(Object.entries(cases).map(([name, c]) => [name, c.expect]))('%s (%s)', (name) => {
    expect(outcomes[name]).toBe('pass');
  });
});
