import { BuildRecord, createIngest } from '../../lib/functions/build-stats';
import { request, reporterSession } from './fakes';

const PLATFORM = 'demo';

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
  const handler = createIngest(
    {
      platform: PLATFORM,
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
  // POSTed to the function URL, signed by acme's reporter unless said otherwise.
  const ingest = (record: unknown, signer = reporterSession(PLATFORM, 'acme')) => handler(request('POST', '/', record, signer));
  return { handler, ingest, stored, statuses, logs: () => logs.map((l) => JSON.parse(l)) };
}

describe('build statistics ingest', () => {
  test('stores a valid record under its component, emits pass/duration metrics and sets the commit status', async () => {
    const { ingest, stored, statuses, logs } = setup();
    const result = await ingest(good);
    expect(result).toEqual({ statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stored: 'acme/line-monitor', commitStatus: 'set' }) });
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

  // Agents run every pilot's code, so only the owner's reporter role (bound by the controller to
  // the owner's jobs) may sign its records; a record signed otherwise stores and reports nothing.
  test.each([
    ["another pilot's reporter", reporterSession(PLATFORM, 'acme'), { ...good, pilot: 'bravo', component: 'cold-chain' }],
    ["the platform's reporter", reporterSession(PLATFORM, 'platform'), good],
    ['the same owner\'s reporter of another platform', reporterSession('other', 'acme'), good],
    ["a build agent's instance role", 'arn:aws:sts::111111111111:assumed-role/Platform-Ci-Fleetlinuxx64Role1A2B3C/i-0abc123', good],
    ['a role whose name only ends like the reporter', 'arn:aws:sts::111111111111:assumed-role/x-demo_acme_build-reporter/Jenkins', good],
    ['an IAM user', 'arn:aws:iam::111111111111:user/demo_acme_build-reporter', good],
    ['no signer', '', good],
  ])('a record signed by %s: 403, nothing stored, no commit status', async (_who, signer, record) => {
    const { ingest, stored, statuses, logs } = setup();
    const result = await ingest(record, signer);
    expect(result.statusCode).toBe(403);
    expect(result.body).toContain(`demo_${record.pilot}_build-reporter`);
    expect(stored).toEqual([]);
    expect(statuses).toEqual([]);
    expect(logs()).toEqual([expect.objectContaining({ level: 'ERROR', message: expect.stringMatching(/not signed by its owner's reporter/) })]);
  });

  test("each owner's own reporter is admitted", async () => {
    const { ingest, stored } = setup();
    expect((await ingest({ ...good, pilot: 'bravo', component: 'cold-chain' }, reporterSession(PLATFORM, 'bravo'))).statusCode).toBe(201);
    expect(stored).toEqual([expect.objectContaining({ component: 'bravo/cold-chain' })]);
  });

  test('only POST', async () => {
    const { handler } = setup();
    expect((await handler(request('GET', '/', undefined, reporterSession(PLATFORM, 'acme')))).statusCode).toBe(405);
  });
});
