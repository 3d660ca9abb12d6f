import { deviceVerdict } from '../../lib/functions/factory-test-record';
import { ingestRecords, queryRecords } from '../../lib/functions/test-record-api';
import { FLEETS, MemoryStore, record, request } from './fakes';

describe('factory test record ingest', () => {
  test('accepts a well-formed record with 201 and its run key', async () => {
    const store = new MemoryStore();
    const res = await ingestRecords(store, FLEETS)(request('POST', '/records', record()));
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ serial: 'SN-0001', run: '2026-03-01T08:15:00Z#supply-voltage#eol-3' });
    expect(store.items.size).toBe(1);
  });

  test('never overwrites: the same run again is a 409 and the first record stays', async () => {
    const store = new MemoryStore();
    const ingest = ingestRecords(store, FLEETS);
    await ingest(request('POST', '/records', record()));
    const again = await ingest(request('POST', '/records', record({ result: 'fail', value: 30 })));
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body).error).toMatch(/never overwritten/);
    expect([...store.items.values()][0]).toMatchObject({ result: 'pass', value: 24.1 });
  });

  test('a retest is a new run: both records are kept', async () => {
    const store = new MemoryStore();
    const ingest = ingestRecords(store, FLEETS);
    await ingest(request('POST', '/records', record({ result: 'fail', value: 25 })));
    expect((await ingest(request('POST', '/records', record({ testedAt: '2026-03-01T09:00:00Z' })))).statusCode).toBe(201);
    expect(store.items.size).toBe(2);
  });

  test.each([
    ['not JSON', '{"serial":', /the body must be one factory test record as JSON/],
    ['missing fields', { serial: 'SN-0001' }, /pilot: .*required|pilot: Invalid input/],
    ['bad serial', record({ serial: 'SN 1' }), /serial: must be 3-64 letters/],
    ['ranged test without its value', { ...record(), value: undefined }, /value: a ranged test keeps its measured value/],
    ['pass outside the range', record({ value: 30 }), /result: "pass" contradicts value 30 against range \[23\.5, 24\.5\]/],
    ['timestamp without zone', record({ testedAt: '2026-03-01 08:15' }), /testedAt: must be an ISO 8601 timestamp with zone/],
    ['unknown field', { ...record(), operator: 'bob' }, /operator/],
    ['unknown generation', record({ generation: 'press-gw-v9' }), /pilot acme has no device generation "press-gw-v9"/],
  ])('rejects %s with a 400 saying what is wrong', async (_what, body, expected) => {
    const store = new MemoryStore();
    const res = await ingestRecords(store, FLEETS)(request('POST', '/records', body));
    expect(res.statusCode).toBe(400);
    const answer = JSON.parse(res.body);
    expect([answer.error, ...(answer.problems ?? [])].join('\n')).toMatch(expected);
    expect(store.items.size).toBe(0);
  });

  test('only POST', async () => {
    expect((await ingestRecords(new MemoryStore(), FLEETS)(request('GET', '/records'))).statusCode).toBe(405);
  });
});

describe('factory test record query', () => {
  test('returns every run of a serial with the verdict', async () => {
    const store = new MemoryStore();
    await store.add(record({ result: 'fail', value: 25 }));
    await store.add(record({ testedAt: '2026-03-01T09:00:00Z' }));
    const res = await queryRecords(store)(request('GET', '/records/SN-0001'));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.records).toHaveLength(2);
    expect(body.verdict).toEqual({ passed: true, pilot: 'acme', generation: 'press-gw-v1' });
  });

  test('rejects a malformed serial', async () => {
    expect((await queryRecords(new MemoryStore())(request('GET', '/records/a%20b'))).statusCode).toBe(400);
  });
});

describe('device verdict', () => {
  test('no records: not passed', () => {
    expect(deviceVerdict([])).toEqual({ passed: false, reason: 'no factory test record' });
  });

  test('the latest run of each test counts: a later failure after a pass fails the device', () => {
    const verdict = deviceVerdict([record(), record({ testedAt: '2026-03-02T08:00:00Z', result: 'fail', value: 22 }), record({ testId: 'rf-power', range: undefined, value: undefined })]);
    expect(verdict).toEqual({ passed: false, reason: 'latest run failed: supply-voltage' });
  });
});
