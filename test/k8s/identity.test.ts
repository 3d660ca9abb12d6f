import { IMAGES } from '../../k8s/images';
import { synthDemoCharts } from '../fixtures/demo-charts';
import { realmImportOf, runRealmImport } from './realm-import-runner';
import { KCADM_24, KEYCLOAK_24_IMPORT_AT_START } from './upstream-facts';

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

describe('Keycloak names no realm: the identity chart is the same for any number of pilots', () => {
  test('no import at start, no realm files', () => {
    expect(keycloak.containers[0].args).toEqual(['start']);
    expect(keycloak.volumes ?? []).not.toContainEqual(expect.objectContaining({ configMap: expect.anything() }));
  });

  test('with one pilot the identity chart renders exactly as with two', () => {
    const one = synthDemoCharts({ ...demo.model, pilots: demo.model.pilots.slice(0, 1) });
    expect(one.objects('identity')).toEqual(identity);
  });
});

describe.each(demo.model.pilots.map((p) => [p.name, p.fiwareService, p.displayName]))('pilot %s: its realm, in its own chart', (realm, tenant, displayName) => {
  const objects = demo.objects(`realm-${realm}`);
  const { job, pod, container, configMap } = realmImportOf(objects);
  const json = JSON.parse(configMap.data['realm.json']);

  test(`issues tokens with tenant ${tenant} and the fiware audience`, () => {
    expect(json).toMatchObject({ realm, displayName, enabled: true });
    const [client] = json.clients;
    expect(client).toMatchObject({ clientId: 'fiware-api', publicClient: false, serviceAccountsEnabled: true, standardFlowEnabled: false });
    const mapper = (type: string) => client.protocolMappers.find((m: { protocolMapper: string }) => m.protocolMapper === type).config;
    expect(mapper('oidc-hardcoded-claim-mapper')).toMatchObject({ 'claim.name': 'tenant', 'claim.value': tenant, 'access.token.claim': 'true' });
    expect(mapper('oidc-audience-mapper')).toMatchObject({ 'included.custom.audience': 'fiware', 'access.token.claim': 'true' });
  });

  test('its Job runs the admin CLI of the server\'s own image, as the realm importer, in the identity namespace', () => {
    expect(objects.every((o) => o.metadata.namespace === 'identity')).toBe(true);
    expect(container.image).toBe(IMAGES.keycloak);
    expect(container.env).toContainEqual({ name: 'KCADM', value: KCADM_24.path });
    expect(container.env).toContainEqual({ name: 'KEYCLOAK_URL', value: 'http://keycloak.identity.svc.cluster.local:8080/auth' });
    expect(pod).toMatchObject({ serviceAccountName: 'keycloak-realm-import', automountServiceAccountToken: false, restartPolicy: 'Never' });
    expect(identity.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName)).toBeDefined();
    // Its name carries its content: a changed realm is a new Job, not a rejected update of an immutable one.
    expect(job.metadata.name).toMatch(new RegExp(`^realm-${realm}-[0-9a-f]{8}$`));
  });

  test('on a Keycloak still starting, it waits, then creates the realm from its file', () => {
    const run = runRealmImport(objects, { downFor: 3 });
    expect(run.status).toBe(0);
    expect(run.calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['config credentials', 'config credentials', 'config credentials', 'config credentials', 'get realms', 'create realms']);
    expect(run.realms.get(realm)).toEqual(json);
  });

  test('an existing realm is left as it is, as `--import-realm` does at start', () => {
    expect(KEYCLOAK_24_IMPORT_AT_START.existingRealm).toBe('skipped');
    const existing = { ...json, displayName: 'changed by an operator' };
    const run = runRealmImport(objects, { realms: [existing] });
    expect(run.status).toBe(0);
    expect(run.calls.map((c) => c[0])).not.toContain('create');
    expect(run.realms.get(realm)).toEqual(existing);
  });

  test('a realm whose name merely starts with it is not taken for it', () => {
    const run = runRealmImport(objects, { realms: [{ realm: `${realm}-old` }, { realm: `x${realm}` }] });
    expect(run.status).toBe(0);
    expect(run.realms.get(realm)).toEqual(json);
  });

  test('fails, creating nothing, when Keycloak stays down, refuses the admin or cannot list', () => {
    for (const run of [
      runRealmImport(objects, { downFor: 99 }, { attempts: 3 }),
      runRealmImport(objects, { adminPassword: 'rotated in Keycloak, not in the Secret' }, { attempts: 2 }),
      runRealmImport(objects, { listFails: true }),
    ]) {
      expect(run.status).toBe(1);
      expect(run.calls.map((c) => c[0])).not.toContain('create');
      expect([...run.realms.keys()]).toEqual(['master']);
    }
  });

  test('uses only documented commands and options of the pinned admin CLI', () => {
    const run = runRealmImport(objects, {});
    expect(run.stderr).not.toMatch(/Unknown command|Invalid option|expected --config/);
    expect(run.calls).toContainEqual(['config', 'credentials', '--server', 'http://keycloak.identity.svc.cluster.local:8080/auth', '--realm', 'master', '--user', 'admin', '--password']);
  });
});

test('the tenant policy trusts exactly the pilots\' realms', () => {
  const data = JSON.parse(demo.objects('tenant-policy').find((o) => o.metadata.name === 'opa-policy')!.data['data.json']);
  const issuers = Object.values(data.tenant_policy.tenants).map((t) => (t as { issuer: string }).issuer);
  expect(issuers).toEqual(demo.model.pilots.map((p) => `${env.KC_HOSTNAME_URL.value}/realms/${p.name}`));
});

