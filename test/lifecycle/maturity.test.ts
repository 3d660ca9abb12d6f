import { loadConfig } from '../../lib/config/load-config';
import { ComponentSpec } from '../../lib/config/schema';
import { maturityOf } from '../../lib/lifecycle/maturity';
import { maturityTable } from '../../lib/lifecycle/maturity-table';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { problemsOf, configWith } from '../fixtures/config-edit';

const bare: ComponentSpec = {
  name: 'gauge',
  repository: 'git@github.com:acme/gauge.git',
  branch: 'main',
  architectures: ['amd64'],
  artefacts: ['blob'],
  sharedWith: [],
  dockerfile: 'Dockerfile',
  webhook: false,
};
const tests = { image: 'node:20.18-bookworm', command: 'npm test', junitReport: 'junit.xml' };
const developers = { developers: ['arn:aws:iam::111111111111:role/dev'] };

/** The component after each onboarding step, with the level it must then have. */
const steps: [string, ComponentSpec, typeof developers | { developers: string[] }, number, RegExp | undefined][] = [
  ['nothing done', bare, developers, 0, /no webhook/],
  ['webhook registered', { ...bare, webhook: true }, developers, 1, /no blob build for the blob artefact.*no unit tests/],
  ['nothing to build', { ...bare, webhook: true, artefacts: ['chart'], tests }, developers, 1, /^no build artefact/],
  ['firmware built and tested', { ...bare, webhook: true, tests, blobs: { image: 'gcc:14.2.0-bookworm', command: 'make', outputDir: 'out' } }, { developers: [] }, 2, /no developers/],
  ['image but no tests', { ...bare, webhook: true, artefacts: ['image'] }, developers, 1, /^no unit tests/],
  ['image and JUnit tests', { ...bare, webhook: true, artefacts: ['image'], tests }, { developers: [] }, 2, /no developers/],
  ['developers read the registries', { ...bare, webhook: true, artefacts: ['image'], tests }, developers, 3, /no Helm chart.*charts are not published/],
  ['chart to staging', { ...bare, webhook: true, artefacts: ['image', 'chart'], tests, cd: { chart: 'chart', approvers: [] } }, developers, 4, /integration tests/],
  ['integration tests', { ...bare, webhook: true, artefacts: ['image', 'chart'], tests, cd: { chart: 'chart', approvers: [], integrationTests: tests } }, developers, 5, /approvers/],
  ['approvers', { ...bare, webhook: true, artefacts: ['image', 'chart'], tests, cd: { chart: 'chart', approvers: ['lead'], integrationTests: tests } }, developers, 6, /health path/],
  ['health path', { ...bare, webhook: true, artefacts: ['image', 'chart'], tests, cd: { chart: 'chart', approvers: ['lead'], integrationTests: tests, healthPath: '/health' } }, developers, 7, undefined],
];

test.each(steps)('%s: level %#', (_step, component, context, level, missing) => {
  const result = maturityOf(component, context);
  expect(result.level).toBe(level);
  if (missing) expect(result.missing.join('; ')).toMatch(missing);
  else expect(result.missing).toEqual([]);
});

test('the demo platform has components at several levels', () => {
  const table = maturityTable(loadConfig(DEMO_CONFIG));
  const levels = [...table.matchAll(/^\| [a-z0-9-]+ \| (\d) \|/gm)].map((m) => Number(m[1]));
  expect(new Set(levels).size).toBeGreaterThanOrEqual(4);
  expect(table).toMatch(/\| line-monitor \| 7 \|/);
});

test('asking for CD below level 3 is a config error naming the missing steps', () => {
  const dir = configWith({
    'pilots/bravo.yaml': (d) => d.setIn(['components', 1, 'cd'], d.createNode({ chart: 'chart' })),
  });
  expect(problemsOf(dir)).toMatch(/bravo\.yaml:\d+:\d+ components\[1\]\.cd = \{"chart":"chart"\}: CD needs maturity level 3 first; missing: no unit tests with a JUnit path/);
});
