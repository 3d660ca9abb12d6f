/**
 * The pinned Jenkins core and plugins against the update center's data for exactly those versions
 * (test/fixtures/jenkins/plugin-manifests.json, each entry naming the snapshot it was read from):
 * Jenkins refuses to load a plugin whose core or dependencies are too old, and jenkins-plugin-cli
 * would fetch "latest" for a dependency not listed.
 */
import manifests from '../fixtures/jenkins/plugin-manifests.json';
import { JENKINS_CORE, JENKINS_PLUGINS } from '../../lib/ci/jenkins-plugins';
import { loadConfig } from '../../lib/config/load-config';
import { configWith, problemsOf } from '../fixtures/config-edit';
import { DEMO_CONFIG } from '../fixtures/demo-paths';

interface Manifest {
  readonly version: string;
  readonly requiredCore: string;
  readonly dependencies: readonly { readonly name: string; readonly version: string; readonly optional: boolean }[];
}

/**
 * Jenkins' VersionNumber order for the forms used here (`2.555.3`, `1413.v736fa_5b_61d80`,
 * `4.5.14-269.vfa_…`): numeric parts compare as numbers, others as text, a missing part is lowest.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const [na, nb] = [Number(pa[i]), Number(pb[i])];
    const c = /^\d+$/.test(pa[i]) && /^\d+$/.test(pb[i]) ? na - nb : pa[i].localeCompare(pb[i]);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** Why Jenkins (or the plugin CLI) would not start with these pins, one line per problem. */
function pinProblems(core: string, pins: Readonly<Record<string, string>>, known: Readonly<Record<string, Manifest>>): string[] {
  const problems: string[] = [];
  for (const [name, version] of Object.entries(pins)) {
    const manifest = known[name];
    if (!manifest || manifest.version !== version) {
      problems.push(`${name}:${version} has no checked manifest (the fixture knows ${manifest?.version ?? 'no version'})`);
      continue;
    }
    if (compareVersions(manifest.requiredCore, core) > 0) problems.push(`${name}:${version} needs core ${manifest.requiredCore}, pinned core is ${core}`);
    for (const dep of manifest.dependencies) {
      const pinned = pins[dep.name];
      if (pinned === undefined) {
        if (!dep.optional) problems.push(`${name} needs ${dep.name} >= ${dep.version}, which is not pinned`);
      } else if (compareVersions(pinned, dep.version) < 0) {
        // An installed optional dependency must meet its minimum too, or Jenkins refuses the dependent.
        problems.push(`${name} needs ${dep.name} >= ${dep.version}, pinned ${pinned}`);
      }
    }
  }
  return problems;
}

const known = manifests.plugins as Record<string, Manifest>;

test('every pinned plugin fits the pinned core and every dependency is pinned at or above its minimum', () => {
  expect(manifests.core.version).toBe(JENKINS_CORE);
  expect(pinProblems(JENKINS_CORE, JENKINS_PLUGINS, known)).toEqual([]);
});

test('the check catches a too-new plugin, a missing dependency and a dependency below its minimum', () => {
  expect(pinProblems('2.462.3', JENKINS_PLUGINS, known)).toContainEqual(expect.stringMatching(/^ec2-fleet:\S+ needs core 2\.\d+\.\d+, pinned core is 2\.462\.3$/));
  const { 'aws-credentials': _dropped, ...withoutAwsCredentials } = JENKINS_PLUGINS;
  expect(pinProblems(JENKINS_CORE, withoutAwsCredentials, known)).toContainEqual(expect.stringMatching(/^ec2-fleet needs aws-credentials >= \S+, which is not pinned$/));
  expect(pinProblems(JENKINS_CORE, { ...JENKINS_PLUGINS, 'ec2-fleet': '4.1.0' }, known)).toEqual(['ec2-fleet:4.1.0 has no checked manifest (the fixture knows 4.2.3.539.v8fedff2a_81c3)']);
  const oldCredentials = { ...known, 'aws-credentials': { ...known['aws-credentials'], version: '231.v08a_59f17d742' } };
  expect(pinProblems(JENKINS_CORE, { ...JENKINS_PLUGINS, 'aws-credentials': '231.v08a_59f17d742' }, oldCredentials)).toContainEqual(
    expect.stringMatching(/^ec2-fleet needs aws-credentials >= 254\.v978a_5e206a_d7, pinned 231\.v08a_59f17d742$/),
  );
});

test('no pin carries a published security warning', () => {
  const pins: [string, string, string][] = [['core', 'core', JENKINS_CORE], ...Object.entries(JENKINS_PLUGINS).map(([n, v]): [string, string, string] => ['plugin', n, v])];
  const warned = pins.flatMap(([type, name, version]) =>
    manifests.warnings
      .filter((w) => w.type === type && w.name === name && w.patterns.some((p) => new RegExp(`^(?:${p})$`).test(version)))
      .map((w) => `${name}:${version} ${w.id} ${w.url}`),
  );
  expect(warned).toEqual([]);
  // The data can tell: the previous LTS patch carries the advisory 2.555.3 fixed.
  expect(manifests.warnings.some((w) => w.type === 'core' && w.patterns.some((p) => new RegExp(`^(?:${p})$`).test('2.555.2')))).toBe(true);
});

test('the controller image must be that core: config refuses another one', () => {
  expect(loadConfig(DEMO_CONFIG).platform.ci.jenkins.image).toBe(`jenkins/jenkins:${JENKINS_CORE}-lts-jdk21`);
  const dir = configWith({ 'platform.yaml': (d) => d.setIn(['ci', 'jenkins', 'image'], 'jenkins/jenkins:2.462.3-lts-jdk17') });
  expect(problemsOf(dir)).toMatch(/platform\.yaml:\d+:\d+ ci\.jenkins\.image = "jenkins\/jenkins:2\.462\.3-lts-jdk17": must be tagged with Jenkins 2\.555\.3/);
});

test('versions order as Jenkins orders them', () => {
  expect(compareVersions('2.555.3', '2.556')).toBeLessThan(0);
  expect(compareVersions('2.541.1', '2.541')).toBeGreaterThan(0);
  expect(compareVersions('1413.v736fa_5b_61d80', '1284.vf75d778f98c5')).toBeGreaterThan(0);
  expect(compareVersions('4.5.14-269.vfa_2321039a_83', '4.5.14-208.v438351942757')).toBeGreaterThan(0);
});
