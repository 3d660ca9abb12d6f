import { synthDemoCharts } from '../fixtures/demo-charts';

const demo = synthDemoCharts();
const identity = demo.objects('identity');
const named = (kind: string, name: string) => identity.find((o) => o.kind === kind && o.metadata.name === name)!;
const keycloak = named('Deployment', 'keycloak').spec.template.spec;
const env = Object.fromEntries(keycloak.containers[0].env.map((e: { name: string }) => [e.name, e]));

test('Keycloak serves under /auth with one fixed frontend URL, behind the gateway', () => {
  expect(env.KC_HTTP_RELATIVE_PATH.value).toBe('/auth');
  expect(env.KC_HOSTNAME_URL.value).toBe('https://iiot.demo.example.com/auth');
  expect(env.KC_PROXY_HEADERS.value).toBe('xforwarded');
  expect(keycloak.containers[0].readinessProbe.httpGet).toMatchObject({ path: '/auth/health/ready', port: 8080 });
});

test('Keycloak stores in its own PostgreSQL on a persistent volume, not H2', () => {
  expect(env.KC_DB.value).toBe('postgres');
  expect(env.KC_DB_URL.value).toBe('jdbc:postgresql://keycloak-db.identity.svc.cluster.local:5432/keycloak');
  const db = named('StatefulSet', 'keycloak-db');
  expect(db.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } } });
});

test('credentials come from Secrets that are referenced, never rendered', () => {
  const fromSecret = (name: string) => env[name].valueFrom.secretKeyRef;
  expect(fromSecret('KEYCLOAK_ADMIN')).toEqual({ name: 'keycloak-admin', key: 'username' });
  expect(fromSecret('KEYCLOAK_ADMIN_PASSWORD')).toEqual({ name: 'keycloak-admin', key: 'password' });
  expect(fromSecret('KC_DB_PASSWORD')).toEqual({ name: 'keycloak-db', key: 'password' });
  expect(demo.all.filter((o) => o.kind === 'Secret')).toEqual([]);
});

describe('one realm per pilot, imported at start', () => {
  const realms = named('ConfigMap', 'keycloak-realms').data;

  test('mounted where Keycloak imports from', () => {
    expect(Object.keys(realms)).toEqual(['acme.json', 'bravo.json']);
    expect(keycloak.containers[0].args).toEqual(['start', '--import-realm']);
    expect(keycloak.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/opt/keycloak/data/import', readOnly: true }));
  });

  test.each(demo.model.pilots.map((p) => [p.name, p.fiwareService]))('realm %s issues tokens with tenant %s and the fiware audience', (realm, tenant) => {
    const json = JSON.parse(realms[`${realm}.json`]);
    expect(json.realm).toBe(realm);
    const [client] = json.clients;
    expect(client).toMatchObject({ clientId: 'fiware-api', publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false });
    const mapper = (type: string) => client.protocolMappers.find((m: { protocolMapper: string }) => m.protocolMapper === type).config;
    expect(mapper('oidc-hardcoded-claim-mapper')).toMatchObject({ 'claim.name': 'tenant', 'claim.value': tenant, 'access.token.claim': 'true' });
    expect(mapper('oidc-audience-mapper')).toMatchObject({ 'included.custom.audience': 'fiware', 'access.token.claim': 'true' });
  });
});

test('the tenant policy trusts exactly the realms Keycloak imports', () => {
  const data = JSON.parse(demo.objects('tenant-policy').find((o) => o.metadata.name === 'opa-policy')!.data['data.json']);
  const issuers = Object.values(data.tenant_policy.tenants).map((t) => (t as { issuer: string }).issuer);
  expect(issuers).toEqual(demo.model.pilots.map((p) => `${env.KC_HOSTNAME_URL.value}/realms/${p.name}`));
});

