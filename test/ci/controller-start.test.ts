/**
 * The controller's start-up script as the synthesized task runs it, against stub commands that log
 * their calls (jenkins-plugin-cli, tini): it writes the JCasC the task carries, installs exactly the
 * pinned plugins with no "latest" resolution, leaves nothing of an earlier plugin set behind, and
 * starts no Jenkins when the install fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'zlib';
import { JENKINS_PLUGINS } from '../../lib/ci/jenkins-plugins';
import { synthesizePlatform } from '../fixtures/demo-platform';

const { templates } = synthesizePlatform();
const container = Object.values(templates.get('Platform-Ci')!.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
const envOf = (name: string): string => container.Environment.find((e: { Name: string }) => e.Name === name).Value;
const script: string = container.Command[0];

/** Runs the start script with JENKINS_HOME and tini moved into a scratch directory. */
function start(pluginCliExit: number) {
  const root = mkdtempSync(join(tmpdir(), 'jenkins-start-'));
  const home = join(root, 'jenkins_home');
  const bin = join(root, 'bin');
  const log = join(root, 'calls.log');
  mkdirSync(join(home, 'plugins', 'stale-plugin'), { recursive: true });
  writeFileSync(join(home, 'plugins', 'stale-plugin.jpi'), 'old');
  mkdirSync(bin);
  // The stub "downloads" each requested plugin as <name>.jpi into the download directory.
  writeFileSync(
    join(bin, 'jenkins-plugin-cli'),
    `#!/bin/sh\necho "jenkins-plugin-cli $*" >> ${log}\ndir=""; prev=""\nfor a in "$@"; do [ "$prev" = "--plugin-download-directory" ] && dir="$a"; prev="$a"; done\n` +
      `mkdir -p "$dir"\nfor a in "$@"; do case "$a" in *:*) echo "$a" > "$dir/\${a%%:*}.jpi";; esac; done\nexit ${pluginCliExit}\n`,
  );
  writeFileSync(join(bin, 'tini'), `#!/bin/sh\necho "tini $*" >> ${log}\n`);
  for (const f of ['jenkins-plugin-cli', 'tini']) chmodSync(join(bin, f), 0o755);
  expect(script).toContain('/var/jenkins_home');
  const local = script.replace(/\/var\/jenkins_home/g, home).replace('/usr/bin/tini', join(bin, 'tini'));
  const run = spawnSync('/bin/sh', ['-c', local], {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, CASC_GZIP_BASE64: envOf('CASC_GZIP_BASE64'), PLUGINS: envOf('PLUGINS') },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { run, home, calls };
}

test('writes the JCasC, installs exactly the pinned plugins without "latest", drops stale ones, then starts Jenkins', () => {
  const { run, home, calls } = start(0);
  expect(run.status).toBe(0);
  expect(readFileSync(join(home, 'casc.yaml'), 'utf8')).toBe(gunzipSync(Buffer.from(envOf('CASC_GZIP_BASE64'), 'base64')).toString('utf8'));
  expect(calls).toHaveLength(2);
  const cli = calls[0].split(' ');
  expect(cli.slice(0, 3)).toEqual(['jenkins-plugin-cli', '--latest', 'false']);
  expect(cli.filter((a) => a.includes(':')).sort()).toEqual(Object.entries(JENKINS_PLUGINS).map(([n, v]) => `${n}:${v}`).sort());
  expect(calls[1]).toBe('tini -- /usr/local/bin/jenkins.sh');
  expect(readdirSync(join(home, 'plugins')).sort()).toEqual(Object.keys(JENKINS_PLUGINS).map((n) => `${n}.jpi`).sort());
});

test('two starts install the same plugin files', () => {
  const read = (home: string) => Object.fromEntries(readdirSync(join(home, 'plugins')).map((f) => [f, readFileSync(join(home, 'plugins', f), 'utf8')]));
  expect(read(start(0).home)).toEqual(read(start(0).home));
});

test('a failed plugin install starts no Jenkins and keeps the previous plugins', () => {
  const { run, home, calls } = start(1);
  expect(run.status).not.toBe(0);
  expect(calls.some((c) => c.startsWith('tini'))).toBe(false);
  expect(existsSync(join(home, 'plugins', 'stale-plugin.jpi'))).toBe(true);
});
