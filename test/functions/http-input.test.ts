/**
 * Hostile input to the HTTP handlers' shared pieces and the CI handlers: malformed percent-escapes,
 * prototype keys, numbers JSON can carry but the store cannot hold, bodies of the wrong shape. Each
 * answers 4xx, stores and calls nothing, and never resolves a request key through Object.prototype.
 * The edge handlers' own hostile inputs run against moto in test-record-api, provisioning-hook and
 * device-retirement tests.
 */
import { createHmac } from 'crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createIngest } from '../../lib/functions/build-stats';
import { fleetGeneration, fleetOf } from '../../lib/functions/fleet-directory';
import { decodePathSegment, ownEntry } from '../../lib/functions/http';
import { createRelay } from '../../lib/functions/webhook-relay';
import { FLEETS, request, reporterSession } from './fakes';

/** Keys a request can name that an ordinary object inherits. */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);

test('no prototype key resolves to an entry, a fleet or a generation', () => {
  expect(PROTOTYPE_KEYS).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']));
  for (const key of PROTOTYPE_KEYS) {
    expect(ownEntry(FLEETS, key)).toBeUndefined();
    expect(fleetOf(FLEETS, key)).toBeUndefined();
    expect('problem' in fleetGeneration(FLEETS, 'acme', key)).toBe(true);
  }
  expect(ownEntry(FLEETS, 'acme')).toBe(FLEETS.acme);
});

test.each(['%', '%2', '%zz', 'SN%', 'SN-%G1', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%C3'])('malformed percent-escape %s decodes to nothing', (segment) => {
  expect(decodePathSegment(segment)).toBeUndefined();
});

describe('CI handlers refuse bad input with a 4xx', () => {
  test.each([['buildNumber', '1e400'], ['buildNumber', '1.5'], ['durationSeconds', '1e400'], ['durationSeconds', '-1']])('build record %s = %s', async (field, n) => {
    const stored: unknown[] = [];
    const ingest = createIngest({ platform: 'demo', components: new Set(['acme/line-monitor']), putIfAbsent: async (item) => (stored.push(item), true), reportStatus: async () => undefined, log: () => undefined });
    const good = { pilot: 'acme', component: 'line-monitor', commit: '3f9c2a7b1d4e3f9c2a7b1d4e3f9c2a7b1d4e3f9c', ref: 'main', refType: 'branch', architecture: 'arm64', result: 'SUCCESS', buildNumber: 42, durationSeconds: 312.5, finishedAt: '2026-11-22T05:30:00Z' };
    const event = JSON.parse(JSON.stringify(good).replace(new RegExp(`"${field}":[\\d.]+`), `"${field}":${n}`));
    expect((await ingest(request('POST', '/', event, reporterSession('demo', 'acme')))).statusCode).toBe(400);
    expect(stored).toEqual([]);
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
