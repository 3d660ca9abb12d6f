import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as load } from 'yaml';
import { runDeclarative, stageStatuses, type RunResult, type Scenario } from './groovy/declarative-run';
import { groovyTest } from './groovy/parse-check';
import { committedSample, CORPUS, GOLDEN, samples, translateSample } from './samples';

// The golden fixtures of each difference GitLab -> Jenkins the translator removes, run as Jenkins
// runs them (test/groovy/DeclarativeRunner.groovy: the declarative interpreter's order and the
// steps' semantics, shell steps for real with /bin/sh), in one JVM. The committed Jenkinsfile is
// run; samples.test.ts proves it is what the translator generates.
/** A golden fixture's child Jenkinsfiles as the jobs `build job: "../<name>/<branch>"` starts. */
const childJobs = (fixture: string, branch: string): Record<string, string> =>
  Object.fromEntries(readdirSync(join(GOLDEN, fixture)).filter((f) => f.startsWith('Jenkinsfile.')).map((f) => [`../${f.slice('Jenkinsfile.'.length)}/${branch}`, readFileSync(join(GOLDEN, fixture, f), 'utf8')]));
const onMain = (fixture: string, env: Record<string, string> = {}): Scenario => ({ env: { BRANCH_NAME: 'main', JOB_BASE_NAME: 'main', ...env }, jobs: childJobs(fixture, 'main') });
/** Logging stand-ins for the commands of gitlab-ci-local's trigger case (apk in alpine, envsubst). */
const stubs = ((): string => {
  const dir = mkdtempSync(join(tmpdir(), 'g2j-stubs-'));
  writeFileSync(join(dir, 'apk'), '#!/bin/sh\necho "apk $*"\n', { mode: 0o755 });
  writeFileSync(join(dir, 'envsubst'), '#!/bin/sh\ncat\n', { mode: 0o755 });
  return dir;
})();

const RUNS: Readonly<Record<string, readonly [string, Scenario]>> = {
  pipefail: ['shell-pipefail', { files: { 'run-tests.sh': '#!/bin/sh\necho "1 test failed"\nexit 1\n' } }],
  variables: ['variables-precedence', {}],
  rulesTag: ['rules-outcomes', { env: { TAG_NAME: 'v1.0.0', BRANCH_NAME: 'v1.0.0' } }],
  rulesTagAborted: ['rules-outcomes', { env: { TAG_NAME: 'v1.0.0', BRANCH_NAME: 'v1.0.0' }, inputs: { deploy: 'abort' } }],
  rulesMain: ['rules-outcomes', { env: { BRANCH_NAME: 'main' } }],
  rulesTry: ['rules-outcomes', { env: { BRANCH_NAME: 'try-fast' } }],
  rulesOther: ['rules-outcomes', { env: { BRANCH_NAME: 'feature' } }],
  failureOnMain: ['when-on-failure-always', { env: { BRANCH_NAME: 'main', BREAK_BUILD: '1' } }],
  successOnMain: ['when-on-failure-always', { env: { BRANCH_NAME: 'main' } }],
  failureElsewhere: ['when-on-failure-always', { env: { BRANCH_NAME: 'feature', BREAK_BUILD: '1' } }],
  needs: ['needs-same-stage', {}],
  needsAcross: ['needs-across-stages', {}],
  needsAcrossBroken: ['needs-across-stages', { env: { BREAK_CHECK: '1' } }],
  timer: ['only-except-sources', { env: { BRANCH_NAME: 'main' }, causes: ['TimerTriggerCause'] }],
  push: ['only-except-sources', { env: { BRANCH_NAME: 'main' }, causes: ['BranchEventCause'] }],
  user: ['only-except-sources', { env: { BRANCH_NAME: 'dev' }, causes: ['UserIdCause'] }],
  artifacts: ['artifacts-globs', {}],
  afterScript: ['after-script-failure', {}],
  retry: ['retry-allow-failure', {}],
  predefined: ['predefined-variables', { env: { BRANCH_NAME: 'feature' } }],
  mergeRequest: ['predefined-variables', { env: { BRANCH_NAME: 'PR-7', CHANGE_ID: '7', CHANGE_BRANCH: 'feat', CHANGE_TARGET: 'main' } }],
  accept: ['accept-gitlab', {}],
  oversized: ['oversized-pipeline', {}],
  child: ['child-pipeline-depend', onMain('child-pipeline-depend')],
  childFails: ['child-pipeline-depend', onMain('child-pipeline-depend', { BREAK_DEPLOY: '1' })],
  childNoWait: ['child-pipeline-depend', onMain('child-pipeline-depend', { BREAK_DOCS: '1' })],
  childMissing: ['child-pipeline-depend', { env: { BRANCH_NAME: 'main', JOB_BASE_NAME: 'main' } }],
  childReal: ['child-pipeline-local', { ...onMain('child-pipeline-local', { BASE_VALUE: 'hello', PATH: `${stubs}:${process.env.PATH}` }), files: { '.gitlab-ci.tmpl': 'child: {script: [echo]}\n' } }],
};

