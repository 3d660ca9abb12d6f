/**
 * Each generated Image Builder component document against the documented format
 * (test/images/image-builder-actions.ts), each ExecuteBash step through `bash -n`, and the test
 * and build steps run against stub commands: the version test fails when any tool differs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { JENKINS_PLUGINS } from '../../lib/ci/jenkins-plugins';
import { AGENT_TOOLS, agentBuildDocument, agentHardeningDocument, agentTestDocument, controllerPluginsDocument, controllerToolsDocument } from '../../lib/constructs/image-components';
import { ACTIONS, DOCUMENT_KEYS, EXECUTE_BASH_INPUTS, ON_FAILURE, PHASES, SCHEMA_VERSIONS, STEP_KEYS, STEP_NAME } from './image-builder-actions';

const documents: Record<string, string> = {
  'agent tools amd64': agentBuildDocument('amd64'),
  'agent tools arm64': agentBuildDocument('arm64'),
  'agent hardening': agentHardeningDocument(),
  'agent tool versions': agentTestDocument(),
  'controller plugins': controllerPluginsDocument(),
  'controller tools': controllerToolsDocument(),
};

interface Step { name: string; action: string; inputs: { commands: string[] }; onFailure?: string }
const stepsOf = (yaml: string, phase: string): Step[] => parse(yaml).phases.find((p: { name: string }) => p.name === phase)?.steps ?? [];
const scriptOf = (step: Step) => step.inputs.commands.join('\n');

/** Problems of a document against the documented format; empty when valid. */
function formatProblems(yaml: string): string[] {
  const doc = parse(yaml);
  const problems: string[] = [];
  for (const key of Object.keys(doc)) if (!DOCUMENT_KEYS.includes(key)) problems.push(`unknown key ${key}`);
  if (!SCHEMA_VERSIONS.includes(String(doc.schemaVersion))) problems.push(`schemaVersion ${doc.schemaVersion}`);
  if (!Array.isArray(doc.phases) || doc.phases.length === 0) return [...problems, 'no phases'];
  const phaseNames = doc.phases.map((p: { name: string }) => p.name);
  if (new Set(phaseNames).size !== phaseNames.length) problems.push('duplicate phase');
  if (!phaseNames.some((n: string) => ['build', 'validate', 'test'].includes(n))) problems.push('none of build/validate/test');
  for (const phase of doc.phases) {
    if (!PHASES.includes(phase.name)) problems.push(`phase ${phase.name}`);
    const names = new Set<string>();
    for (const step of phase.steps ?? []) {
      for (const key of Object.keys(step)) if (!STEP_KEYS.includes(key)) problems.push(`step key ${key}`);
      if (!STEP_NAME.test(step.name) || names.has(step.name)) problems.push(`step name ${step.name}`);
      names.add(step.name);
      if (!ACTIONS.includes(step.action)) problems.push(`action ${step.action}`);
      if (step.onFailure !== undefined && !ON_FAILURE.includes(step.onFailure)) problems.push(`onFailure ${step.onFailure}`);
      if (step.action === 'ExecuteBash') {
        for (const key of Object.keys(step.inputs ?? {})) if (!EXECUTE_BASH_INPUTS.includes(key)) problems.push(`ExecuteBash input ${key}`);
        if (!Array.isArray(step.inputs?.commands) || !step.inputs.commands.every((c: unknown) => typeof c === 'string')) problems.push('ExecuteBash commands');
      }
    }
  }
  return problems;
}

