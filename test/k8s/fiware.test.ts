import { synthDemoCharts } from '../fixtures/demo-charts';
import { GRAFANA_10_SQL_VARIABLES, IOTAGENT_UL_2_4_TRANSPORT_SWITCHES } from './upstream-facts';

const demo = synthDemoCharts();
const fiware = demo.objects('fiware');
const named = (kind: string, name: string) => {
  const found = fiware.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const container = (kind: string, name: string) => named(kind, name).spec.template.spec.containers[0];
const env = (c: { env: { name: string; value: string }[] }) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

test('everything lives in the fiware namespace', () => {
  expect(new Set(fiware.map((o) => o.metadata.namespace))).toEqual(new Set(['fiware']));
});

test('Orion runs multi-tenant on MongoDB and is probed on /version', () => {
  const orion = container('Deployment', 'orion');
  expect(orion.args).toEqual(['-fg', '-multiservice', '-disableFileLog', '-dbhost', 'mongo.fiware.svc.cluster.local']);
  expect(orion.readinessProbe.httpGet).toMatchObject({ path: '/version', port: 1026 });
  expect(orion.livenessProbe.httpGet).toMatchObject({ path: '/version', port: 1026 });
});

test.each([
  ['mongo', '/data/db', '20Gi'],
  ['crate', '/data', '50Gi'],
])('%s is a StatefulSet with a gp3 volume at %s', (name, mountPath, size) => {
  const sts = named('StatefulSet', name);
  expect(sts.spec.volumeClaimTemplates).toEqual([
    { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: size } } } },
  ]);
  expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath });
});

test('the IoT Agent has the north and south ports and the DESIGN.md environment', () => {
  const agent = container('Deployment', 'iotagent-ul');
  expect(agent.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([4041, 7896]);
  expect(env(agent)).toMatchObject({
    IOTA_CB_HOST: 'orion.fiware.svc.cluster.local',
    IOTA_CB_PORT: '1026',
    IOTA_NORTH_PORT: '4041',
    IOTA_HTTP_PORT: '7896',
    IOTA_PROVIDER_URL: 'http://iotagent-ul.fiware.svc.cluster.local:4041',
    IOTA_CB_NGSI_VERSION: 'v2',
    IOTA_REGISTRY_TYPE: 'mongodb',
    IOTA_MONGO_HOST: 'mongo.fiware.svc.cluster.local',
    IOTA_MONGO_PORT: '27017',
    IOTA_MONGO_DB: expect.any(String),
  });
  expect(agent.readinessProbe.httpGet).toMatchObject({ path: '/iot/about', port: 4041 });
});

test('the IoT Agent starts no MQTT or AMQP client (no broker runs): both switches on, as iotagent-ul reads them', () => {
  const agentEnv = env(container('Deployment', 'iotagent-ul'));
  for (const variable of Object.values(IOTAGENT_UL_2_4_TRANSPORT_SWITCHES.variables)) expect({ variable, disables: IOTAGENT_UL_2_4_TRANSPORT_SWITCHES.disables(agentEnv[variable]) }).toEqual({ variable, disables: true });
});

test('QuantumLeap stores in CrateDB and is probed on /health and /version', () => {
  const ql = container('Deployment', 'quantumleap');
  expect(env(ql)).toEqual({ CRATE_HOST: 'crate.fiware.svc.cluster.local', CRATE_PORT: '4200', CRATE_DB_USER: 'quantumleap', CRATE_DB_PASS: undefined, LOGLEVEL: 'INFO' });
  expect(ql.readinessProbe.httpGet).toMatchObject({ path: '/health', port: 8668 });
  expect(ql.livenessProbe.httpGet).toMatchObject({ path: '/version', port: 8668 });
});

test('CrateDB lands only on nodes prepared with vm.max_map_count, without a privileged step', () => {
  const pod = named('StatefulSet', 'crate').spec.template.spec;
  expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
    { matchExpressions: [{ key: 'iiot-platform/crate-ready', operator: 'In', values: ['true'] }] },
  ]);
  expect(pod.initContainers).toBeUndefined();
});

