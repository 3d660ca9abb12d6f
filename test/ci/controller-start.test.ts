/**
 * The controller's start-up script as the synthesized task runs it, against stub commands that log
 * their calls (tini; a jenkins-plugin-cli, curl and wget that fail the test if called): it writes the
 * JCasC the task carries, installs exactly the plugins baked into the image (downloading nothing),
 * leaves nothing of an earlier plugin set behind, and starts no Jenkins when the copy fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'zlib';
import { JENKINS_PLUGINS } from '../../lib/ci/jenkins-plugins';
import { IMAGE_PLUGINS } from '../../lib/constructs/jenkins-controller';
import { demoAssembly } from '../demo-assembly';

const { templates } = demoAssembly();
const container = Object.values(templates.get('Platform-Ci')!.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
const envOf = (name: string): string => container.Environment.find((e: { Name: string }) => e.Name === name).Value;
const script: string = container.Command[0];

/** Runs the start script with JENKINS_HOME, the image's plugin directory and tini moved into a scratch directory. */
function start(imageHasPlugins = true) {
  const root = mkdtempSync(join(tmpdir(), 'jenkins-start-'));
  const home = join(root, 'jenkins_home');
  const ref = join(root, 'ref-plugins');
  const bin = join(root, 'bin');
  const log = join(root, 'calls.log');
  mkdirSync(join(home, 'plugins', 'stale-plugin'), { recursive: true });
  writeFileSync(join(home, 'plugins', 'stale-plugin.jpi'), 'old');
  // The image's plugins, as the controller image build leaves them (test/images/image-components.test.ts).
  if (imageHasPlugins) {
    mkdirSync(ref);
    for (const [name, version] of Object.entries(JENKINS_PLUGINS)) writeFileSync(join(ref, `${name}.jpi`), version);
  }
  mkdirSync(bin);
  writeFileSync(join(bin, 'tini'), `#!/bin/sh\necho "tini $*" >> ${log}\n`);
  // Anything that could download records itself and fails.
  for (const f of ['jenkins-plugin-cli', 'curl', 'wget']) writeFileSync(join(bin, f), `#!/bin/sh\necho "${f} $*" >> ${log}\nexit 1\n`);
  for (const f of ['jenkins-plugin-cli', 'curl', 'wget', 'tini']) chmodSync(join(bin, f), 0o755);
  expect(script).toContain('/var/jenkins_home');
  expect(script).toContain(IMAGE_PLUGINS);
  const local = script.replace(/\/var\/jenkins_home/g, home).split(IMAGE_PLUGINS).join(ref).replace('/usr/bin/tini', join(bin, 'tini'));
  const run = spawnSync('/bin/sh', ['-c', local], {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, CASC_GZIP_BASE64: envOf('CASC_GZIP_BASE64') },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { run, home, calls };
}

test('writes the JCasC, installs exactly the image\'s pinned plugins without downloading, drops stale ones, then starts Jenkins', () => {
  const { run, home, calls } = start();
  expect(run.status).toBe(0);
  expect(readFileSync(join(home, 'casc.yaml'), 'utf8')).toBe(gunzipSync(Buffer.from(envOf('CASC_GZIP_BASE64'), 'base64')).toString('utf8'));
  expect(calls).toEqual(['tini -- /usr/local/bin/jenkins.sh']);
  expect(readdirSync(join(home, 'plugins')).sort()).toEqual(Object.keys(JENKINS_PLUGINS).map((n) => `${n}.jpi`).sort());
});

test('the task carries no plugin list to download', () => {
  expect(container.Environment.map((e: { Name: string }) => e.Name)).not.toContain('PLUGINS');
  expect(script).not.toMatch(/jenkins-plugin-cli|curl|wget|install-plugins/);
});

test('two starts install the same plugin files', () => {
  const read = (home: string) => Object.fromEntries(readdirSync(join(home, 'plugins')).map((f) => [f, readFileSync(join(home, 'plugins', f), 'utf8')]));
  expect(read(start().home)).toEqual(read(start().home));
});

test('an image without its plugins starts no Jenkins and keeps the previous plugins', () => {
  const { run, home, calls } = start(false);
  expect(run.status).not.toBe(0);
  expect(calls.some((c) => c.startsWith('tini'))).toBe(false);
  expect(existsSync(join(home, 'plugins', 'stale-plugin.jpi'))).toBe(true);
});