describe.each(Object.entries(documents))('%s', (_, yaml) => {
  test('follows the documented component format', () => expect(formatProblems(yaml)).toEqual([]));
  test('no {{ }} outside AWSTOE variables (AWSTOE would substitute them)', () => expect(yaml).not.toMatch(/\{\{/));
  test('every ExecuteBash step parses as bash', () => {
    for (const phase of parse(yaml).phases) {
      for (const step of phase.steps) {
        const run = spawnSync('bash', ['-n'], { input: scriptOf(step), encoding: 'utf8' });
        expect({ step: step.name, status: run.status, stderr: run.stderr }).toEqual({ step: step.name, status: 0, stderr: '' });
      }
    }
  });
});

test('the format check rejects what Image Builder would (so it can fail)', () => {
  const bad = agentTestDocument().replace('ExecuteBash', 'ExecuteShell').replace('name: test', 'name: check');
  expect(formatProblems(bad)).toEqual(expect.arrayContaining(['action ExecuteShell', 'phase check']));
});

test('the version test is a test component (one phase, named test)', () => {
  expect(parse(agentTestDocument()).phases.map((p: { name: string }) => p.name)).toEqual(['test']);
});

/** A bin directory of stubs that answer their version (and log calls). */
function stubs(versions: { java: string; buildx: string; helm: string; kubectl: string; aws: string; sshdPassword: string }) {
  const bin = mkdtempSync(join(tmpdir(), 'image-stubs-'));
  const stub = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${bin}/calls.log\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  // The real tools print more after the line that is read; more than a pipe holds here, so a reader
  // that stops early would get the writer killed by SIGPIPE under pipefail.
  stub('java', `{ echo 'openjdk version "${versions.java}" 2025-10-21 LTS'; seq 1 100000 | sed 's/^/OpenJDK Runtime Environment /'; } >&2`);
  stub('git', "echo 'git version 2.50.1'");
  stub('docker', `[ "$1 $2" = "buildx version" ] && echo "github.com/docker/buildx v${versions.buildx} 0123abc"`);
  stub('helm', `echo "v${versions.helm}+g4de9ff0"`);
  stub('kubectl', `printf 'clientVersion:\\n  gitVersion: v${versions.kubectl}\\n'`);
  stub('aws', `echo "aws-cli/${versions.aws} Python/3.13.7 Linux/6.1 exe/x86_64.amzn.2023"`);
  stub('sshd', `printf 'passwordauthentication ${versions.sshdPassword}\\npermitrootlogin no\\n'; seq 1 100000 | sed 's/^/x11displayoffset /'`);
  return bin;
}
const pinned = { java: `${AGENT_TOOLS.corretto}.0.9`, buildx: AGENT_TOOLS.buildx, helm: AGENT_TOOLS.helm, kubectl: AGENT_TOOLS.kubectl, aws: AGENT_TOOLS.awsCli, sshdPassword: 'no' };
const runTest = (bin: string) =>
  spawnSync('bash', ['-c', stepsOf(agentTestDocument(), 'test').map(scriptOf).join('\n')], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin } });

test('the version test passes when every tool is at its pinned version', () => {
  const run = runTest(stubs(pinned));
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

test.each([
  ['java', { java: '17.0.13' }],
  ['buildx', { buildx: '0.29.0' }],
  ['helm', { helm: '3.18.0' }],
  ['kubectl', { kubectl: '1.34.2' }],
  ['aws', { aws: '2.31.0' }],
  ['sshd', { sshdPassword: 'yes' }],
])('the version test fails when %s differs', (tool, change) => {
  const run = runTest(stubs({ ...pinned, ...change }));
  expect(run.status).not.toBe(0);
  if (tool !== 'sshd') expect(run.stderr).toContain(`${tool}: expected`);
});

test('the controller build installs exactly the pinned plugins, nothing "latest"; its test counts them', () => {
  const bin = mkdtempSync(join(tmpdir(), 'plugin-stubs-'));
  const ref = join(bin, 'ref', 'plugins');
  const log = join(bin, 'calls.log');
  writeFileSync(join(bin, 'jenkins-plugin-cli'),
    `#!/bin/bash\necho "jenkins-plugin-cli $*" >> ${log}\ndir=""; prev=""\nfor a in "$@"; do [ "$prev" = "--plugin-download-directory" ] && dir="$a"; prev="$a"; done\n` +
    `mkdir -p "$dir"\nfor a in "$@"; do case "$a" in *:*) echo "$a" > "$dir/\${a%%:*}.jpi";; esac; done\n`);
  writeFileSync(join(bin, 'chown'), `#!/bin/bash\necho "chown $*" >> ${log}\n`);
  for (const f of ['jenkins-plugin-cli', 'chown']) chmodSync(join(bin, f), 0o755);
  const local = (yaml: string, phase: string) => stepsOf(yaml, phase).map(scriptOf).join('\n').replace(/\/usr\/share\/jenkins\/ref\/plugins/g, ref);
  mkdirSync(ref, { recursive: true });
  const build = spawnSync('bash', ['-c', local(controllerPluginsDocument(), 'build')], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
  expect(build.status).toBe(0);
  const cli = require('node:fs').readFileSync(log, 'utf8').split('\n')[0].split(' ');
  expect(cli.slice(0, 3)).toEqual(['jenkins-plugin-cli', '--latest', 'false']);
  expect(cli.filter((a: string) => a.includes(':')).sort()).toEqual(Object.entries(JENKINS_PLUGINS).map(([n, v]) => `${n}:${v}`).sort());
  expect(readdirSync(ref).sort()).toEqual(Object.keys(JENKINS_PLUGINS).map((n) => `${n}.jpi`).sort());
  const check = () => spawnSync('bash', ['-c', local(controllerPluginsDocument(), 'test')], { encoding: 'utf8' }).status;
  expect(check()).toBe(0);
  writeFileSync(join(ref, 'extra.jpi'), 'x');
  expect(check()).not.toBe(0);
});
