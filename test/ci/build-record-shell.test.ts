/**
 * The build record shell of a component's CI, taken out of the generated Jenkinsfile as Jenkins
 * receives it, run the way the `sh` step runs it (`sh -xe`) with a stub `date` and the real curl,
 * which signs the record for a local function URL that checks the signature with the AWS SDK's
 * signer and hands it to the real ingest (fake-function-url.ts).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { componentPipeline } from '../../lib/ci/component-pipeline';
import { loadConfig } from '../../lib/config/load-config';
import { maturityOf } from '../../lib/lifecycle/maturity';
import { createIngest } from '../../lib/functions/build-stats';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { request, reporterSession } from '../functions/fakes';
import { Caller, FakeFunctionUrl, startFakeFunctionUrl } from './fake-function-url';
import { AWS_CREDENTIALS_BINDING } from './upstream-facts';

const REGION = 'eu-central-1';
const component = loadConfig(DEMO_CONFIG).pilots.find((p) => p.name === 'acme')!.components.find((c) => c.name === 'line-monitor')!;
const jenkinsfile = componentPipeline({
  owner: 'acme',
  component,
  maturity: maturityOf(component, { developers: ['arn:aws:iam::111111111111:role/acme-developers'] }),
  registry: '111111111111.dkr.ecr.eu-central-1.amazonaws.com',
  account: '111111111111',
  region: REGION,
  buildStatsVariable: 'IIOT_BUILD_STATS_URL',
});

/** The body of the first `sh '''...'''` after `marker`, with Groovy's single-quote escapes undone. */
function shellAfter(marker: string): string {
  const at = jenkinsfile.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  const step = jenkinsfile.slice(at).match(/\bsh (?:'''\n?([\s\S]*?)\n'''|'((?:[^'\\\n]|\\.)*)')/)!;
  const script = (step[1] ?? step[2]).replace(/\\(.)/g, '$1');
  // Jenkins runs a script without a shebang as `sh -xe`; one with a shebang by that interpreter.
  expect(script.startsWith('#!')).toBe(false);
  return script;
}
const START = shellAfter("stage('Cell start')");
const PASSED = shellAfter("stage('Cell passed')");
const REPORT = shellAfter('withEnv(["BUILD_RESULT=${currentBuild.currentResult}"])');

/** Session keys as the controller's aws-report binding hands them to the step, per owner. */
const session = (owner: string): Caller => ({
  accessKeyId: `ASIA${owner.toUpperCase().padEnd(16, 'X')}`,
  secretAccessKey: `secret/${owner}+key`,
  sessionToken: `token-of-${owner}-session`,
  arn: reporterSession('demo', owner),
});

let fn: FakeFunctionUrl;
let answer: 'ingest' | 'refuse' = 'ingest';
const received: unknown[] = [];
beforeAll(async () => {
  const ingest = createIngest({ platform: 'demo', components: new Set(['acme/line-monitor']), putIfAbsent: async () => true, reportStatus: async () => undefined, log: () => undefined });
  fn = await startFakeFunctionUrl(REGION, [session('acme'), session('bravo')], async (request) => {
    received.push(JSON.parse(request.body ?? 'null'));
    return answer === 'ingest' ? ingest(request) : { statusCode: 400, headers: {}, body: '{"error":"invalid build record"}' };
  });
});
afterAll(() => fn.close());
beforeEach(() => {
  answer = 'ingest';
});

