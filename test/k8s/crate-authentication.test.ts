/**
 * CrateDB requires authentication: the rendered settings, evaluated with CrateDB's own rules
 * (./semantics/crate-hba.ts), after the rendered users script ran against a fake psql
 * (./crate-users-runner.ts) with the Secrets QuantumLeap and Grafana read. Upstream facts:
 * ./upstream-facts.ts (CrateDB 4.6.7, QuantumLeap 1.0.0, Istio 1.29.0, Grafana).
 */
import { crateHostBasedAuthSettings, crateUsersScript } from '../../k8s/fiware/crate-authentication';
import { CRATE_USER_SECRETS } from '../../k8s/fiware/fiware-chart';
import { KubeJson, synthDemoCharts } from '../fixtures/demo-charts';
import { parse } from 'yaml';
import { crateAfterUsersRan, renderedCrate, resolvedEnv, runCrateUsers } from './crate-users-runner';
import { CrateHostBasedAuth, CrateLogin } from './semantics/crate-hba';
import { CRATE_4_6_HBA, GRAFANA_PROVISIONING_ENV, ISTIO_INBOUND_SOURCE_ADDRESS, QUANTUMLEAP_1_0_CRATE_ENV } from './upstream-facts';

const fiware = synthDemoCharts().objects('fiware');
const workload = (kind: string, name: string) => fiware.find((o) => o.kind === kind && o.metadata.name === name)!.spec.template.spec;
const { settings, script, secretOfUser } = renderedCrate(fiware);

/** Secret name -> the Secret's password, as the operator would create them. */
const secretValues: Record<string, string> = { [CRATE_USER_SECRETS.quantumleap]: 'c0ffee0123456789abcdef0123456789', [CRATE_USER_SECRETS.grafana]: 'a11ce0123456789abcdef0123456789f', [CRATE_USER_SECRETS.backup]: 'bac0ffee0123456789abcdef01234567' };
const run = (options: Parameters<typeof runCrateUsers>[2] = {}, values = secretValues) =>
  runCrateUsers(script, Object.fromEntries(Object.entries(secretOfUser).map(([user, secret]) => [user, values[secret]])), options);

const ql = resolvedEnv(workload('Deployment', 'quantumleap').containers[0], secretValues);
const grafanaEnv = resolvedEnv(workload('Deployment', 'grafana').containers[0], secretValues);
const grafanaConfigMap = fiware.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-datasources')!;
const datasource = parse(grafanaConfigMap.data['datasources.yaml']).datasources.find((d: KubeJson) => d.name === 'CrateDB');
const expand = (value: string) => value.replace(GRAFANA_PROVISIONING_ENV, (_m, a, b) => grafanaEnv[a ?? b] ?? '');

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
/** Mesh traffic reaches CrateDB from its sidecar's inbound address, whoever sent it. */
const viaMesh = ISTIO_INBOUND_SOURCE_ADDRESS;

describe('the rendered CrateDB settings', () => {
  test('turn host-based authentication on, with CrateDB 4.6 setting names only', () => {
    expect(settings[CRATE_4_6_HBA.enabledSetting]).toBe('true');
    for (const key of Object.keys(settings).filter((k) => k.startsWith('auth.'))) {
      if (key === CRATE_4_6_HBA.enabledSetting) continue;
      const [group, field] = key.slice(CRATE_4_6_HBA.entryPrefix.length).split('.');
      expect({ key, prefix: key.startsWith(CRATE_4_6_HBA.entryPrefix), group: /^[^.]+$/.test(group), field: (CRATE_4_6_HBA.entryFields as readonly string[]).includes(field) }).toEqual({ key, prefix: true, group: true, field: true });
    }
    for (const [key, value] of Object.entries(settings)) {
      if (key.endsWith('.method')) expect(CRATE_4_6_HBA.methods).toContain(value);
      if (key.endsWith('.protocol')) expect(CRATE_4_6_HBA.protocols).toContain(value);
    }
  });

  test('hold no password', () => {
    const rendered = JSON.stringify(fiware);
    for (const value of Object.values(secretValues)) expect(rendered).not.toContain(value);
    // The script's SQL takes the password from its Secret file (printf's %s), never a literal.
    expect(rendered).not.toMatch(/password = '(?!%s')/);
  });

  test('QuantumLeap reads its login from the variables QuantumLeap 1.0 reads, its password from its Secret', () => {
    const c = workload('Deployment', 'quantumleap').containers[0];
    const byName = Object.fromEntries(c.env.map((e: KubeJson) => [e.name, e]));
    expect(byName[QUANTUMLEAP_1_0_CRATE_ENV.user].value).toBe('quantumleap');
    expect(byName[QUANTUMLEAP_1_0_CRATE_ENV.password].valueFrom.secretKeyRef).toEqual({ name: CRATE_USER_SECRETS.quantumleap, key: 'password' });
    expect(byName[QUANTUMLEAP_1_0_CRATE_ENV.password].value).toBeUndefined();
  });

  test("Grafana's datasource logs in as the read-only user, its password expanded from the environment", () => {
    expect(datasource).toMatchObject({ type: 'postgres', user: 'grafana', secureJsonData: { password: expect.stringMatching(GRAFANA_PROVISIONING_ENV) } });
    expect(expand(datasource.secureJsonData.password)).toBe(secretValues[CRATE_USER_SECRETS.grafana]);
  });
});

