/**
 * The build statistics functions as deployed: the ingest against DynamoDB and Secrets Manager on a
 * local moto_server and a fake Git host that follows the GitHub and GitLab commit status APIs;
 * the status board reading what the ingest stored.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsBuildStatsDependencies, BuildStatsEnvironment } from '../../lib/functions/build-stats-handler';
import { boardHandler } from '../../lib/functions/build-status-board-handler';
import { renderBoard } from '../../lib/functions/build-status-board';
import { createIngest } from '../../lib/functions/build-stats';
import { FakeGitHost, startFakeGitHost } from './fake-git-host';
import { request, reporterSession } from './fakes';
import { bundleFile } from './bundle-file';
import { useMotoServer } from './moto';

useMotoServer();

const TOKENS = { github: 'ghp_status-token', gitlab: 'glpat-status-token' };
let git: FakeGitHost;
let table = 0;
beforeAll(async () => {
  git = await startFakeGitHost(TOKENS);
});
afterAll(() => git.close());
beforeEach(() => {
  git.statuses.length = 0;
  git.outage = undefined;
});

const COMPONENTS = { 'acme/line-monitor': 'git@github.com:acme-industries/line-monitor.git', 'bravo/cold-chain': 'git@gitlab.com:bravo-foods/cold-chain.git' };
const commit = (n: number) => n.toString(16).padStart(40, 'c');
const record = (overrides: Record<string, unknown> = {}) => ({
  pilot: 'acme',
  component: 'line-monitor',
  commit: commit(1),
  ref: 'main',
  refType: 'branch',
  architecture: 'amd64',
  result: 'SUCCESS',
  buildNumber: 7,
  durationSeconds: 125,
  finishedAt: '2026-11-22T05:30:00Z',
  ...overrides,
});

/** A table, the token secrets (unless `withoutSecrets`) and the environment the construct would set. */
async function environment(options: { withoutSecrets?: boolean } = {}): Promise<BuildStatsEnvironment> {
  const n = ++table;
  await new DynamoDBClient({}).send(
    new CreateTableCommand({
      TableName: `builds-${n}`,
      KeySchema: [
        { AttributeName: 'component', KeyType: 'HASH' },
        { AttributeName: 'build', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'component', AttributeType: 'S' },
        { AttributeName: 'build', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (!options.withoutSecrets) await createSecrets(n);
  return {
    PLATFORM_NAME: 'demo',
    TABLE_NAME: `builds-${n}`,
    COMPONENTS_FILE: bundleFile('components.json', COMPONENTS),
    GIT_HOSTS: JSON.stringify([
      { host: 'github.com', api: 'github', apiUrl: git.url, tokenSecret: `status/github-${n}` },
      { host: 'gitlab.com', api: 'gitlab', apiUrl: `${git.url}/api/v4`, tokenSecret: `status/gitlab-${n}` },
    ]),
  };
}
async function createSecrets(n: number) {
  const sm = new SecretsManagerClient({});
  await sm.send(new CreateSecretCommand({ Name: `status/github-${n}`, SecretString: TOKENS.github }));
  await sm.send(new CreateSecretCommand({ Name: `status/gitlab-${n}`, SecretString: `${TOKENS.gitlab}\n` }));
}
function ingestOf(env: BuildStatsEnvironment) {
  const logs: string[] = [];
  const handler = createIngest(awsBuildStatsDependencies(env, (l) => logs.push(l)));
  // POSTed to the function URL, signed by the record's owner's reporter.
  const ingest = (r: Record<string, unknown>) => handler(request('POST', '/', r, reporterSession('demo', String(r.pilot))));
  return { ingest, logs: () => logs.map((l) => JSON.parse(l)) };
}
const items = async (env: BuildStatsEnvironment) => (await new DynamoDBClient({}).send(new ScanCommand({ TableName: env.TABLE_NAME }))).Items ?? [];

describe('build statistics ingest on DynamoDB and Secrets Manager (moto), statuses to a fake Git host', () => {
  test('GitHub: the record is stored and the commit gets a status per architecture', async () => {
    const env = await environment();
    const { ingest } = ingestOf(env);
    expect((await ingest(record())).statusCode).toBe(201);
    expect((await ingest(record({ architecture: 'arm64', result: 'FAILURE', durationSeconds: 61 }))).statusCode).toBe(201);
    expect(await items(env)).toHaveLength(2);
    expect(git.statuses).toEqual([
      { api: 'github', project: 'acme-industries/line-monitor', sha: commit(1), body: { state: 'success', context: 'iiot-ci/amd64', description: 'amd64 build #7 passed in 2m 5s' } },
      { api: 'github', project: 'acme-industries/line-monitor', sha: commit(1), body: { state: 'failure', context: 'iiot-ci/arm64', description: 'arm64 build #7 failed in 1m 1s' } },
    ]);
  });

  test('GitLab: the project id is the URL-encoded path, the ref and name are set', async () => {
    const env = await environment();
    const { ingest } = ingestOf(env);
    expect((await ingest(record({ pilot: 'bravo', component: 'cold-chain', ref: 'v1.2.0', refType: 'tag', result: 'ABORTED' }))).statusCode).toBe(201);
    expect(git.statuses).toEqual([
      { api: 'gitlab', project: 'bravo-foods/cold-chain', sha: commit(1), body: { state: 'canceled', ref: 'v1.2.0', name: 'iiot-ci/amd64', description: 'amd64 build #7 aborted in 2m 5s' } },
    ]);
  });

  test('hostile records are refused before anything is stored or sent', async () => {
    const env = await environment();
    const { ingest, logs } = ingestOf(env);
    for (const bad of [record({ commit: '../../admin' }), record({ pilot: 'bravo' }), record({ ref: 'main"}' }), { ...record(), extra: 1 }]) {
      expect((await ingest(bad)).statusCode).toBe(400);
    }
    expect(await items(env)).toEqual([]);
    expect(git.statuses).toEqual([]);
    expect(logs().map((l) => l.InvalidBuildRecords)).toEqual([1, 1, 1, 1]);
  });

  test('a replayed record is refused (409) and sends no second status', async () => {
    const env = await environment();
    const { ingest } = ingestOf(env);
    await ingest(record());
    expect((await ingest(record({ result: 'FAILURE' }))).statusCode).toBe(409);
    expect(await items(env)).toHaveLength(1);
    expect(git.statuses).toHaveLength(1);
  });

  test('failing midway - Git host down, then token secret missing: records kept, failures counted, next record recovers', async () => {
    const env = await environment({ withoutSecrets: true });
    const { ingest, logs } = ingestOf(env);
    expect(JSON.parse((await ingest(record({ buildNumber: 1 }))).body).commitStatus).toBe('not set');
    await createSecrets(table);
    git.outage = 503;
    expect(JSON.parse((await ingest(record({ buildNumber: 2 }))).body).commitStatus).toBe('not set');
    git.outage = undefined;
    // The failed secret read was not cached: the same instance now reads it.
    expect(JSON.parse((await ingest(record({ buildNumber: 3 }))).body).commitStatus).toBe('set');
    expect(await items(env)).toHaveLength(3);
    expect(logs().filter((l) => l.CommitStatusFailures === 1).map((l) => l.message)).toEqual([
      expect.stringMatching(/ResourceNotFoundException|can't find|not found/i),
      expect.stringMatching(/answered 503/),
    ]);
    expect(git.statuses.map((s) => s.body.description)).toEqual(['amd64 build #3 passed in 2m 5s']);
  });

  test('a wrong token: the host answers 401, counted, record kept', async () => {
    const env = await environment({ withoutSecrets: true });
    const sm = new SecretsManagerClient({});
    await sm.send(new CreateSecretCommand({ Name: `status/github-${table}`, SecretString: 'ghp_revoked' }));
    const { ingest, logs } = ingestOf(env);
    expect((await ingest(record())).statusCode).toBe(201);
    expect(logs()[1].message).toMatch(/answered 401: .*Bad credentials/);
  });
});

describe('status board on the stored records (moto)', () => {
  test('per commit one cell per architecture, newest first; release branches apart', async () => {
    const env = await environment();
    const { ingest } = ingestOf(env);
    const at = (minute: number) => `2026-11-22T06:${String(minute).padStart(2, '0')}:00Z`;
    await ingest(record({ commit: commit(1), finishedAt: at(1), buildNumber: 1 }));
    await ingest(record({ commit: commit(1), finishedAt: at(2), buildNumber: 1, architecture: 'arm64', result: 'FAILURE' }));
    await ingest(record({ commit: commit(2), finishedAt: at(5), buildNumber: 2 }));
    await ingest(record({ commit: commit(3), finishedAt: at(3), buildNumber: 3, ref: 'v1.2', architecture: 'arm64' }));
    await ingest(record({ commit: commit(4), finishedAt: at(4), buildNumber: 4, ref: 'v1.10', result: 'UNSTABLE' }));
    const board = boardHandler({
      TABLE_NAME: env.TABLE_NAME,
      COMPONENTS_FILE: bundleFile('components.json', [
        { key: 'acme/line-monitor', architectures: ['amd64', 'arm64'] },
        { key: 'bravo/cold-chain', architectures: ['amd64'] },
      ]),
    });
    const html = await board({});
    const rows = (section: string) =>
      [...section.matchAll(/<tr><td>([^<]*)<\/td><td><code>([0-9a-f]+)<\/code><\/td>(.*?)<\/tr>/g)].map(([, ref, sha, cells]) => [
        ref,
        sha,
        ...[...cells.matchAll(/<td[^>]*>([A-Z]+|-)/g)].map((c) => c[1]),
      ]);
    const [latest, releases] = html.split('<h4>release branches</h4>');
    expect(rows(latest)).toEqual([
      ['main', commit(2).slice(0, 12), 'SUCCESS', '-'],
      ['v1.10', commit(4).slice(0, 12), 'UNSTABLE', '-'],
      ['v1.2', commit(3).slice(0, 12), '-', 'SUCCESS'],
      ['main', commit(1).slice(0, 12), 'SUCCESS', 'FAILURE'],
    ]);
    expect(rows(releases.split('<h3>')[0])).toEqual([
      ['v1.10', commit(4).slice(0, 12), 'UNSTABLE', '-'],
      ['v1.2', commit(3).slice(0, 12), '-', 'SUCCESS'],
    ]);
    expect(html).toContain('<h3>bravo/cold-chain</h3><p>no builds recorded yet</p>');
    expect(await board({ describe: true })).toMatch(/Per-commit/);
  });

  test('whatever a stored record holds is escaped in the HTML', () => {
    const hostile = { ...record(), ref: '<img src=x onerror=alert(1)>', refType: 'branch' as const, architecture: 'amd64' as const, result: 'SUCCESS' as const };
    const html = renderBoard([{ key: 'acme/<b>x</b>', architectures: ['amd64'] }], new Map([['acme/<b>x</b>', [hostile]]]));
    expect(html).not.toMatch(/<img|<b>/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });
});
