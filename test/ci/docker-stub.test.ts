/**
 * The fake docker the pipeline tests run generated shell against (stubs/docker): its refusals are
 * what would make a wrong pipeline fail there, so each is run here, with the state it keeps.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const DOCKER = path.join(__dirname, 'stubs', 'docker');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-docker-stub-'));
const agent = path.join(dir, 'agent');
const state = path.join(dir, 'state');
fs.mkdirSync(agent);
fs.mkdirSync(state);
const env = { PATH: process.env.PATH, STUB_LOG: path.join(dir, 'log'), STUB_AGENT_STATE: agent, STUB_STATE: state, STUB_CONTAINER_PATH: '/usr/bin:/bin' };

function docker(args: string[], extra: Record<string, string> = {}, input?: string) {
  const r = spawnSync(DOCKER, args, { cwd: dir, encoding: 'utf8', env: { ...env, ...extra }, input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const registry = () => fs.readFileSync(path.join(state, 'registry'), 'utf8');

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('an image is pushed only once built here and with a login, as the login identity; a manifest needs its images pushed', () => {
  expect(docker(['push', 'r/app:1'])).toMatchObject({ status: 1, stderr: 'docker stub: An image does not exist locally with the tag: r/app:1\n' });
  expect(docker(['build', '-t', 'r/app:1', '.']).status).toBe(0);
  expect(docker(['push', 'r/app:1'])).toMatchObject({ status: 1, stderr: 'docker stub: no basic auth credentials (docker login first)\n' });
  expect(docker(['login', '-u', 'AWS', '--password-stdin', 'r'], {}, 'password-of-AKIA1\n').status).toBe(0);
  expect(docker(['push', 'r/app:1']).status).toBe(0);
  expect(registry()).toBe('r/app:1 AKIA1\n');
  expect(docker(['manifest', 'create', 'r/app:multi', 'r/app:1', 'r/app:2'])).toMatchObject({ status: 1, stderr: 'docker stub: no such manifest: r/app:2\n' });
  expect(docker(['save', '-o', path.join(dir, 'img.tar'), 'r/other:1'])).toMatchObject({ status: 1, stderr: 'docker stub: reference does not exist: r/other:1\n' });
  expect(fs.readFileSync(path.join(dir, 'log'), 'utf8').split('\n')[0]).toBe('docker push r/app:1');
});

test('docker run refuses the host network, unpinned images and -e of an unset variable', () => {
  expect(docker(['run', '--rm', '--network', 'host', 'img:1', 'true'])).toMatchObject({ status: 96 });
  expect(docker(['run', '--rm', 'img:latest', 'true'])).toMatchObject({ status: 95, stderr: 'docker stub: image img:latest is not pinned\n' });
  expect(docker(['run', '--rm', 'img', 'true'])).toMatchObject({ status: 95 });
  expect(docker(['run', '--rm', '-e', 'NOT_SET', 'img:1', 'true'])).toMatchObject({ status: 97, stderr: 'docker stub: -e NOT_SET: NOT_SET is not set (exported) in the calling shell\n' });
  expect(docker(['run', '--privileged', 'img:1', 'true'])).toMatchObject({ status: 98 });
});

test('docker run gives the command only the -e variables, the mount as its folder, and sh -u', () => {
  const work = fs.mkdtempSync(path.join(dir, 'work-'));
  const script = 'echo "$FOO|$BAR|$PWD|$HOME|$STUB_FLEET|$PATH|${SECRET:-none}"';
  const r = docker(['run', '--rm', '-e', 'FOO', '-e', 'BAR=x y', '-v', `${work}:/w`, '-w', '/w', 'img:1', 'sh', '-c', script], { FOO: 'a;b', FLEET: 'f1', SECRET: 's' });
  expect(r).toMatchObject({ status: 0, stdout: `a;b|x y|${work}|${work}|f1|/usr/bin:/bin|none\n` });
  expect(docker(['run', '--rm', 'img:1', 'sh', '-c', 'echo $UNSET']).status).not.toBe(0);
  expect(docker(['run', '-d', 'img:1', 'sh', '-c', 'echo hidden'])).toMatchObject({ status: 0, stdout: 'c0ffee\n' });
});

test('crane copies only what the registry holds, as the login identity', () => {
  const crane = 'gcr.io/go-containerregistry/crane:v0.20.2';
  expect(docker(['run', '--rm', crane, 'copy', 'r/missing@sha256:0', 'r/prod/app:1'])).toMatchObject({ status: 1, stderr: 'docker stub: crane: r/missing@sha256:0 not found\n' });
  expect(docker(['run', '--rm', crane, 'copy', 'r/app@sha256:0', 'r/prod/app:1']).status).toBe(0);
  expect(registry()).toBe('r/app:1 AKIA1\nr/prod/app:1 AKIA1\n');
});