describe('the users container', () => {
  test('creates each user with the password of its Secret and grants its privileges, as crate from 127.0.0.1 over pg', () => {
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.applied).toBe(true);
    expect(result.users).toEqual(new Map([['quantumleap', secretValues[CRATE_USER_SECRETS.quantumleap]], ['grafana', secretValues[CRATE_USER_SECRETS.grafana]], ['crate_backup', secretValues[CRATE_USER_SECRETS.backup]]]));
    expect(result.grants).toEqual(new Map([['quantumleap', ['DQL', 'DML', 'DDL']], ['grafana', ['DQL']], ['crate_backup', ['AL', 'DQL']]]));
    const hba = new CrateHostBasedAuth(settings, result.users);
    for (const call of result.calls) {
      const arg = (flag: string) => call.args[call.args.indexOf(flag) + 1];
      expect(hba.login({ protocol: 'pg', address: arg('-h'), user: arg('-U') })).toMatchObject({ allowed: true });
      // Passwords reach psql on stdin, never its command line.
      for (const value of Object.values(secretValues)) expect(call.args.join(' ')).not.toContain(value);
    }
  });

  test('follows a changed Secret on its next round (ALTER USER), so the old password stops working', () => {
    const rotated = 'beef0123456789abcdef0123456789ab';
    const result = run({ rounds: 2, between: (_r, world) => world.secret('grafana', rotated) });
    expect(result.users.get('grafana')).toBe(rotated);
    const hba = new CrateHostBasedAuth(settings, result.users);
    expect(hba.login({ protocol: 'pg', address: viaMesh, user: 'grafana', password: rotated }).allowed).toBe(true);
    expect(hba.login({ protocol: 'pg', address: viaMesh, user: 'grafana', password: secretValues[CRATE_USER_SECRETS.grafana] }).allowed).toBe(false);
  });

  test('waits for CrateDB: not applied (so not ready) while it is down, applied once it is up', () => {
    let result = run({ down: true });
    expect(result.applied).toBe(false);
    expect(result.stderr).toMatch(/crate-users: could not set the users/);
    result = run({ down: true, rounds: 2, between: (_r, world) => world.up() });
    expect(result.applied).toBe(true);
    expect(result.users.get('quantumleap')).toBe(secretValues[CRATE_USER_SECRETS.quantumleap]);
  });

  test('refuses a password that could break out of its SQL literal, and sends nothing with it', () => {
    const result = run({}, { ...secretValues, [CRATE_USER_SECRETS.quantumleap]: "x'); DROP USER grafana; --" });
    expect(result.applied).toBe(false);
    expect(result.stderr).toMatch(/quantumleap\/password must hold a password of the characters/);
    expect(result.calls.map((c) => c.sql).join('\n')).not.toContain('DROP');
  });
});

describe('who CrateDB lets in, after the users container ran', () => {
  const { hba } = crateAfterUsersRan(fiware, secretValues);
  const qlPassword = ql[QUANTUMLEAP_1_0_CRATE_ENV.password]!;
  const allowed: [string, CrateLogin][] = [
    ['QuantumLeap over HTTP with its login', { protocol: 'http', address: viaMesh, headers: basic(ql[QUANTUMLEAP_1_0_CRATE_ENV.user]!, qlPassword) }],
    ['Grafana over pg with its login', { protocol: 'pg', address: viaMesh, user: expand(datasource.user), password: expand(datasource.secureJsonData.password) }],
    ['the users container as crate from 127.0.0.1 over pg', { protocol: 'pg', address: '127.0.0.1', user: 'crate' }],
  ];
  const refused: [string, CrateLogin][] = [
    ['HTTP without credentials (the default user crate)', { protocol: 'http', address: viaMesh }],
    ['HTTP without credentials, claiming 127.0.0.1 in X-Real-Ip', { protocol: 'http', address: viaMesh, headers: { 'x-real-ip': '127.0.0.1' } }],
    ['HTTP as crate with any password', { protocol: 'http', address: viaMesh, headers: basic('crate', '') }],
    ['QuantumLeap with a wrong password', { protocol: 'http', address: viaMesh, headers: basic('quantumleap', 'guess') }],
    ["Grafana's login over HTTP", { protocol: 'http', address: viaMesh, headers: basic('grafana', secretValues[CRATE_USER_SECRETS.grafana]) }],
    ["QuantumLeap's login over pg", { protocol: 'pg', address: viaMesh, user: 'quantumleap', password: qlPassword }],
    ['crate over pg through the mesh', { protocol: 'pg', address: viaMesh, user: 'crate' }],
    ['crate over pg from a pod address', { protocol: 'pg', address: '10.0.12.7', user: 'crate' }],
    ['an unknown user over pg', { protocol: 'pg', address: viaMesh, user: 'tenant', password: 'x' }],
    ['Grafana with an empty password', { protocol: 'pg', address: viaMesh, user: 'grafana', password: '' }],
    ['another node over transport', { protocol: 'transport', address: '10.0.12.8', user: 'crate' }],
  ];
  test.each(allowed)('allowed: %s', (_n, login) => expect(hba.login(login)).toMatchObject({ allowed: true }));
  test.each(refused)('refused: %s', (_n, login) => expect(hba.login(login)).toMatchObject({ allowed: false }));
});

describe('the settings and script builders', () => {
  const secret = { name: 's' } as never;
  test('refuse the superuser, bad or duplicate names and users without privileges', () => {
    expect(() => crateHostBasedAuthSettings([{ name: 'crate', secret, privileges: ['DQL'], protocol: 'pg' }])).toThrow(/superuser/);
    expect(() => crateHostBasedAuthSettings([{ name: "x'y", secret, privileges: ['DQL'], protocol: 'pg' }])).toThrow(/lower-case letters/);
    expect(() => crateUsersScript([{ name: 'a', secret, privileges: ['DQL'], protocol: 'pg' }, { name: 'a', secret, privileges: ['DQL'], protocol: 'http' }])).toThrow(/declared twice/);
    expect(() => crateUsersScript([{ name: 'a', secret, privileges: [], protocol: 'pg' }])).toThrow(/no privileges/);
  });
});
