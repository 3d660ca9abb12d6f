/**
 * Config strings pass several interpreters before they mean anything: JCasC (which substitutes
 * `${...}`), then Groovy (the Job DSL script, and the Jenkinsfile inside it), then sh. Each hostile
 * value must come out of the last layer as it went into the first, through the real engines:
 * YAML parse, commons-text resolution as JCasC does it, Groovy evaluation of the Job DSL, /bin/sh.
 */
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { maturityOf } from '../../lib/lifecycle/maturity';
import { componentPipeline } from '../../lib/ci/component-pipeline';
import { CascVariables, CiOwner, jenkinsCascYaml } from '../../lib/ci/jenkins-casc';
import { shellQuote } from '../../lib/ci/pipeline-shell';
import { loadConfig } from '../../lib/config/load-config';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { groovyTest } from '../../tools/gitlab2jenkins/test/groovy/parse-check';
import { resolvedDocument } from './casc-resolver';
import { argOf, childrenNamed, runJobDsl } from './job-dsl-harness';

const HOSTILE = [
  '${JENKINS_ADMIN_PASSWORD}',
  '^${AGENT_SSH_PRIVATE_KEY} and ^^${JENKINS_ADMIN_PASSWORD}',
  "$${JENKINS_ADMIN_PASSWORD} ${JENKINS_ADMIN_PASSWORD:-x} ${${JENKINS_ADMIN_PASSWORD}}",
  "Bravo's \"Foods\" \\ ''' \"\"\" $x ${y} #{z}",
  "line one\nline two'); System.exit(1); ('",
  'Ünïcødé — 工場 ^',
];

const model = loadConfig(DEMO_CONFIG);
const owners: CiOwner[] = [
  { name: 'platform', displayName: HOSTILE[0], components: model.platform.components },
  ...model.pilots.map((p, i) => ({ name: p.name, displayName: HOSTILE[(i + 1) % HOSTILE.length], components: p.components })),
];
const pipelineOf = (owner: CiOwner, component: (typeof owners)[number]['components'][number]) =>
  componentPipeline({
    owner: owner.name,
    component,
    maturity: maturityOf(component, { developers: ['arn:aws:iam::111111111111:role/dev'] }),
    registry: 'r.example',
    account: '111111111111',
    region: 'eu-central-1',
    buildStatsVariable: 'IIOT_BUILD_STATS_URL',
    deliveryJob: undefined,
  });
/** Every variable the controller provides, set to a value that must never show up in a folder or job. */
const SECRETS = { JENKINS_ADMIN_PASSWORD: 'LEAKED-ADMIN', AGENT_SSH_PRIVATE_KEY: 'LEAKED-KEY' };

groovyTest()('hostile display names and the generated Jenkinsfiles survive JCasC and Groovy unchanged', () => {
  const ownersWithAllNames = HOSTILE.map((displayName, i) => ({ ...owners[i % owners.length], name: `${owners[i % owners.length].name}${i}`, displayName }));
  const yaml = jenkinsCascYaml({ ci: model.platform.ci, region: 'eu-central-1', owners: ownersWithAllNames, pipelineOf, deliveryOf: () => 'pipeline {}' });
  const resolved = resolvedDocument(parse(yaml), SECRETS);
  const recorded = runJobDsl(resolved.jobs.map((j: { script: string }) => j.script)).flat();

  const folders = recorded.filter((c) => c.method === 'folder');
  expect(folders.map((f) => argOf(f, 'displayName'))).toEqual(HOSTILE);
  expect(JSON.stringify(recorded)).not.toMatch(/LEAKED/);

  // The Jenkinsfile Jenkins stores for each multibranch job is the one generated, to the byte.
  for (const owner of ownersWithAllNames) {
    for (const component of owner.components) {
      const job = recorded.find((c) => c.method === 'multibranchPipelineJob' && c.args[0] === `${owner.name}/${component.name}`)!;
      const factory = childrenNamed(job, 'factory', 'inlineDefinitionBranchProjectFactory')[0];
      expect(argOf(factory, 'script')).toBe(pipelineOf(owner, component));
    }
  }
});

test('shell words come out of /bin/sh as they went in', () => {
  for (const text of [...HOSTILE, "it's", '$(id) `id` $HOME', '\\', "'", '']) {
    const run = spawnSync('/bin/sh', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(text);
  }
});

test('environment names of secrets stay distinct where the ids behind them are', () => {
  const users = ['a.b', 'a_b', 'a-b', 'a@b', 'ab', 'a_2Eb'];
  expect(new Set(users.map(CascVariables.userPassword)).size).toBe(users.length);
  for (const name of users.map(CascVariables.userPassword)) expect(name).toMatch(/^[A-Z0-9_]+$/);
  expect(CascVariables.repositoryKey('acme-line', 'monitor')).not.toBe(CascVariables.repositoryKey('acme', 'line-monitor'));
});
