import { createIngest } from '../../lib/functions/build-stats';

const good = {
  pilot: 'acme',
  component: 'line-monitor',
  commit: '3f9c2a7b1d4e',
  branch: 'main',
  architecture: 'arm64',
  result: 'SUCCESS',
  buildNumber: 42,
  durationSeconds: 312.5,
  finishedAt: '2026-11-22T05:30:00Z',
};

function setup(existing = new Set<string>()) {
  const stored: Record<string, string | number>[] = [];
  const logs: string[] = [];
  const ingest = createIngest({
    putIfAbsent: async (item) => {
      const key = `${item.component}|${item.build}`;
      if (existing.has(key)) return false;
      existing.add(key);
      stored.push(item);
      return true;
    },
    log: (line) => logs.push(line),
  });
  return { ingest, stored, logs };
}

describe('build statistics ingest', () => {
  test('stores a valid record under its component and emits pass/duration metrics', async () => {
    const { ingest, stored, logs } = setup();
    expect((await ingest(good)).statusCode).toBe(201);
    expect(stored).toEqual([expect.objectContaining({ component: 'acme/line-monitor', build: '2026-11-22T05:30:00Z#arm64#42', result: 'SUCCESS' })]);
    const emf = JSON.parse(logs[0]);
    expect(emf).toMatchObject({ Component: 'acme/line-monitor', Architecture: 'arm64', BuildSucceeded: 1, BuildDuration: 312.5 });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('IIoTPlatform/CI');
  });

  test.each([
    ['a missing field', { ...good, commit: undefined }, /commit/],
    ['an unknown architecture', { ...good, architecture: 'riscv64' }, /architecture/],
    ['an unknown result', { ...good, result: 'GREEN' }, /result/],
    ['a negative duration', { ...good, durationSeconds: -1 }, /durationSeconds/],
    ['a commit that is not a hash', { ...good, commit: 'HEAD' }, /commit/],
    ['a time without zone', { ...good, finishedAt: '2026-11-22 05:30' }, /finishedAt/],
    ['an extra field', { ...good, secret: 'x' }, /secret|Unrecognized/],
    ['no record at all', 'not json', /record/],
  ])('%s: 400 naming the field, nothing stored', async (_what, record, field) => {
    const { ingest, stored, logs } = setup();
    const result = await ingest(record);
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatch(field);
    expect(stored).toEqual([]);
    expect(logs).toEqual([]);
  });

  test('a record is never overwritten', async () => {
    const { ingest, stored } = setup();
    await ingest(good);
    expect((await ingest({ ...good, result: 'FAILURE' })).statusCode).toBe(409);
    expect(stored).toHaveLength(1);
    expect(stored[0].result).toBe('SUCCESS');
  });
});