interface Cell {
  /** Environment Jenkins gives the cell. */
  readonly env?: Record<string, string>;
  /** Epoch seconds `date +%s` answers at the cell's start and at the report. */
  readonly startedAt?: number;
  readonly reportedAt: number;
  /** Whether every stage passed (the 'Cell passed' stage ran). */
  readonly passed: boolean;
  /** Skip the start stage (the cell failed before its first stage). */
  readonly noStart?: boolean;
  /** Whose reporter the binding hands the step. @default acme's */
  readonly caller?: Caller;
  /** The function URL is down. */
  readonly unreachable?: boolean;
  /** Files left in the workspace before the cell runs (a reused workspace), path to content. */
  readonly workspace?: Record<string, string>;
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-xe', '-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function runCell(cell: Cell) {
  received.length = 0;
  fn.requests.length = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cell-'));
  const bin = path.join(dir, 'bin');
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(bin);
  fs.mkdirSync(ws);
  for (const [file, content] of Object.entries(cell.workspace ?? {})) {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), content);
  }
  fs.writeFileSync(path.join(bin, 'date'), '#!/bin/sh\ncase " $* " in *" +%s "*) echo "$FAKE_NOW" ;; *) exec /bin/date "$@" ;; esac\n', { mode: 0o755 });
  const caller = cell.caller ?? session('acme');
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: dir,
    FLEET: 'linux-arm64',
    BUILD_NUMBER: '42',
    GIT_COMMIT: '3f9c2a7b1d4e5f60718293a4b5c6d7e8f9012345',
    BRANCH_NAME: 'main',
    BUILD_RESULT: 'SUCCESS',
    // Port 9 (discard): nothing listens there.
    IIOT_BUILD_STATS_URL: cell.unreachable ? 'http://127.0.0.1:9/' : fn.url,
    AWS_ACCESS_KEY_ID: caller.accessKeyId,
    AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
    [AWS_CREDENTIALS_BINDING.sessionTokenVariable]: caller.sessionToken,
    ...cell.env,
  };
  const run = (script: string, now: number) => sh(script, ws, { ...env, FAKE_NOW: String(now) });
  if (!cell.noStart) expect((await run(START, cell.startedAt ?? 0)).status).toBe(0);
  if (cell.passed) expect((await run(PASSED, cell.reportedAt)).status).toBe(0);
  const report = await run(REPORT, cell.reportedAt);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...report, payload: received[0] as Record<string, unknown>, verdicts: [...fn.requests] };
}

/** The real ingest's answer to the record the shell sent, signed by acme's reporter. */
async function ingested(payload: unknown) {
  const ingest = createIngest({ platform: 'demo', components: new Set(['acme/line-monitor']), putIfAbsent: async () => true, reportStatus: async () => undefined, log: () => undefined });
  return (await ingest(request('POST', '/', payload, session('acme').arn))).statusCode;
}