/** How the corpus runs below are started: a push to main. */
const CORPUS_SCENARIO: Scenario = { dryRun: true, env: { BRANCH_NAME: 'main', GIT_COMMIT: '0123456789abcdef', GIT_URL: 'https://example.com/group/project.git' } };
let runs: { readonly golden: ReadonlyMap<string, RunResult>; readonly corpus: readonly RunResult[] } | undefined;
/** The golden runs and the corpus runs, done together on first use: one JVM for the file. */
function allRuns(): NonNullable<typeof runs> {
  if (runs) return runs;
  const names = Object.keys(RUNS);
  const golden = names.map((n) => ({ jenkinsfile: readFileSync(join(GOLDEN, RUNS[n][0], 'Jenkinsfile'), 'utf8'), scenario: RUNS[n][1] }));
  const corpus = samples(CORPUS).flatMap((s) => {
    const { jenkinsfile, children } = committedSample(s);
    return [jenkinsfile, ...Object.values(children)].map((text) => ({ jenkinsfile: text, scenario: CORPUS_SCENARIO }));
  });
  const out = runDeclarative([...golden, ...corpus]);
  runs = { golden: new Map(names.map((n, i) => [n, out[i]])), corpus: out.slice(names.length) };
  return runs;
}
const run = (name: keyof typeof RUNS): RunResult => allRuns().golden.get(name)!;
/** Output of every shell step of a stage, in order. */
const outputs = (r: RunResult, stage: string): string[] => r.events.filter((e) => e.type === 'sh' && e.stage === stage).map((e) => e.output!);
const ran = (r: RunResult, stage: string): boolean => outputs(r, stage).length > 0;

const test = groovyTest();
const describeRun = test === it ? describe : describe.skip;