describe('Grafana', () => {
  const configMap = (name: string) => named('ConfigMap', name).data;

  test('has CrateDB as a PostgreSQL datasource on port 5432', () => {
    expect(configMap('grafana-datasources')['datasources.yaml']).toMatch(/type: postgres\n\s+url: crate\.fiware\.svc\.cluster\.local:5432/);
  });

  describe('one dashboard over every tenant, the tenant picked from the schemas QuantumLeap created', () => {
    const dashboards = configMap('grafana-dashboards');
    const model = JSON.parse(dashboards['fiware-tenants.json']);
    const variables = Object.fromEntries(model.templating.list.map((v: { name: string }) => [v.name, v]));
    // Grafana's interpolation of single-value variables (GRAFANA_10_SQL_VARIABLES): the value as it is.
    const interpolate = (sql: string, values: Record<string, string>) => sql.replace(/\$(\w+)/g, (m, name) => (name in values ? values[name] : m));

    test('the chart names no tenant: it renders the same with one pilot as with two', () => {
      expect(Object.keys(dashboards)).toEqual(['fiware-tenants.json']);
      const one = synthDemoCharts({ ...demo.model, pilots: demo.model.pilots.slice(0, 1) });
      expect(one.objects('fiware')).toEqual(fiware);
    });

    test('its variables are single-valued, so Grafana puts the chosen value into the SQL as it is', () => {
      expect(GRAFANA_10_SQL_VARIABLES.singleValue).toBe('as is');
      for (const v of Object.values(variables) as { multi: boolean; includeAll: boolean }[]) expect(v).toMatchObject({ multi: false, includeAll: false });
    });

    test.each(demo.model.pilots.map((p) => p.fiwareService))('tenant %s: the options come from its QuantumLeap schema and its panels read only that schema', (tenant) => {
      // CrateDB answers the tenant query with one row per schema; substr(name, n) is 1-based.
      const tenantQuery = /^SELECT substr\(schema_name, (\d+)\) FROM information_schema\.schemata WHERE schema_name LIKE '(\w+)%' ORDER BY 1$/.exec(variables.tenant.query)!;
      expect(tenantQuery).not.toBeNull();
      const [, from, prefix] = tenantQuery;
      const schema = `mt${tenant}`; // QuantumLeap's schema of a tenant
      expect(schema.startsWith(prefix)).toBe(true);
      expect(schema.slice(Number(from) - 1)).toBe(tenant);
      const values = { tenant, entity_table: 'etdevice' };
      expect(interpolate(variables.entity_table.query, values)).toContain(`table_schema = '${schema}'`);
      for (const panel of model.panels) {
        for (const target of panel.targets) expect(interpolate(target.rawSql, values)).toMatch(new RegExp(`FROM "${schema}"\\."etdevice"`));
      }
    });
  });

  test('takes its admin credentials from a Secret that is not rendered', () => {
    const adminEnv = container('Deployment', 'grafana').env.filter((e: { name: string }) => e.name.startsWith('GF_SECURITY_ADMIN'));
    expect(adminEnv.map((e: { valueFrom: { secretKeyRef: { name: string } } }) => e.valueFrom.secretKeyRef.name)).toEqual(['grafana-admin', 'grafana-admin']);
    expect(fiware.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('Kubernetes rules the workloads depend on', () => {
  const all = synthDemoCharts().all;
  test.each(all.filter((o) => o.kind === 'StatefulSet').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]))(
    // StatefulSet API: serviceName "must exist before the StatefulSet, and is responsible for the network identity of the set" (a headless Service).
    'StatefulSet %s names a headless Service of its namespace selecting its pods',
    (_name, set) => {
      const governing = all.find((o) => o.kind === 'Service' && o.metadata.namespace === set.metadata.namespace && o.metadata.name === set.spec.serviceName);
      expect(governing?.spec.clusterIP).toBe('None');
      expect(set.spec.template.metadata.labels).toMatchObject(governing!.spec.selector);
    },
  );
  test.each(all.flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c: { name: string }) => [`${o.metadata.namespace}/${o.metadata.name}/${c.name}`, c])))(
    // An exec probe is killed after timeoutSeconds (default 1 s); a Node.js client such as mongosh takes longer to start.
    'exec probes of %s allow at least 5 s',
    (_name, c) => {
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter((p) => p?.exec)) expect(probe.timeoutSeconds ?? 1).toBeGreaterThanOrEqual(5);
    },
  );
});
