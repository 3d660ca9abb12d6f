import { BuildRecord, createIngest } from '../../lib/functions/build-stats';

const good = {
  pilot: 'acme',
  component: 'line-monitor',
  commit: '3f9c2a7b1d4e5f60718293a4b5c6d7e8f9012345',
  ref: 'main',
  refType: 'branch',
  architecture: 'arm64',
  result: 'SUCCESS',
  buildNumber: 42,
  durationSeconds: 312.5,
  finishedAt: '2026-11-22T05:30:00Z',
};

function setup(options: { statusFails?: boolean } = {}) {
  const stored: Record<string, string | number>[] = [];
  const statuses: BuildRecord[] = [];
  const logs: string[] = [];
  const existing = new Set<string>();
  const ingest = createIngest(
    {
      components: new Set(['acme/line-monitor', 'bravo/cold-chain']),
      putIfAbsent: async (item) => {
        const key = `${item.component}|${item.build}`;
        if (existing.has(key)) return false;
        existing.add(key);
        stored.push(item);
        return true;
      },
      reportStatus: async (record) => {
        if (options.statusFails) throw new Error('api.github.com answered 401: Bad credentials');
        statuses.push(record);
      },
      log: (line) => logs.push(line),
    },
    () => Date.parse('2026-11-22T06:00:00Z'),
  );
  return { ingest, stored, statuses, logs: () => logs.map((l) => JSON.parse(l)) };
}

describe('build statistics ingest', () => {
  test('stores a valid record under its component, emits pass/duration metrics and sets the commit status', async () => {
    const { ingest, stored, statuses, logs } = setup();
    const result = await ingest(good);
    expect(result).toEqual({ statusCode: 201, body: JSON.stringify({ stored: 'acme/line-monitor', commitStatus: 'set' }) });
    expect(stored).toEqual([expect.objectContaining({ component: 'acme/line-monitor', build: '2026-11-22T05:30:00Z#arm64#42', result: 'SUCCESS', ref: 'main', refType: 'branch' })]);
    const [emf] = logs();
    expect(emf).toMatchObject({ Component: 'acme/line-monitor', Architecture: 'arm64', Commit: good.commit, Ref: 'main', BuildSucceeded: 1, BuildDuration: 312.5 });
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'IIoTPlatform/CI', Dimensions: [['Component', 'Architecture'], ['Architecture']] });
    expect(statuses).toEqual([expect.objectContaining({ commit: good.commit, architecture: 'arm64', result: 'SUCCESS' })]);
  });

  test.each([
    ['a missing field', { ...good, commit: undefined }, /commit/],
    ['an abbreviated commit', { ...good, commit: '3f9c2a7b1d4e' }, /commit/],
    ['an unknown architecture', { ...good, architecture: 'riscv64' }, /architecture/],
    ['an unknown result', { ...good, result: 'GREEN' }, /result/],
    ['a ref that is neither branch nor tag', { ...good, refType: 'pr' }, /refType/],
    ['markup in a ref', { ...good, ref: '<script>' }, /ref/],
    ['a negative duration', { ...good, durationSeconds: -1 }, /durationSeconds/],
    ['a time without zone', { ...good, finishedAt: '2026-11-22 05:30' }, /finishedAt/],
    ['an extra field', { ...good, secret: 'x' }, /secret|Unrecognized/],
    ['a component the platform does not have', { ...good, pilot: 'bravo', component: 'line-monitor' }, /bravo\/line-monitor is not a component/],
    ['no record at all', 'not json', /record/],
    ['nothing', undefined, /record/],
  ])('%s: 400 naming the field, nothing stored, logged and counted', async (_what, record, field) => {
    const { ingest, stored, statuses, logs } = setup();
    const result = await ingest(record);
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatch(field);
    expect(stored).toEqual([]);
    expect(statuses).toEqual([]);
    const [line] = logs();
    expect(line).toMatchObject({ level: 'ERROR', message: 'invalid build record', InvalidBuildRecords: 1 });
    expect(JSON.stringify(line.problems)).toMatch(field);
    expect(line._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'IIoTPlatform/CI', Dimensions: [[]], Metrics: [{ Name: 'InvalidBuildRecords', Unit: 'Count' }] });
  });

  test('a record is never overwritten, and a duplicate sets no second status', async () => {
    const { ingest, stored, statuses } = setup();
    await ingest(good);
    expect((await ingest({ ...good, result: 'FAILURE' })).statusCode).toBe(409);
    expect(stored).toHaveLength(1);
    expect(stored[0].result).toBe('SUCCESS');
    expect(statuses).toHaveLength(1);
  });

  test('a Git host refusing the status: the record stays, the failure is logged and counted', async () => {
    const { ingest, stored, logs } = setup({ statusFails: true });
    const result = await ingest(good);
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body).commitStatus).toBe('not set');
    expect(stored).toHaveLength(1);
    expect(logs()[1]).toMatchObject({ level: 'ERROR', Component: 'acme/line-monitor', CommitStatusFailures: 1, message: expect.stringMatching(/Bad credentials/) });
  });
});
