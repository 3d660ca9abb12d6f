/**
 * Hostile input to every handler: malformed percent-escapes, prototype keys, numbers JSON can carry
 * but DynamoDB cannot store, bodies of the wrong shape. Each answers 4xx (or refuses), stores and
 * calls nothing, and never resolves a request key through Object.prototype. One table per class.
 */
import { createHmac } from 'crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngest } from '../../lib/functions/build-stats';
import { retireDevices } from '../../lib/functions/device-retirement';
import { decodePathSegment, ownEntry } from '../../lib/functions/http';
import { provisioningHook } from '../../lib/functions/provisioning-hook';
import { ingestRecords, queryRecords } from '../../lib/functions/test-record-api';
import { createRelay } from '../../lib/functions/webhook-relay';
import { FakeRegistry, FLEETS, MemoryStore, record, request } from './fakes';

/** Keys a request can name that an ordinary object inherits. */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

test('the prototype keys cover __proto__, constructor and the inherited methods', () => {
  expect(PROTOTYPE_KEYS).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']));
  for (const key of PROTOTYPE_KEYS) expect(ownEntry(FLEETS, key)).toBeUndefined();
  expect(ownEntry(FLEETS, 'acme')).toBe(FLEETS.acme);
});

describe('malformed percent-escapes in a path are a 400', () => {
  const malformed = ['%', '%2', '%zz', 'SN%', 'SN-%G1', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%C3'];
  test.each(malformed)('GET /records/%s', async (segment) => {
    expect(decodePathSegment(segment)).toBeUndefined();
    const res = await queryRecords(new MemoryStore())(request('GET', `/records/${segment}`));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toMatch(/malformed percent-escapes/);
  });

  test.each(['%00', '%2F', 'SN%20001', '%E2%80%8B'])('well-formed escapes of bad serials are a 400 too: %s', async (segment) => {
    const res = await queryRecords(new MemoryStore())(request('GET', `/records/${segment}`));
    expect(res.statusCode).toBe(400);
  });

  test('a well-formed escaped serial is found', async () => {
    const store = new MemoryStore();
    await store.add(record());
    expect((await queryRecords(store)(request('GET', '/records/SN%2D0001'))).statusCode).toBe(200);
  });
});

describe('prototype keys from a request never select a fleet', () => {
  test.each(PROTOTYPE_KEYS)('ingest with pilot or generation %s', async (key) => {
    const store = new MemoryStore();
    const ingest = ingestRecords(store, FLEETS);
    for (const body of [{ ...record(), pilot: key }, { ...record(), generation: key }, { ...record(), pilot: key, generation: 'name' }]) {
      const res = await ingest(request('POST', '/records', body));
      expect(res.statusCode).toBe(400);
    }
    expect(store.items.size).toBe(0);
  });

  test.each(PROTOTYPE_KEYS)('retire pilot %s', async (key) => {
    const registry = new FakeRegistry(new Map());
    const store = new MemoryStore();
    const res = await retireDevices(registry, store, FLEETS)(request('POST', '/retire', { pilot: key, serial: 'SN-0001' }));
    expect(res.statusCode).toBe(400);
    expect(registry.calls).toEqual([]);
    expect(store.retired.size).toBe(0);
  });

  test.each(PROTOTYPE_KEYS)('provisioning claim for pilot or generation %s', async (key) => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const store = new MemoryStore();
    // Even a device with passing records under that name is refused: it is not a fleet.
    store.items.set('x', { ...record(), pilot: key, generation: 'name' });
    store.items.set('y', { ...record({ serial: 'SN-0002' }), generation: key });
    const hook = provisioningHook(store, FLEETS);
    for (const parameters of [
      { SerialNumber: 'SN-0001', Pilot: key, Generation: 'name' },
      { SerialNumber: 'SN-0002', Pilot: 'acme', Generation: key },
    ]) {
      expect(await hook({ certificateId: 'abc', parameters })).toEqual({ allowProvisioning: false });
    }
    jest.restoreAllMocks();
  });
});

