/**
 * The CI and delivery pipelines as Jenkins receives them: the JCasC document from the synthesized
 * controller task definition, its `jobs:` scripts resolved as JCasC resolves them and run through
 * Groovy against a recording Job DSL stub, the inline Jenkinsfiles parsed to their Declarative
 * model, then checked structurally and run stage by stage against logging fakes.
 */
import { parse } from 'yaml';
import { componentPipeline } from '../../lib/ci/component-pipeline';
import { AwsCredentialIds } from '../../lib/ci/pipeline-credentials';
import { loadConfig } from '../../lib/config/load-config';
import { ComponentSpec } from '../../lib/config/schema';
import { hasCiJob, maturityOf } from '../../lib/lifecycle/maturity';
import { demoAssembly } from '../demo-assembly';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { cascVariables, controllerInputs } from './controller-inputs';
import { groovyTest } from '../../tools/gitlab2jenkins/test/groovy/parse-check';
import { cascResolved, DslCall, findCalls, onlyCall, runJobDsl } from './job-dsl-harness';
import { callsNamed, constant, NODE_STEPS, parseJenkinsfiles, Pipeline, stagesWithAgents } from './jenkinsfile-model';
import { RunOptions, runPipeline } from './pipeline-runner';
import { jenkinsBuildEnvironment } from './upstream-facts';

const REGISTRY = '111111111111.dkr.ecr.eu-central-1.amazonaws.com';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const model = loadConfig(DEMO_CONFIG);
const owners = [{ name: 'platform', components: model.platform.components, developers: model.platform.developers }, ...model.pilots];
const componentOf = (owner: string, name: string) => owners.find((o) => o.name === owner)!.components.find((c) => c.name === name)!;

interface Job {
  readonly name: string;
  readonly definition: DslCall;
  readonly jenkinsfile: string;
  pipeline?: Pipeline;
}

let jobs: Map<string, Job>;
let folders: string[];
let globalNodeEnv: Record<string, string>;

/** acme/press-firmware with blobs built outside out/<generation>/<arch>/. */
const misplacedBlobs: ComponentSpec = (() => {
  const spec = componentOf('acme', 'press-firmware');
  return { ...spec, blobs: { ...spec.blobs!, command: 'make firmware OUT=out' } };
})();
/** Jenkinsfiles with one defect each, for the tests that prove a check bites; parsed with the jobs' ones. */
const DEFECTIVE = {
  misplacedBlobs: () =>
    componentPipeline({ owner: 'acme', component: misplacedBlobs, maturity: maturityOf(misplacedBlobs, model.pilots[0]), registry: REGISTRY, account: '111111111111', region: 'eu-central-1', buildStatsVariable: 'IIOT_BUILD_STATS_URL' }),
  unexportedTag: () => jobs.get('acme/line-monitor')!.jenkinsfile.replace(/\nexport TAG\n/g, '\n'),
  agentlessDeliver: () => jobs.get('acme/line-monitor')!.jenkinsfile.replace(/(stage\('Deliver'\) \{\n\s*)agent \{\n\s*label 'linux-x64'\n\s*\}\n/, '$1'),
};
let defective: Record<keyof typeof DEFECTIVE, Pipeline>;

/** One synthesis and two JVM runs for the whole file: Job DSL, then every Jenkinsfile at once. */
function extractJobs(): void {
  const { outdir, templates } = demoAssembly();
  const inputs = controllerInputs(outdir, templates);
  // Deploy-time values (ARNs, names) are CloudFormation expressions; a placeholder stands in for each.
  const variables = cascVariables(inputs, (v) => `<${v}>`);
  const environment: Record<string, string> = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, v.startsWith('{') ? `<${k}>` : v]));
  const casc = parse(inputs.casc);
  globalNodeEnv = Object.fromEntries(
    casc.jenkins.globalNodeProperties[0].envVars.env.map((e: { key: string; value: string }) => [e.key, cascResolved(e.value, environment)]),
  );
  const scripts: string[] = casc.jobs.map((j: { script: string }) => cascResolved(j.script, environment));
  const calls = runJobDsl(scripts).flat();
  folders = findCalls(calls, 'folder').map((f) => f.args[0] as string);
  jobs = new Map();
  for (const job of findCalls(calls, 'multibranchPipelineJob')) {
    const script = onlyCall(onlyCall(job, 'inlineDefinitionBranchProjectFactory'), 'script').args[0] as string;
    jobs.set(job.args[0] as string, { name: job.args[0] as string, definition: job, jenkinsfile: script });
  }
  for (const job of findCalls(calls, 'pipelineJob')) {
    const script = onlyCall(onlyCall(job, 'cps'), 'script').args[0] as string;
    jobs.set(job.args[0] as string, { name: job.args[0] as string, definition: job, jenkinsfile: script });
  }
  const all = [...jobs.values()];
  const names = Object.keys(DEFECTIVE) as (keyof typeof DEFECTIVE)[];
  const parsed = parseJenkinsfiles([...all.map((j) => j.jenkinsfile), ...names.map((n) => DEFECTIVE[n]())]);
  all.forEach((j, i) => (j.pipeline = parsed[i]));
  defective = Object.fromEntries(names.map((n, i) => [n, parsed[all.length + i]])) as typeof defective;
}