describe('build record shell', () => {
  test('the cell stages bracket the cell: start first, passed last, report in the cell post', () => {
    const matrix = jenkinsfile.slice(jenkinsfile.indexOf('matrix {'));
    const stages = [...matrix.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1]);
    const cellStages = stages.slice(0, stages.indexOf('Cell passed') + 1);
    expect(cellStages[0]).toBe('Cell start');
    expect(cellStages.at(-1)).toBe('Cell passed');
    expect(cellStages.length).toBeGreaterThan(2);
  });

  test('a passed cell: SUCCESS, its time on the agent only (queue excluded), commit and branch, sent to the function', async () => {
    // Queued from 400 (not visible to the cell), first stage at 1000, report at 1312.
    const { status, stdout, payload, verdicts } = await runCell({ startedAt: 1000, reportedAt: 1312, passed: true });
    expect(status).toBe(0);
    // Signed (SigV4, service lambda, the URL's region) by acme's reporter session, its token signed too.
    expect(verdicts).toEqual([{ signer: session('acme').arn, signedHeaders: expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-type']) }]);
    expect(stdout).not.toMatch(/refused|not recorded/);
    expect(payload).toEqual({
      pilot: 'acme',
      component: 'line-monitor',
      commit: '3f9c2a7b1d4e5f60718293a4b5c6d7e8f9012345',
      ref: 'main',
      refType: 'branch',
      architecture: 'arm64',
      result: 'SUCCESS',
      buildNumber: 42,
      durationSeconds: 312,
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(await ingested(payload)).toBe(201);
  });

  test('another cell failing leaves this cell SUCCESS: the result is the cell\'s own, not the build\'s', async () => {
    const { payload } = await runCell({ startedAt: 1000, reportedAt: 1100, passed: true, env: { BUILD_RESULT: 'FAILURE', FLEET: 'linux-x64' } });
    expect(payload).toMatchObject({ result: 'SUCCESS', architecture: 'amd64' });
  });

  test('a stage failing: FAILURE; an abort: ABORTED', async () => {
    expect((await runCell({ startedAt: 1000, reportedAt: 1050, passed: false })).payload).toMatchObject({ result: 'FAILURE', durationSeconds: 50 });
    const aborted = (await runCell({ startedAt: 1000, reportedAt: 1050, passed: false, env: { BUILD_RESULT: 'ABORTED' } })).payload;
    expect(aborted).toMatchObject({ result: 'ABORTED' });
    expect(await ingested(aborted)).toBe(201);
  });

  test('JUnit failures in the documented report make a passed cell UNSTABLE', async () => {
    const junit = component.tests!.junitReport;
    const failing = '<testsuite tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>';
    expect((await runCell({ startedAt: 1, reportedAt: 2, passed: true, workspace: { [junit]: failing } })).payload).toMatchObject({ result: 'UNSTABLE' });
    const passing = '<testsuite tests="1" failures="0" errors="0"><testcase name="a"/></testsuite>';
    expect((await runCell({ startedAt: 1, reportedAt: 2, passed: true, workspace: { [junit]: passing } })).payload).toMatchObject({ result: 'SUCCESS' });
  });

  test('markers a previous build left in a reused workspace count for nothing', async () => {
    const { payload } = await runCell({ reportedAt: 5000, passed: false, noStart: true, workspace: { '.iiot-cell-started': '41 1000', '.iiot-cell-passed': '41' } });
    expect(payload).toMatchObject({ result: 'FAILURE', durationSeconds: 0 });
    expect(await ingested(payload)).toBe(201);
  });

  test('a release tag build reports the tag', async () => {
    const { payload } = await runCell({ startedAt: 1, reportedAt: 2, passed: true, env: { TAG_NAME: 'v1.4.0', BRANCH_NAME: 'v1.4.0' } });
    expect(payload).toMatchObject({ ref: 'v1.4.0', refType: 'tag' });
  });

  test('a branch name with quotes and backslashes still gives valid JSON, which the ingest then refuses visibly', async () => {
    const { payload } = await runCell({ startedAt: 1, reportedAt: 2, passed: true, env: { BRANCH_NAME: 'x"y\\z' } });
    expect(payload.ref).toBe('x"y\\z');
    expect(await ingested(payload)).toBe(400);
  });

  test('reporting never fails the build: an unreachable function and a refused record only print', async () => {
    const unreachable = await runCell({ startedAt: 1, reportedAt: 2, passed: true, unreachable: true });
    expect(unreachable.status).toBe(0);
    expect(unreachable.stdout).toContain('build statistics not recorded');
    answer = 'refuse';
    const refused = await runCell({ startedAt: 1, reportedAt: 2, passed: true });
    expect(refused.status).toBe(0);
    expect(refused.stdout).toMatch(/build record refused \(400\): .*invalid build record/);
  });

  test("a record signed by another owner's reporter is refused, and says why", async () => {
    const crossed = await runCell({ startedAt: 1, reportedAt: 2, passed: true, caller: session('bravo') });
    expect(crossed.status).toBe(0);
    expect(crossed.verdicts).toEqual([expect.objectContaining({ signer: session('bravo').arn })]);
    expect(crossed.stdout).toMatch(/build record refused \(403\): .*must be signed by the role demo_acme_build-reporter/);
  });

  test('a request signed with a wrong secret key never reaches the ingest', async () => {
    const forged = await runCell({ startedAt: 1, reportedAt: 2, passed: true, caller: { ...session('acme'), secretAccessKey: 'guessed' } });
    expect(forged.verdicts).toEqual([expect.objectContaining({ refused: 'signature does not match' })]);
    expect(forged.payload).toBeUndefined();
    expect(forged.stdout).toMatch(/build record refused \(403\)/);
  });

  test('the signing keys never reach the build log, though the step runs with sh -x', async () => {
    const { stdout, stderr } = await runCell({ startedAt: 1, reportedAt: 2, passed: true });
    expect(stderr).toContain('+ ');
    for (const secret of [session('acme').secretAccessKey, session('acme').sessionToken]) expect(stdout + stderr).not.toContain(secret);
  });
});
