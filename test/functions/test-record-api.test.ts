import { deviceVerdict, StoredRecord } from '../../lib/functions/factory-test-record';
import { ingestRecords, queryRecords } from '../../lib/functions/test-record-api';
import { TestRecordStore } from '../../lib/functions/test-record-store';
import { addRecords, EdgeBed, FLEETS, record, request, startEdgeBed } from './fakes';

// Handlers run against DynamoDB on a local moto_server through the real store adapter.
let bed: EdgeBed;
beforeAll(async () => (bed = await startEdgeBed()), 60_000);
afterAll(() => bed?.stop());

const now = () => new Date('2026-03-01T09:00:00Z');
const post = (store: TestRecordStore, body: unknown) => ingestRecords(store, FLEETS, now)(request('POST', '/records', body));
const get = (store: TestRecordStore, path: string) => queryRecords(store, FLEETS)(request('GET', path));

describe('factory test record ingest', () => {
  test('accepts a well-formed record with 201 and its run key; the query returns it', async () => {
    const store = await bed.newStore();
    const res = await post(store, record());
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ pilot: 'acme', serial: 'SN-0001', run: 'acme#2026-03-01T08:15:00.000Z#supply-voltage#eol-3', testedAt: '2026-03-01T08:15:00.000Z' });
    const body = JSON.parse((await get(store, '/records/acme/SN-0001')).body);
    expect(body.records).toEqual([{ ...record(), recordedAt: '2026-03-01T09:00:00.000Z' }]);
  });

  test.each([
    ['the same spelling', '2026-03-01T08:15:00Z'],
    ['a +01:00 spelling of the same instant', '2026-03-01T09:15:00+01:00'],
    ['a .000Z spelling of the same instant', '2026-03-01T08:15:00.000Z'],
  ])('never overwrites: %s again is a 409 and the first record stays', async (_what, testedAt) => {
    const store = await bed.newStore();
    await post(store, record());
    const again = await post(store, record({ testedAt, result: 'fail', value: 30 }));
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body).error).toMatch(/never overwritten/);
    const { records } = await store.history('acme', 'SN-0001');
    expect(records).toEqual([expect.objectContaining({ result: 'pass', value: 24.1, testedAt: '2026-03-01T08:15:00Z' })]);
  });

  test('a retest is a new run: both records are kept', async () => {
    const store = await bed.newStore();
    await post(store, record({ result: 'fail', value: 25 }));
    expect((await post(store, record({ testedAt: '2026-03-01T08:45:00Z' }))).statusCode).toBe(201);
    expect((await store.history('acme', 'SN-0001')).records).toHaveLength(2);
  });

  test.each([
    ['not JSON', '{"serial":', /the body must be one factory test record as JSON/],
    ['missing fields', { serial: 'SN-0001' }, /pilot: .*required|pilot: Invalid input/],
    ['bad serial', record({ serial: 'SN 1' }), /serial: must be 3-64 letters/],
    ['ranged test without its value', { ...record(), value: undefined }, /value: a ranged test keeps its measured value/],
    ['pass outside the range', record({ value: 30 }), /result: "pass" contradicts value 30 against range \[23\.5, 24\.5\]/],
    ['timestamp without zone', record({ testedAt: '2026-03-01 08:15' }), /testedAt: must be an ISO 8601 timestamp with zone/],
    ['a record dated beyond the clock skew', record({ testedAt: '2026-03-01T09:06:00Z' }), /testedAt: 2026-03-01T09:06:00Z is in the future/],
    ['unknown field', { ...record(), operator: 'bob' }, /operator/],
    ['unknown generation', record({ generation: 'press-gw-v9' }), /pilot acme has no device generation "press-gw-v9"/],
    ['a generation named like a prototype key', record({ generation: 'constructor' }), /pilot acme has no device generation "constructor"/],
    ['a pilot named like a prototype key', record({ pilot: 'constructor' }), /unknown pilot "constructor"/],
    ['a value beyond the safe integer range', JSON.stringify(record()).replace('24.1', '1e400'), /value: /],
    ['a range bound beyond the safe integer range', record({ range: { min: -(2 ** 60), max: 24.5 } }), /range.min: must be a finite number within/],
  ])('rejects %s with a 400 saying what is wrong, nothing stored', async (_what, body, expected) => {
    const store = await bed.newStore();
    const res = await post(store, body);
    expect(res.statusCode).toBe(400);
    const answer = JSON.parse(res.body);
    expect([answer.error, ...(answer.problems ?? [])].join('\n')).toMatch(expected);
    expect((await store.history('acme', 'SN-0001')).records).toEqual([]);
  });

  test('a record within the clock skew is accepted', async () => {
    expect((await post(await bed.newStore(), record({ testedAt: '2026-03-01T09:04:00Z' }))).statusCode).toBe(201);
  });

  test('only POST', async () => {
    expect((await ingestRecords(await bed.newStore(), FLEETS)(request('GET', '/records'))).statusCode).toBe(405);
  });
});