const job = (name: string) => {
  const found = jobs.get(name);
  if (!found?.pipeline) throw new Error(`no job ${name}; jobs: ${[...jobs.keys()].join(', ')}`);
  return found as Required<Job>;
};

/** The component's repository as CI checks it out: what its Dockerfile, chart and commands need. */
function repositoryOf(component: ComponentSpec): Record<string, string> {
  return {
    [component.dockerfile]: 'FROM scratch\n',
    'README.md': '# component\n',
    ...(component.cd ? { [`${component.cd.chart}/Chart.yaml`]: `apiVersion: v2\nname: ${component.name}\nversion: 0.0.0\n` } : {}),
  };
}

function runCi(owner: string, component: string, build: { branch: string; tag?: boolean }, stubs: Record<string, string> = {}, extra: Partial<RunOptions> = {}) {
  const spec = componentOf(owner, component);
  return runPipeline(job(`${owner}/${component}`).pipeline, {
    jenkinsEnv: { ...globalNodeEnv, ...jenkinsBuildEnvironment({ multibranch: true, branch: build.branch, tag: build.tag, commit: COMMIT }) },
    repository: repositoryOf(spec),
    multibranch: true,
    stubs,
    ...extra,
  });
}

function runDelivery(owner: string, component: string, params: { VERSION: string; COMMIT: string }, extra: Partial<RunOptions> = {}) {
  const spec = componentOf(owner, component);
  return runPipeline(job(`${owner}/${component}-delivery`).pipeline, {
    jenkinsEnv: { ...globalNodeEnv, ...jenkinsBuildEnvironment({ multibranch: false, job: `${owner}/${component}-delivery` }) },
    params,
    repository: repositoryOf(spec),
    multibranch: false,
    registry: [`${REGISTRY}/${owner}/dev/${component}:${params.VERSION} key-of-aws-publish`, `${REGISTRY}/${owner}/dev/charts/${component}:${params.VERSION} key-of-aws-publish`],
    ...extra,
  });
}

const indexOf = (calls: readonly string[], pattern: RegExp) => calls.findIndex((c) => pattern.test(c));
const inOrder = (calls: readonly string[], ...patterns: RegExp[]) => {
  const at = patterns.map((p) => indexOf(calls, p));
  expect(at.map((i, n) => (i < 0 ? `missing ${patterns[n]}` : i))).toEqual([...at].sort((a, b) => a - b));
};

const describeGroovy = groovyTest() === test ? describe : describe.skip;