describeRun('generated Jenkinsfiles behave as the GitLab pipeline', () => {
  beforeAll(allRuns, 300_000);

  test('a failure before a pipe fails the job (pipefail), where plain sh -xe would pass it', () => {
    const r = run('pipefail');
    expect(stageStatuses(r).test).toBe('FAILURE');
    expect(outputs(r, 'test').join('')).toContain('1 test failed');
    expect(outputs(r, 'test').join('')).not.toContain('not reached');
    expect(r.result).toBe('FAILURE');
    // Control: the same script under Jenkins' plain `sh` (/bin/sh -xe) exits 0.
    const dir = mkdtempSync(join(tmpdir(), 'g2j-plain-'));
    writeFileSync(join(dir, 'run-tests.sh'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    writeFileSync(join(dir, 'script.sh'), './run-tests.sh 2>&1 | tee test.log\necho reached\n');
    expect(spawnSync('/bin/sh', ['-xe', 'script.sh'], { cwd: dir, encoding: 'utf8' }).stdout).toContain('reached');
  });

  test('job and matrix values expand the global variables built from them, in image, tags and scripts', () => {
    const r = run('variables');
    const agents = Object.fromEntries(r.events.filter((e) => e.type === 'agent').map((e) => [e.stage, e.agent]));
    expect(agents['build-default']).toEqual({ kind: 'docker', image: 'golang:1.21', label: 'docker-amd64' });
    expect(agents['build-new']).toEqual({ kind: 'docker', image: 'golang:1.23', label: 'docker-arm64' });
    expect(outputs(r, 'build-default')[0]).toContain('\nbuilt with golang:1.21 on docker-amd64\n');
    expect(outputs(r, 'build-new')[0]).toContain('\nbuilt with golang:1.23 on docker-arm64\n');
    const cells = r.events.filter((e) => e.type === 'sh' && e.stage === 'build-matrix (cell)').map((e) => e.output!.trim().split('\n').pop());
    expect(cells).toEqual(['built with golang:1.22 on docker-amd64', 'built with golang:1.23 on docker-amd64']);
    expect(r.events.filter((e) => e.type === 'agent' && (e.agent as { image?: string }).image?.startsWith('golang:1.2')).map((e) => (e.agent as { image: string }).image)).toEqual(
      expect.arrayContaining(['golang:1.22', 'golang:1.23']),
    );
    expect(outputs(r, 'unset')[0]).toContain('\n[] []\n');
  });

  test("each rule keeps its own when, allow_failure and variables; the first match decides", () => {
    const tag = run('rulesTag');
    expect(tag.events.filter((e) => e.type === 'input').map((e) => e.stage)).toEqual(['deploy']);
    expect(outputs(tag, 'deploy').join('')).toContain('deploying to production');
    expect(ran(tag, 'deploy (rule 2)') || ran(tag, 'deploy (rule 3)')).toBe(false);
    // Not approved: nothing is deployed (GitLab leaves the manual job waiting).
    expect(ran(run('rulesTagAborted'), 'deploy')).toBe(false);

    const main = run('rulesMain');
    expect(main.events.some((e) => e.type === 'input')).toBe(false);
    expect(outputs(main, 'deploy (rule 2)').join('')).toContain('deploying to staging');
    expect(main.result).toBe('SUCCESS');

    const tried = run('rulesTry');
    expect(stageStatuses(tried)['deploy (rule 3)']).toBe('UNSTABLE');
    expect(tried.result).toBe('SUCCESS');

    const other = run('rulesOther');
    expect(['deploy', 'deploy (rule 2)', 'deploy (rule 3)'].some((s) => ran(other, s))).toBe(false);
  });

  test('on_failure and always jobs run in their stage, with their rules and the artifacts they need', () => {
    const failed = run('failureOnMain');
    expect(stageStatuses(failed)).toMatchObject({ build: 'FAILURE', 'notify-failure': 'SUCCESS', 'collect-logs': 'SUCCESS' });
    expect(outputs(failed, 'notify-failure')[0]).toContain('\ncompiling\n');
    expect(failed.result).toBe('FAILURE');

    const passed = run('successOnMain');
    expect(ran(passed, 'notify-failure')).toBe(false);
    expect(stageStatuses(passed)['collect-logs']).toBe('SUCCESS');
    expect(passed.result).toBe('SUCCESS');

    // The always job's rule (main only) still applies.
    const elsewhere = run('failureElsewhere');
    expect(ran(elsewhere, 'notify-failure')).toBe(true);
    expect(ran(elsewhere, 'collect-logs')).toBe(false);
  });

  test('needs within a stage runs the producer first and hands over its artifacts', () => {
    const r = run('needs');
    const order = r.events.filter((e) => e.type === 'sh').map((e) => e.stage);
    expect(order.indexOf('compile')).toBeLessThan(order.indexOf('package'));
    expect(r.events.find((e) => e.type === 'unstash')).toMatchObject({ stage: 'package', files: ['bin/app'] });
    expect(stageStatuses(r).package).toBe('SUCCESS');
  });

  test('needs across stages: where Jenkins runs a job differently from GitLab, the job or one it needs is warned about', () => {
    // GitLab's DAG: a job with needs starts once they are done and runs if they all succeeded.
    const gitlab = load(readFileSync(join(GOLDEN, 'needs-across-stages', '.gitlab-ci.yml'), 'utf8')) as Record<string, { needs?: string[]; stage: string }>;
    const jobs = Object.keys(gitlab).filter((k) => k !== 'stages');
    const warned = new Set(translateSample({ name: 'needs-across-stages', dir: join(GOLDEN, 'needs-across-stages') }).warnings.split('\n').filter((w) => w.includes('key "needs"')).map((w) => /job "([^"]+)"/.exec(w)![1]));
    expect([...warned].sort()).toEqual(['package', 'unit']);
    const blamed = (job: string): boolean => warned.has(job) || (gitlab[job].needs ?? []).some(blamed);
    for (const [scenario, failed] of [['needsAcross', []], ['needsAcrossBroken', ['slow-check']]] as const) {
      const r = run(scenario);
      const gitlabRuns = (job: string): boolean => !(failed as readonly string[]).includes(job) && (gitlab[job].needs ?? []).every(gitlabRuns);
      const order = r.events.filter((e) => e.type === 'sh').map((e) => e.stage);
      for (const job of jobs) {
        const same = (ran(r, job) && !failed.some((f) => f === job)) === gitlabRuns(job);
        if (!same) expect(blamed(job)).toBe(true);
        // Whatever runs, runs after the jobs it needs.
        for (const n of gitlab[job].needs ?? []) if (order.includes(job)) expect(order.indexOf(n)).toBeLessThan(order.indexOf(job));
      }
    }
    // The difference the warning names is real: GitLab would run unit and package after compile.
    expect(stageStatuses(run('needsAcrossBroken'))['slow-check']).toBe('FAILURE');
    expect(jobs.filter((j) => ran(run('needsAcrossBroken'), j))).toEqual(['compile', 'slow-check']);
    expect(jobs.filter((j) => ran(run('needsAcross'), j))).toEqual(jobs);
  });

  test('only/except sources follow the build cause; unknown sources never match, so except never inverts a job', () => {
    const which = (r: RunResult): string[] => ['nightly', 'manual-run', 'not-on-push', 'upstream-only', 'not-in-chat', 'chat-only'].filter((s) => ran(r, s));
    expect(which(run('timer'))).toEqual(['nightly', 'not-on-push', 'upstream-only', 'not-in-chat']);
    expect(which(run('push'))).toEqual(['upstream-only', 'not-in-chat']);
    expect(which(run('user'))).toEqual(['manual-run', 'not-on-push', 'not-in-chat']);
  });

  test('artifact globs take matched directories with everything below, $CI_PROJECT_DIR paths and exclude', () => {
    const archived = run('artifacts').events.find((e) => e.type === 'archive')!.files;
    expect(archived).toEqual(['dist.tar', 'out/linux/reports/a.xml', 'out/linux/reports/deep/b.xml', 'out/mac/reports/c.xml']);
  });

  test('after_script runs after a failure, inside the image with the services, and its failure does not count', () => {
    const r = run('afterScript');
    const test = r.events.filter((e) => e.stage === 'test').map((e) => (e.type === 'sh' ? `sh ${e.exit}` : e.type === 'service' || e.type === 'inside' ? `${e.type} ${e.image}` : e.type));
    expect(test).toEqual(['agent', 'service postgres:16', 'inside python:3.12', 'sh 3', 'sh 7', 'echo', 'stage']);
    expect(outputs(r, 'test')[1]).toContain('\ncleanup after failed\n');
    expect(stageStatuses(r)).toMatchObject({ test: 'FAILURE', 'ok-with-failing-cleanup': 'SUCCESS' });
  });

  test('retry with allow_failure retries first, then tolerates', () => {
    const r = run('retry');
    expect(r.events.filter((e) => e.type === 'sh' && e.stage === 'flaky').map((e) => e.exit)).toEqual([1, 1, 0]);
    expect(r.events.filter((e) => e.type === 'sh' && e.stage === 'always-fails').map((e) => e.exit)).toEqual([1, 1]);
    expect(stageStatuses(r)).toMatchObject({ flaky: 'SUCCESS', 'always-fails': 'UNSTABLE', after: 'SUCCESS' });
    expect(r.result).toBe('SUCCESS');
  });

  test('predefined variables Jenkins can provide are set; unset ones are empty, never "null"', () => {
    const build = outputs(run('predefined'), 'build')[0];
    expect(build).toContain('\njob=build stage=build\n');
    expect(build).toContain('\ntag=[] default=main\n');
    expect(ran(run('predefined'), 'review')).toBe(false);
    expect(outputs(run('mergeRequest'), 'review')[0]).toContain('\nMR !7 from feat into main\n');
  });

  test('what GitLab accepts runs: the last duplicate key, type:, nested needs, same-stage dependencies', () => {
    const r = run('accept');
    expect(outputs(r, 'compile').join('')).not.toContain('first');
    expect(outputs(r, 'check')[0]).toContain('\ncompiled\n');
    const order = r.events.filter((e) => e.type === 'sh').map((e) => e.stage);
    expect(order.indexOf('check')).toBeLessThan(order.indexOf('same-stage-consumer'));
    expect(r.result).toBe('SUCCESS');
  });

  test('a local child pipeline runs as a downstream job: forwarded variables win over its own, strategy: depend takes its result', () => {
    const downstream = (r: RunResult, job: string): RunResult => {
      const d = r.events.find((e) => e.type === 'downstream' && e.job === job);
      return { events: (d?.events ?? []) as RunResult['events'], result: String(d?.result), log: '' };
    };
    const ok = run('child');
    const deploy = downstream(ok, '../ci-deploy/main');
    // The child's jobs really run, see CI_PIPELINE_SOURCE=parent_pipeline and the parent's values.
    expect(outputs(deploy, 'check')[0]).toContain('\nchecking staging-1.4 from parent_pipeline\n');
    expect(outputs(deploy, 'deploy')[0]).toContain('\ndeploying 1.4 to staging\n');
    // forward:yaml_variables: false passes nothing.
    expect(outputs(downstream(ok, '../ci-docs/main'), 'docs')[0]).toContain('\ndocs for []\n');
    expect(stageStatuses(ok)).toMatchObject({ 'deploy-staging': 'SUCCESS', docs: 'SUCCESS', verify: 'SUCCESS' });
    expect(ok.result).toBe('SUCCESS');

    // strategy: depend: the child's failure is the trigger job's, so the next stage is skipped.
    const failed = run('childFails');
    expect(downstream(failed, '../ci-deploy/main').result).toBe('FAILURE');
    expect(ran(downstream(failed, '../ci-deploy/main'), 'deploy')).toBe(false);
    expect(stageStatuses(failed)['deploy-staging']).toBe('FAILURE');
    expect(ran(failed, 'verify')).toBe(false);
    expect(failed.result).toBe('FAILURE');

    // Without depend the parent does not follow the child.
    const noWait = run('childNoWait');
    expect(downstream(noWait, '../ci-docs/main').result).toBe('FAILURE');
    expect(stageStatuses(noWait)).toMatchObject({ docs: 'SUCCESS', verify: 'SUCCESS' });
    expect(noWait.result).toBe('SUCCESS');

    // The downstream job must exist in Jenkins (the warning says how to create it).
    expect(stageStatuses(run('childMissing'))['deploy-staging']).toBe('FAILURE');

    // The public pipeline (gitlab-ci-local's trigger case): the job's variable, built from a
    // variable of the parent's environment, reaches the child expanded.
    const real = run('childReal');
    expect(outputs(downstream(real, '../gitlab-ci-variable-expand-child/main'), 'print-derived-value')[0]).toContain('\nDERIVED_VALUE=hello-world\n');
    expect(stageStatuses(real)).toMatchObject({ 'variable-expand-trigger': 'SUCCESS', 'include-trigger': 'FAILURE', 'remote-trigger': 'FAILURE' });
  });

  test('a pipeline too large for one method runs the same with its steps in functions', () => {
    const r = run('oversized');
    const jenkinsfile = readFileSync(join(GOLDEN, 'oversized-pipeline', 'Jenkinsfile'), 'utf8');
    expect(jenkinsfile).toContain('void gitlabJob30()');
    const jobs = Array.from({ length: 29 }, (_, i) => `job${String(i + 1).padStart(2, '0')}`);
    // Each job sees the artifacts of all earlier ones (GitLab's default), then its after_script runs.
    jobs.forEach((job, i) => {
      const [main, after] = outputs(r, job);
      expect(main).toContain(`\n${job} in s${String(i + 1).padStart(2, '0')}\n`);
      expect(after).toContain(`\nafter ${job} success\n`);
    });
    expect(outputs(r, 'check')[0].trim().split('\n').pop()!.trim()).toBe('28');
    expect(r.result).toBe('SUCCESS');
  });
});

// Every generated Jenkinsfile of the corpus (real pipelines included; as committed, see above) runs
// to its end in the interpreter: its Groovy (helpers, conditions, environment, matrix, artifact
// loops) executes; shell steps are recorded, not run, as they need the projects' tools.
describeRun('the whole corpus runs in the interpreter', () => {
  // Found by it: a variable named URL made `environment {}` assign to java.net.URL (no compile).
  test('on main, every stage ends with a status', () => {
    // Child pipelines' Jenkinsfiles too (their parameters declared, their downstream jobs absent).
    const results = allRuns().corpus;
    expect(results).toHaveLength(samples(CORPUS).reduce((n, s) => n + 1 + Object.keys(committedSample(s).children).length, 0));
    for (const r of results) expect(r.events.filter((e) => e.type === 'stage').length).toBeGreaterThan(0);
    // Placeholders for unread includes fail; translated jobs run somewhere in the corpus.
    expect(results.some((r) => r.result === 'SUCCESS')).toBe(true);
  }, 300_000);
});