describe('factory test record query', () => {
  test('the same serial in two pilots never mixes: each pilot sees its own runs and verdicts', async () => {
    const store = await bed.newStore();
    await post(store, record());
    await post(store, record({ pilot: 'bravo', generation: 'cold-logger-v1', result: 'fail', value: 22 }));
    const acme = JSON.parse((await get(store, '/records/acme/SN-0001')).body);
    const bravo = JSON.parse((await get(store, '/records/bravo/SN-0001')).body);
    expect(acme.records.map((r: StoredRecord) => r.pilot)).toEqual(['acme']);
    expect(bravo.records.map((r: StoredRecord) => r.pilot)).toEqual(['bravo']);
    expect(acme.verdicts['press-gw-v1']).toEqual({ passed: true });
    expect(bravo.verdicts['cold-logger-v1']).toEqual({ passed: false, reason: 'supply-voltage: latest run failed' });
  });

  test.each([
    ['a malformed percent-escape', '/records/acme/SN%E0%A4%A', 400],
    ['a malformed serial', '/records/acme/a%20b', 400],
    ['a pilot named like a prototype key', '/records/__proto__/SN-0001', 400],
    ['the old path without pilot', '/records/SN-0001', 404],
  ])('%s: %s', async (_what, path, status) => {
    expect((await get(await bed.newStore(), path)).statusCode).toBe(status);
  });
});

describe('device verdict (records as stored)', () => {
  const required = FLEETS.acme.generations['press-gw-v2'].requiredTests;
  const stored = (recordedAt: string, overrides: Parameters<typeof record>[0] = {}): StoredRecord => ({ ...record({ generation: 'press-gw-v2', ...overrides }), recordedAt });

  test('passes when every required test\'s latest run passed under the current spec', () => {
    expect(deviceVerdict([stored('2026-03-02T00:00:01Z'), stored('2026-03-02T00:00:02Z', { testId: 'rf-power', specVersion: '1.0', range: undefined, value: undefined })], 'press-gw-v2', required)).toEqual({ passed: true });
  });

  test('the latest run is the one recorded last, not the one claiming the latest test time', () => {
    // A station replays an old passing run after the failing retest: the failure stays decisive.
    const records = [
      stored('2026-03-02T00:00:01Z', { testedAt: '2026-03-01T08:00:00Z', result: 'fail', value: 22 }),
      stored('2026-03-02T00:00:00Z', { testedAt: '2026-03-01T09:00:00Z' }),
      stored('2026-03-02T00:00:02Z', { testId: 'rf-power', specVersion: '1.0', range: undefined, value: undefined }),
    ];
    expect(deviceVerdict(records, 'press-gw-v2', required)).toEqual({ passed: false, reason: 'supply-voltage: latest run failed' });
  });

  test('a pass under an old spec version, a missing required test, and runs of another generation do not count', () => {
    const records = [stored('2026-03-02T00:00:01Z', { specVersion: '2.0' }), { ...stored('2026-03-02T00:00:02Z', { testId: 'rf-power', range: undefined, value: undefined }), generation: 'press-gw-v1' }];
    expect(deviceVerdict(records, 'press-gw-v2', required)).toEqual({
      passed: false,
      reason: 'rf-power: no run for generation press-gw-v2; supply-voltage: latest run was against spec 2.0, the current spec is 2.1',
    });
  });

  test('no records: not passed', async () => {
    const store = await bed.newStore();
    await addRecords(store);
    expect(deviceVerdict((await store.history('acme', 'SN-0001')).records, 'press-gw-v1', FLEETS.acme.generations['press-gw-v1'].requiredTests)).toEqual({
      passed: false,
      reason: 'supply-voltage: no run for generation press-gw-v1',
    });
  });
});
