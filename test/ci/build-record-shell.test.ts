/**
 * The build record shell of a component's CI, taken out of the generated Jenkinsfile as Jenkins
 * receives it, run the way the `sh` step runs it (`sh -xe`) against stub `aws` and `date` commands
 * that log their calls; the record it sends is then checked by the real ingest.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { componentPipeline } from '../../lib/ci/component-pipeline';
import { loadConfig } from '../../lib/config/load-config';
import { maturityOf } from '../../lib/lifecycle/maturity';
import { createIngest } from '../../lib/functions/build-stats';
import { DEMO_CONFIG } from '../fixtures/demo-paths';

const component = loadConfig(DEMO_CONFIG).pilots.find((p) => p.name === 'acme')!.components.find((c) => c.name === 'line-monitor')!;
const jenkinsfile = componentPipeline({
  owner: 'acme',
  component,
  maturity: maturityOf(component, { developers: ['arn:aws:iam::111111111111:role/acme-developers'] }),
  registry: '111111111111.dkr.ecr.eu-central-1.amazonaws.com',
  account: '111111111111',
  region: 'eu-central-1',
  buildStatsVariable: 'IIOT_BUILD_STATS_FUNCTION',
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
  /** The stub Lambda's behaviour. */
  readonly lambda?: 'stored' | 'refused' | 'unreachable';
  /** Files left in the workspace before the cell runs (a reused workspace), path to content. */
  readonly workspace?: Record<string, string>;
}

function runCell(cell: Cell) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cell-'));
  const bin = path.join(dir, 'bin');
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(bin);
  fs.mkdirSync(ws);
  for (const [file, content] of Object.entries(cell.workspace ?? {})) {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), content);
  }
  const log = path.join(dir, 'calls.log');
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\n${body}\n`, { mode: 0o755 });
  stub('date', 'case " $* " in *" +%s "*) echo "$FAKE_NOW" ;; *) exec /bin/date "$@" ;; esac');
  stub(
    'aws',
    `for a in "$@"; do case "$a" in file://*) cp "\${a#file://}" "${dir}/payload.json" ;; esac; out="$a"; done
case "$LAMBDA" in
  stored) printf '{"statusCode":201,"body":"{}"}' > "$out" ;;
  refused) printf '{"statusCode":400,"body":"{\\\\"error\\\\":\\\\"invalid build record\\\\"}"}' > "$out" ;;
  *) echo "Could not connect to the endpoint URL" >&2; exit 255 ;;
esac`,
  );
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: dir,
    FLEET: 'linux-arm64',
    BUILD_NUMBER: '42',
    GIT_COMMIT: '3f9c2a7b1d4e5f60718293a4b5c6d7e8f9012345',
    BRANCH_NAME: 'main',
    BUILD_RESULT: 'SUCCESS',
    IIOT_BUILD_STATS_FUNCTION: 'Platform-Ci-BuildStatisticsIngest',
    LAMBDA: cell.lambda ?? 'stored',
    ...cell.env,
  };
  const sh = (script: string, now: number) => spawnSync('sh', ['-xe', '-c', script], { cwd: ws, encoding: 'utf8', env: { ...env, FAKE_NOW: String(now) } });
  if (!cell.noStart) expect(sh(START, cell.startedAt ?? 0).status).toBe(0);
  if (cell.passed) expect(sh(PASSED, cell.reportedAt).status).toBe(0);
  const report = sh(REPORT, cell.reportedAt);
  const payload = fs.existsSync(path.join(dir, 'payload.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'payload.json'), 'utf8')) : undefined;
  return { status: report.status, stdout: report.stdout, calls: fs.readFileSync(log, 'utf8').trim().split('\n').filter((c) => c.startsWith('aws')), payload };
}

/** The real ingest's answer to the record the shell sent. */
async function ingested(payload: unknown) {
  const ingest = createIngest({ components: new Set(['acme/line-monitor']), putIfAbsent: async () => true, reportStatus: async () => undefined, log: () => undefined });
  return (await ingest(payload)).statusCode;
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
    const { status, calls, payload } = runCell({ startedAt: 1000, reportedAt: 1312, passed: true });
    expect(status).toBe(0);
    expect(calls).toEqual([expect.stringMatching(/^aws lambda invoke --function-name Platform-Ci-BuildStatisticsIngest --cli-binary-format raw-in-base64-out --payload file:\/\/build-record.json build-record.out$/)]);
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
    const { payload } = runCell({ startedAt: 1000, reportedAt: 1100, passed: true, env: { BUILD_RESULT: 'FAILURE', FLEET: 'linux-x64' } });
    expect(payload).toMatchObject({ result: 'SUCCESS', architecture: 'amd64' });
  });

  test('a stage failing: FAILURE; an abort: ABORTED', async () => {
    expect(runCell({ startedAt: 1000, reportedAt: 1050, passed: false }).payload).toMatchObject({ result: 'FAILURE', durationSeconds: 50 });
    const aborted = runCell({ startedAt: 1000, reportedAt: 1050, passed: false, env: { BUILD_RESULT: 'ABORTED' } }).payload;
    expect(aborted).toMatchObject({ result: 'ABORTED' });
    expect(await ingested(aborted)).toBe(201);
  });

  test('JUnit failures in the documented report make a passed cell UNSTABLE', async () => {
    const junit = component.tests!.junitReport;
    const failing = '<testsuite tests="2" failures="1"><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>';
    expect(runCell({ startedAt: 1, reportedAt: 2, passed: true, workspace: { [junit]: failing } }).payload).toMatchObject({ result: 'UNSTABLE' });
    const passing = '<testsuite tests="1" failures="0" errors="0"><testcase name="a"/></testsuite>';
    expect(runCell({ startedAt: 1, reportedAt: 2, passed: true, workspace: { [junit]: passing } }).payload).toMatchObject({ result: 'SUCCESS' });
  });

  test('markers a previous build left in a reused workspace count for nothing', async () => {
    const { payload } = runCell({ reportedAt: 5000, passed: false, noStart: true, workspace: { '.iiot-cell-started': '41 1000', '.iiot-cell-passed': '41' } });
    expect(payload).toMatchObject({ result: 'FAILURE', durationSeconds: 0 });
    expect(await ingested(payload)).toBe(201);
  });

  test('a release tag build reports the tag', async () => {
    const { payload } = runCell({ startedAt: 1, reportedAt: 2, passed: true, env: { TAG_NAME: 'v1.4.0', BRANCH_NAME: 'v1.4.0' } });
    expect(payload).toMatchObject({ ref: 'v1.4.0', refType: 'tag' });
  });

  test('a branch name with quotes and backslashes still gives valid JSON, which the ingest then refuses visibly', async () => {
    const { payload } = runCell({ startedAt: 1, reportedAt: 2, passed: true, env: { BRANCH_NAME: 'x"y\\z' } });
    expect(payload.ref).toBe('x"y\\z');
    expect(await ingested(payload)).toBe(400);
  });

  test('reporting never fails the build: an unreachable function and a refused record only print', () => {
    const unreachable = runCell({ startedAt: 1, reportedAt: 2, passed: true, lambda: 'unreachable' });
    expect(unreachable.status).toBe(0);
    expect(unreachable.stdout).toContain('build statistics not recorded');
    const refused = runCell({ startedAt: 1, reportedAt: 2, passed: true, lambda: 'refused' });
    expect(refused.status).toBe(0);
    expect(refused.stdout).toMatch(/build record refused: .*invalid build record/);
  });
});
