import { retireDevices } from '../../lib/functions/device-retirement';
import { FakeRegistry, FLEETS, MemoryStore, record, request } from './fakes';

const cert = 'arn:aws:iot:eu-central-1:111111111111:cert/abc';
const now = () => new Date('2026-05-01T10:00:00Z');

describe('device retirement', () => {
  test('releases certificates, groups, core device and thing; marks the serial retired; keeps its records', async () => {
    const registry = new FakeRegistry(new Map([['acme_SN-0001', { certificates: [cert], groups: ['acme_press-gw-v1'] }]]));
    const store = new MemoryStore();
    await store.add(record());
    const res = await retireDevices(registry, store, FLEETS, now)(request('POST', '/retire', { pilot: 'acme', serial: 'SN-0001' }));
    expect(res.statusCode).toBe(200);
    expect(registry.calls).toEqual([
      `release ${cert} from acme_SN-0001`,
      'remove acme_SN-0001 from acme_press-gw-v1',
      'delete core device acme_SN-0001',
      'delete thing acme_SN-0001',
    ]);
    expect(store.retired.get('SN-0001')).toEqual({ at: '2026-05-01T10:00:00.000Z', by: 'arn:aws:sts::111111111111:assumed-role/operators/alice' });
    expect((await store.history('SN-0001')).records).toHaveLength(1);
  });

  test('repeating it is safe: nothing left to release, still 200', async () => {
    const registry = new FakeRegistry(new Map());
    const res = await retireDevices(registry, new MemoryStore(), FLEETS, now)(request('POST', '/retire', { pilot: 'acme', serial: 'SN-0001' }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ certificatesReleased: [], removedFromGroups: [] });
  });

  test.each([
    [{ pilot: 'zulu', serial: 'SN-0001' }, /pilot must be one of acme, bravo/],
    [{ pilot: 'acme', serial: '../x' }, /serial must be/],
  ])('rejects %j with a 400', async (body, expected) => {
    const res = await retireDevices(new FakeRegistry(new Map()), new MemoryStore(), FLEETS, now)(request('POST', '/retire', body));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(expected);
  });
});