describe('numbers out of what the store holds are a 400', () => {
  // Written as JSON text: 1e400 parses to Infinity, 1e126 and 1e-131 are finite but beyond DynamoDB.
  const numbers = ['1e400', '-1e400', '1e126', '-1e126', '1e-131', '-5e-324'];
  test.each(numbers.flatMap((n) => ['value', 'range.min', 'range.max'].map((field): [string, string] => [field, n])))('%s = %s', async (field, n) => {
    const store = new MemoryStore();
    const base = JSON.stringify({ ...record(), value: 'VALUE', range: { min: 'MIN', max: 'MAX' } });
    const body = base
      .replace('"VALUE"', field === 'value' ? n : '24.1')
      .replace('"MIN"', field === 'range.min' ? n : '23.5')
      .replace('"MAX"', field === 'range.max' ? n : '24.5');
    const res = await ingestRecords(store, FLEETS)(request('POST', '/records', body));
    expect(res.statusCode).toBe(400);
    expect(store.items.size).toBe(0);
  });

  test('values at the store\'s limits are kept', async () => {
    const store = new MemoryStore();
    const res = await ingestRecords(store, FLEETS)(request('POST', '/records', { ...record(), result: 'fail', value: 9.9e125, range: { min: -9.9e125, max: 1e-130 } }));
    expect(res.statusCode).toBe(201);
  });

  test.each([['buildNumber', '1e400'], ['buildNumber', '1.5'], ['durationSeconds', '1e400'], ['durationSeconds', '-1']])('build record %s = %s', async (field, n) => {
    const stored: unknown[] = [];
    const ingest = createIngest({ components: new Set(['acme/line-monitor']), putIfAbsent: async (item) => (stored.push(item), true), reportStatus: async () => undefined, log: () => undefined });
    const good = { pilot: 'acme', component: 'line-monitor', commit: '3f9c2a7b1d4e3f9c2a7b1d4e3f9c2a7b1d4e3f9c', ref: 'main', refType: 'branch', architecture: 'arm64', result: 'SUCCESS', buildNumber: 42, durationSeconds: 312.5, finishedAt: '2026-11-22T05:30:00Z' };
    const event = JSON.parse(JSON.stringify(good).replace(new RegExp(`"${field}":[\\d.]+`), `"${field}":${n}`));
    expect((await ingest(event)).statusCode).toBe(400);
    expect(stored).toEqual([]);
  });
});

describe('bodies of the wrong shape are a 4xx', () => {
  const bodies = ['null', '[]', '"x"', '1', 'true', '{"__proto__": {"pilot": "acme"}}', '{"constructor": {"prototype": {}}}', '\u0000', '{'];
  test.each(bodies)('ingest %j', async (body) => {
    const res = await ingestRecords(new MemoryStore(), FLEETS)(request('POST', '/records', body));
    expect(res.statusCode).toBe(400);
  });

  test.each(bodies)('retire %j', async (body) => {
    const registry = new FakeRegistry(new Map());
    const res = await retireDevices(registry, new MemoryStore(), FLEETS)(request('POST', '/retire', body));
    expect(res.statusCode).toBe(400);
    expect(registry.calls).toEqual([]);
  });

  test.each(['null', '[]', '"x"', '1', '{"repository": null}', '{"repository": "x"}', '{"__proto__": {"ssh_url": "git@github.com:acme-industries/line-monitor.git"}}'])(
    'signed GitHub push %j',
    async (body) => {
      const notified: string[] = [];
      const relay = createRelay({ secret: async () => 's', claimDelivery: async () => true, releaseDelivery: async () => undefined, notifyJenkins: async (u) => void notified.push(u), repositories: ['git@github.com:acme-industries/line-monitor.git'] });
      const signature = `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`;
      const event = { requestContext: { http: { method: 'POST' } }, headers: { 'x-github-event': 'push', 'x-github-delivery': '0b7e5a50-0f7c-11ef-9d2a-6d3f6c1e2a07', 'x-hub-signature-256': signature }, body } as unknown as APIGatewayProxyEventV2;
      const res = await relay(event);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(notified).toEqual([]);
    },
  );
});