describeGroovy('pipelines as Jenkins receives them', () => {
  beforeAll(extractJobs, 240_000);

  test('a job for every component from maturity level 1 on, in its owner\'s folder; a delivery job for each with CD', () => {
    const expected = owners.flatMap((o) => o.components.filter((c) => hasCiJob(c, o)).map((c) => `${o.name}/${c.name}`));
    const deliveries = owners.flatMap((o) => o.components.filter((c) => c.cd).map((c) => `${o.name}/${c.name}-delivery`));
    expect([...jobs.keys()].sort()).toEqual([...expected, ...deliveries].sort());
    for (const name of jobs.keys()) expect(folders).toContain(name.split('/')[0]);
  });

  test('no job below level 1: the filter follows maturity', () => {
    const bare = { ...componentOf('acme', 'press-firmware'), webhook: false };
    expect(maturityOf(bare, { developers: [] }).level).toBe(0);
    expect(hasCiJob(bare, { developers: [] })).toBe(false);
  });

  test('every stage (and post block) that runs sh or touches files has a node', () => {
    for (const { pipeline, name } of [...jobs.values()] as Required<Job>[]) {
      for (const { stage, path, agent } of stagesWithAgents(pipeline)) {
        const bodies = [stage.steps, ...Object.values(stage.post), ...(stage.matrix ? Object.values(stage.matrix.post) : [])];
        const needsNode = NODE_STEPS.some((s) => bodies.some((b) => callsNamed(b, s).length > 0));
        const effective = stage.matrix ? (stage.matrix.agent ?? agent) : agent;
        if (needsNode) expect({ job: name, stage: path, agent: effective?.type ?? 'none' }).toEqual({ job: name, stage: path, agent: 'label' });
      }
    }
  });

  test('credentials are bound per stage: CI publishes with aws-publish in its publish stage only; deploy and promote only on CD agents', () => {
    const bound = (name: string) =>
      stagesWithAgents(job(name).pipeline).flatMap(({ stage, path, agent }) =>
        callsNamed(stage.steps, 'aws').map((binding) => ({ path, id: constant(binding.named.credentialsId), agent: agent?.type === 'label' ? constant(agent.label) : agent?.type })),
      );
    for (const name of jobs.keys()) {
      const bindings = bound(name);
      if (name.endsWith('-delivery')) {
        expect(bindings.every((b) => b.agent === 'cd' && b.id !== AwsCredentialIds.publish)).toBe(true);
        expect(bindings.filter((b) => b.id === AwsCredentialIds.promote).map((b) => b.path)).toEqual(
          job(name).pipeline.stages.some((s) => s.name === 'Promote to prod') ? ['Promote to prod'] : [],
        );
      } else {
        expect(bindings.every((b) => b.id === AwsCredentialIds.publish && b.path === 'Publish to dev')).toBe(true);
      }
    }
  });

  test('no container ever joins the host network', () => {
    for (const { jenkinsfile, name } of jobs.values()) expect({ name, host: /--net(work)?[ =]host/.test(jenkinsfile) }).toEqual({ name, host: false });
  });

  test('the delivery job declares VERSION and COMMIT in its definition, so `build job:` may pass them on the first run', () => {
    for (const delivery of [...jobs.values()].filter((j) => j.name.endsWith('-delivery'))) {
      const declared = findCalls(delivery.definition.body ?? [], 'stringParam').map((p) => p.args[0]);
      expect(declared).toEqual(['VERSION', 'COMMIT']);
      // Not redeclared in the Jenkinsfile, whose properties step would otherwise own them.
      expect(delivery.pipeline!.parameters).toEqual([]);
    }
  });

  test('approval: a timeout, only the pilot\'s approvers, asked for release versions only', () => {
    const approval = job('acme/line-monitor-delivery').pipeline.stages.find((s) => s.name === 'Approval')!;
    expect(constant(approval.input!.submitter).split(',')).toEqual(componentOf('acme', 'line-monitor').cd!.approvers);
    expect(callsNamed(approval.options, 'timeout')).toHaveLength(1);
    expect(callsNamed(approval.when, 'beforeInput')).toHaveLength(1);
  });

  describe('CI of acme/line-monitor (amd64 + arm64, image + chart, CD)', () => {
    test('main: tests and builds on both fleets, then one publish with the publisher credentials, then delivery of that commit', () => {
      const run = runCi('acme', 'line-monitor', { branch: 'main' });
      expect(run.stderr).not.toMatch(/unbound|parameter not set|not set \(exported\)/);
      expect(run.result).toBe('SUCCESS');
      const tag = `0.0.0-main.g${COMMIT.slice(0, 12)}`;
      expect(run.stages.filter((s) => s.label).map((s) => `${s.path}@${s.label}`)).toEqual(
        expect.arrayContaining(['Per architecture (linux-x64) / Build@linux-x64', 'Per architecture (linux-arm64) / Build@linux-arm64', 'Publish to dev@linux-x64', 'Deliver@linux-x64']),
      );
      inOrder(
        run.calls,
        /^pytest .*--junitxml=reports\/unit.xml/,
        /^docker build --pull --platform linux\/amd64/,
        /^docker build --pull --platform linux\/arm64/,
        /^docker load -i image-amd64\.tar/,
        new RegExp(`^docker push ${REGISTRY}/acme/dev/line-monitor:${tag}-amd64$`),
        new RegExp(`^docker push ${REGISTRY}/acme/dev/line-monitor:${tag}-arm64$`),
        /^docker manifest push/,
        new RegExp(`^helm push line-monitor-${tag}\\.tgz oci://${REGISTRY}/acme/dev/charts$`),
      );
      expect(run.registry).toEqual([
        `${REGISTRY}/acme/dev/line-monitor:${tag}-amd64 key-of-${AwsCredentialIds.publish}`,
        `${REGISTRY}/acme/dev/line-monitor:${tag}-arm64 key-of-${AwsCredentialIds.publish}`,
        `${REGISTRY}/acme/dev/line-monitor:${tag} key-of-${AwsCredentialIds.publish}`,
      ]);
      // AWS is reached only through the job's bindings; no role is assumed on an agent.
      expect(run.calls.filter((c) => c.startsWith('aws[instance-role]'))).toEqual([]);
      // Each architecture cell reports its record, signed with the owner's reporter binding.
      expect(run.calls.filter((c) => c.startsWith('curl'))).toEqual([`curl[key-of-${AwsCredentialIds.report}] ${globalNodeEnv.IIOT_BUILD_STATS_URL}`, `curl[key-of-${AwsCredentialIds.report}] ${globalNodeEnv.IIOT_BUILD_STATS_URL}`]);
      expect(run.calls.filter((c) => c.startsWith('aws') && / sts /.test(c))).toEqual([]);
      expect(run.triggered).toEqual([{ job: '/acme/line-monitor-delivery', parameters: { VERSION: tag, COMMIT } }]);
    });

    test('a report that cannot be signed (the reporter is not assumable) leaves the build as it was: published and delivered', () => {
      const run = runCi('acme', 'line-monitor', { branch: 'main' }, {}, { failingCredentials: [AwsCredentialIds.report] });
      expect(run.result).toBe('SUCCESS');
      expect(run.calls.filter((c) => c.startsWith('curl'))).toEqual([]);
      expect(run.calls.filter((c) => c.startsWith('catchError caught'))).toHaveLength(2);
      expect(run.registry.length).toBeGreaterThan(0);
      expect(run.triggered).toHaveLength(1);
    });

    test('an arm64 JUnit failure stops everything, although the test command exits 0: no amd64 image in dev', () => {
      const run = runCi('acme', 'line-monitor', { branch: 'main' }, { STUB_FAILING_FLEETS: 'linux-arm64' });
      expect(run.result).toBe('FAILURE');
      expect(run.stderr).toMatch(/JUnit reports above list failures/);
      expect(run.stages).toContainEqual(expect.objectContaining({ path: 'Publish to dev', status: 'skipped' }));
      expect(run.registry).toEqual([]);
      expect(run.calls.filter((c) => /^docker (push|manifest)|^helm push|s3 cp/.test(c))).toEqual([]);
      expect(run.triggered).toEqual([]);
    });

    test('a failing test command stops everything too', () => {
      const run = runCi('acme', 'line-monitor', { branch: 'main' }, { STUB_TEST_EXIT: '1' });
      expect(run.result).toBe('FAILURE');
      expect(run.registry).toEqual([]);
    });

    test('release tag v1.4.0 publishes 1.4.0 and delivers it; release branch v1.4 publishes but does not deliver', () => {
      const tag = runCi('acme', 'line-monitor', { branch: 'v1.4.0', tag: true });
      expect(tag.result).toBe('SUCCESS');
      expect(tag.registry).toContain(`${REGISTRY}/acme/dev/line-monitor:1.4.0 key-of-aws-publish`);
      expect(tag.triggered).toEqual([{ job: '/acme/line-monitor-delivery', parameters: { VERSION: '1.4.0', COMMIT } }]);
      const branch = runCi('acme', 'line-monitor', { branch: 'v1.4' });
      expect(branch.result).toBe('SUCCESS');
      expect(branch.registry.length).toBeGreaterThan(0);
      expect(branch.triggered).toEqual([]);
      expect(branch.stages).toContainEqual(expect.objectContaining({ path: 'Deliver', status: 'skipped', reason: 'when' }));
    });
  });

  test('blobs: acme/press-firmware builds firmware on arm64 and publishes every file at <component>/<version>/<generation>/<arch>/...', () => {
    const run = runCi('acme', 'press-firmware', { branch: 'main' });
    expect(run.result).toBe('SUCCESS');
    const tag = `0.0.0-main.g${COMMIT.slice(0, 12)}`;
    expect(run.calls.filter((c) => c.includes('s3 cp'))).toEqual([
      `aws[key-of-aws-publish] s3 cp ./press-gw-v1/arm64/firmware.bin s3://acme-blobs-dev-111111111111-eu-central-1/press-firmware/${tag}/press-gw-v1/arm64/firmware.bin --only-show-errors`,
    ]);
    inOrder(run.calls, /^make test/, /^make firmware OUT=out\/press-gw-v1\/arm64/, /^stash blobs-linux-arm64: out\/press-gw-v1\/arm64\/firmware.bin/, /s3 cp/);
  });

  test('blobs outside <generation>/<arch>/ fail the build before anything is published', () => {
    const run = runPipeline(defective.misplacedBlobs, { jenkinsEnv: { ...globalNodeEnv, ...jenkinsBuildEnvironment({ multibranch: true, branch: 'main', commit: COMMIT }) }, repository: repositoryOf(misplacedBlobs), multibranch: true });
    expect(run.result).toBe('FAILURE');
    expect(run.stderr).toMatch(/blobs must be out\/<generation>\/arm64\/<file>; not: \.\/firmware\.bin/);
    expect(run.calls.filter((c) => c.includes('s3 cp'))).toEqual([]);
  });

  test('below level 2 (bravo/quality-model, no unit tests) the job publishes nothing and says what is missing', () => {
    const quality = job('bravo/quality-model').pipeline;
    expect(quality.stages.map((s) => s.name)).toEqual(['Per architecture', 'Not published']);
    const run = runCi('bravo', 'quality-model', { branch: 'main' });
    expect(run.result).toBe('SUCCESS');
    expect(run.calls).toContainEqual(expect.stringMatching(/^echo Nothing is published: bravo\/quality-model is at maturity level 1.*Missing: no unit tests/));
    expect(run.calls.filter((c) => /push|s3 cp|get-login-password/.test(c))).toEqual([]);
  });

  describe('delivery of acme/line-monitor', () => {
    const release = { VERSION: '1.4.0', COMMIT };
    const onRelease = { STUB_GIT_TAG_COMMIT: COMMIT, STUB_IMAGE_DIGEST: 'sha256:image1', STUB_CHART_DIGEST: 'sha256:chart1' };

    test('a release: exact commit, staged digests, tests on their own network, approval, promotion of those digests, then production', () => {
      const run = runDelivery('acme', 'line-monitor', release, { stubs: onRelease });
      expect(run.stderr).not.toMatch(/unbound|parameter not set|not set \(exported\)/);
      expect(run.result).toBe('SUCCESS');
      expect(run.calls.filter((c) => c.startsWith('checkout'))).toEqual([`checkout ${COMMIT}`, `checkout ${COMMIT}`]);
      inOrder(
        run.calls,
        /^git rev-parse refs\/tags\/v1\.4\.0\^\{commit\}$/,
        /^git merge-base --is-ancestor \S+ refs\/remotes\/origin\/v1\.4$/,
        /^aws\[key-of-aws-deploy\] ecr describe-images --repository-name acme\/dev\/charts\/line-monitor/,
        /^helm pull oci:\/\/\S+\/acme\/dev\/charts\/line-monitor --version 1\.4\.0$/,
        /^helm upgrade --install line-monitor line-monitor-1\.4\.0\.tgz --namespace pilot-acme-staging --set image\.repository=\S+\/acme\/dev\/line-monitor --set image\.tag=1\.4\.0@sha256:image1 /,
        /^docker network create it-/,
        /^kubectl -n pilot-acme-staging port-forward --address 0\.0\.0\.0 svc\/line-monitor 18080:80$/,
        /^docker run --rm --network it-\S+ -e STAGING_URL=http:\/\/it-\S+-tools:18080 .*python:3\.12\.7/,
        /^pytest it\//,
        /^aws\[key-of-aws-promote\] ecr get-login-password/,
        /^docker run .*crane:\S+ copy \S+\/acme\/dev\/line-monitor@sha256:image1 \S+\/acme\/prod\/line-monitor:1\.4\.0$/,
        /^helm upgrade --install line-monitor line-monitor-1\.4\.0\.tgz --namespace pilot-acme --set image\.repository=\S+\/acme\/prod\/line-monitor --set image\.tag=1\.4\.0@sha256:image1 /,
        /^wget -qO- http:\/\/127\.0\.0\.1:18081\/healthz$/,
      );
      // The port-forward runs in the background while the check polls it.
      expect(run.calls).toContain('kubectl -n pilot-acme port-forward svc/line-monitor 18081:80');
      expect(run.calls.filter((c) => c.startsWith('helm rollback'))).toEqual([]);
      expect(run.inputs).toEqual([{ message: 'Promote 1.4.0 to production?', ok: 'Promote', submitter: 'acme-lead,platform-operator' }]);
      expect(run.registry.filter((l) => l.includes('/prod/'))).toEqual([
        `${REGISTRY}/acme/prod/line-monitor:1.4.0 key-of-aws-promote`,
        `${REGISTRY}/acme/prod/charts/line-monitor:1.4.0 key-of-aws-promote`,
      ]);
    });

    test('a non-release version reaches staging and its tests, and is never promoted', () => {
      const run = runDelivery('acme', 'line-monitor', { VERSION: `0.0.0-main.g${COMMIT.slice(0, 12)}`, COMMIT });
      expect(run.result).toBe('SUCCESS');
      expect(run.stages.map((s) => `${s.path}:${s.status}`)).toEqual([
        'Deploy to staging:success',
        'Integration tests:success',
        'Approval:skipped',
        'Promote to prod:skipped',
        'Deploy to production:skipped',
      ]);
      expect(run.inputs).toEqual([]);
      expect(run.calls.filter((c) => /promote|crane|pilot-acme( |$)/.test(c))).toEqual([]);
    });

    test('production: a failed health check rolls back after the upgrade, and fails the delivery', () => {
      const run = runDelivery('acme', 'line-monitor', release, { stubs: { ...onRelease, STUB_WGET_EXIT: '1' } });
      expect(run.result).toBe('FAILURE');
      inOrder(run.calls, /^helm upgrade .*--namespace pilot-acme /, /^wget /, /^helm rollback line-monitor --namespace pilot-acme --wait$/);
      expect(indexOf(run.calls, /^kubectl -n pilot-acme port-forward/)).toBeGreaterThan(indexOf(run.calls, /^helm upgrade .*--namespace pilot-acme /));
      expect(run.calls.filter((c) => c.startsWith('wget'))).toHaveLength(12);
    });

    test('a failed upgrade is rolled back by --atomic and never health-checked', () => {
      const run = runDelivery('acme', 'line-monitor', release, { stubs: { ...onRelease, STUB_HELM_UPGRADE_EXIT: '1' } });
      expect(run.result).toBe('FAILURE');
      expect(run.calls.filter((c) => /^(wget|helm rollback)/.test(c))).toEqual([]);
    });

    test('refused before staging: a release tag on another commit, a tag off its release branch, a checkout that is not the commit', () => {
      for (const stubs of [{ STUB_GIT_TAG_COMMIT: 'f'.repeat(40) }, { ...onRelease, STUB_GIT_NOT_ON_RELEASE_BRANCH: '1' }, { ...onRelease, STUB_GIT_HEAD: 'e'.repeat(40) }]) {
        const run = runDelivery('acme', 'line-monitor', release, { stubs });
        expect(run.result).toBe('FAILURE');
        expect(run.calls.filter((c) => c.startsWith('helm'))).toEqual([]);
      }
    });

    test('not approved: nothing reaches prod', () => {
      const run = runDelivery('acme', 'line-monitor', release, { stubs: onRelease, approve: false });
      expect(run.result).toBe('ABORTED');
      expect(run.registry.filter((l) => l.includes('/prod/'))).toEqual([]);
    });
  });

  test('the checks bite: an unexported TAG fails the chart push, a Deliver stage without an agent fails at its first sh', () => {
    const { unexportedTag: unexported, agentlessDeliver: agentless } = defective;
    // Each defect is really there: the variant differs from the generated Jenkinsfile.
    expect([DEFECTIVE.unexportedTag(), DEFECTIVE.agentlessDeliver()]).not.toContain(job('acme/line-monitor').jenkinsfile);
    const env = { ...globalNodeEnv, ...jenkinsBuildEnvironment({ multibranch: true, branch: 'main', commit: COMMIT }) };
    const options = { jenkinsEnv: env, repository: repositoryOf(componentOf('acme', 'line-monitor')), multibranch: true };
    const noTag = runPipeline(unexported, options);
    expect(noTag.result).toBe('FAILURE');
    expect(noTag.stderr).toMatch(/-e TAG: TAG is not set \(exported\)/);
    const noNode = runPipeline(agentless, options);
    expect(noNode.stages).toContainEqual(expect.objectContaining({ path: 'Deliver', status: 'failed', reason: expect.stringMatching(/requires a node context/) }));
  });

  test('bravo/cold-chain delivers to its own staging namespace only, with its own deploy credentials', () => {
    const run = runDelivery('bravo', 'cold-chain', { VERSION: '2.1.0', COMMIT }, { stubs: { STUB_GIT_TAG_COMMIT: COMMIT } });
    expect(run.result).toBe('SUCCESS');
    expect(run.calls.filter((c) => c.startsWith('helm upgrade'))).toEqual([expect.stringMatching(/--namespace pilot-bravo-staging /)]);
    expect(run.calls.filter((c) => c.startsWith('aws[')).every((c) => c.startsWith('aws[key-of-aws-deploy]'))).toBe(true);
  });
});
