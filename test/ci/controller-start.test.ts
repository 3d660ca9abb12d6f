/**
 * The controller's start-up script as the synthesized task runs it, against stub commands that log
 * their calls: an `aws` that answers as the AWS CLI v2 does (s3 cp; ssm get-parameters-by-path and
 * secretsmanager list-secrets with `--query ... --output text`: one line per item, fields separated
 * by tabs; get-secret-value --output text: the string) from what the synthesized stacks create, and
 * a tini, jenkins-plugin-cli, curl and wget (the last three fail the test if called). It fetches the
 * JCasC object and every JCasC variable into the secrets folder JCasC reads (configuration-as-code
 * DockerSecretSource: `$SECRETS/<name>`), installs exactly the image's plugins, leaves nothing of an
 * earlier plugin set behind, and starts no Jenkins when anything fails.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JENKINS_PLUGINS } from '../../lib/ci/jenkins-plugins';
import { ControllerVariables } from '../../lib/constructs/controller-variables';
import { CASC_SECRETS_DIR, IMAGE_PLUGINS } from '../../lib/constructs/jenkins-controller';
import { demoAssembly } from '../demo-assembly';
import { controllerInputs } from './controller-inputs';
import { CASC_FILE_SECRETS } from './upstream-facts';

const { outdir, templates } = demoAssembly();
const inputs = controllerInputs(outdir, templates);
const container = Object.values(templates.get('Platform-Ci')!.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];
const script: string = container.Command[0];
const secretValue = (variable: string) => `-----BEGIN OPENSSH PRIVATE KEY-----\nvalue of ${variable}\n-----END OPENSSH PRIVATE KEY-----`;

interface StartOptions {
  readonly imageHasPlugins?: boolean;
  /** Extra tagged secrets the account holds (variable to value). */
  readonly extraSecrets?: Readonly<Record<string, string>>;
  /** The S3 download fails. */
  readonly s3Fails?: boolean;
}

/** Runs the start script with JENKINS_HOME, /tmp, the image's plugin directory and the commands moved into a scratch directory. */
function start(options: StartOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'jenkins-start-'));
  const home = join(root, 'jenkins_home');
  const tmp = join(root, 'tmp');
  const ref = join(root, 'ref-plugins');
  const bin = join(root, 'bin');
  const data = join(root, 'aws');
  const log = join(root, 'calls.log');
  for (const d of [join(home, 'plugins', 'stale-plugin'), tmp, bin, data]) mkdirSync(d, { recursive: true });
  writeFileSync(join(home, 'plugins', 'stale-plugin.jpi'), 'old');
  writeFileSync(join(home, 'casc.yaml'), 'previous configuration');
  if (options.imageHasPlugins ?? true) {
    mkdirSync(ref);
    for (const [name, version] of Object.entries(JENKINS_PLUGINS)) writeFileSync(join(ref, `${name}.jpi`), version);
  }
  // What the account holds: the JCasC object, the parameters under the path, the tagged secrets under the prefix.
  writeFileSync(join(data, 'object'), inputs.casc);
  writeFileSync(join(data, 'parameters'), Object.entries(inputs.parameters).map(([v, value]) => `${inputs.environment.CASC_PARAMETER_PATH}/${v}\t${value}\n`).join(''));
  const secrets = { ...Object.fromEntries(Object.keys(inputs.secrets).map((v) => [v, secretValue(v)])), ...options.extraSecrets };
  writeFileSync(join(data, 'secrets'), Object.keys(secrets).map((v, i) => `arn:aws:secretsmanager:eu-central-1:111111111111:secret:s${i}\t${v}\n`).join(''));
  Object.values(secrets).forEach((value, i) => writeFileSync(join(data, `s${i}`), value));
  writeFileSync(
    join(bin, 'aws'),
    [
      '#!/bin/sh',
      `echo "aws $*" >> ${log}`,
      'case "$1 $2" in',
      `  "s3 cp") ${options.s3Fails ? 'echo "fatal error: An error occurred (403)" >&2; exit 1' : `[ "$4" = "$CASC_OBJECT" ] || exit 2; cp ${join(data, 'object')} "$5"`} ;;`,
      `  "ssm get-parameters-by-path") cat ${join(data, 'parameters')} ;;`,
      `  "secretsmanager list-secrets") cat ${join(data, 'secrets')} ;;`,
      `  "secretsmanager get-secret-value") cat ${data}/"\${4##*:}"; echo ;;`,
      '  *) echo "unexpected aws call" >&2; exit 3 ;;',
      'esac',
    ].join('\n'),
  );
  writeFileSync(join(bin, 'tini'), `#!/bin/sh\necho "tini $*" >> ${log}\n`);
  for (const f of ['jenkins-plugin-cli', 'curl', 'wget']) writeFileSync(join(bin, f), `#!/bin/sh\necho "${f} $*" >> ${log}\nexit 1\n`);
  for (const f of ['aws', 'jenkins-plugin-cli', 'curl', 'wget', 'tini']) chmodSync(join(bin, f), 0o755);
  expect(script).toContain('/var/jenkins_home');
  expect(script).toContain(IMAGE_PLUGINS);
  const local = script.replace(/\/tmp\//g, `${tmp}/`).replace(/\/var\/jenkins_home/g, home).split(IMAGE_PLUGINS).join(ref).replace('/usr/bin/tini', join(bin, 'tini'));
  const run = spawnSync('/bin/sh', ['-c', local], {
    encoding: 'utf8',
    env: { ...inputs.environment, SECRETS: inputs.environment.SECRETS.replace(/^\/tmp\//, `${tmp}/`), PATH: `${bin}:/usr/bin:/bin` },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { run, home, calls, secretsDir: join(tmp, inputs.environment.SECRETS.slice('/tmp/'.length)) };
}

test('fetches the JCasC object and every variable, installs exactly the image\'s pinned plugins without downloading, drops stale ones, then starts Jenkins', () => {
  const { run, home, calls, secretsDir } = start();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(readFileSync(join(home, 'casc.yaml'), 'utf8')).toBe(inputs.casc);
  // One file per variable, named for it, holding its value: role ARNs from SSM, keys and passwords from Secrets Manager.
  const expected = { ...inputs.parameters, ...Object.fromEntries(Object.keys(inputs.secrets).map((v) => [v, `${secretValue(v)}\n`])) };
  expect(Object.fromEntries(readdirSync(secretsDir).sort().map((f) => [f, readFileSync(join(secretsDir, f), 'utf8')]))).toEqual(expected);
  expect(Object.keys(expected)).toEqual(expect.arrayContaining(['IIOT_PUBLISHER_ROLE_ACME', 'IIOT_DEPLOYER_ROLE_ACME', 'REPO_KEY_BRAVO__COLD_CHAIN', 'JENKINS_USER_ACME_2DLEAD_PASSWORD']));
  expect(calls).toEqual([
    `aws s3 cp --only-show-errors ${inputs.environment.CASC_OBJECT} ${home}/casc.yaml.new`,
    `aws ssm get-parameters-by-path --path ${inputs.environment.CASC_PARAMETER_PATH} --recursive --query Parameters[].[Name,Value] --output text`,
    `aws secretsmanager list-secrets --filters Key=name,Values=${ControllerVariables.secretPrefix} Key=tag-key,Values=${ControllerVariables.secretTag} --query SecretList[].[ARN,Tags[?Key=='${ControllerVariables.secretTag}']|[0].Value] --output text`,
    ...Object.keys(inputs.secrets).map((_, i) => `aws secretsmanager get-secret-value --secret-id arn:aws:secretsmanager:eu-central-1:111111111111:secret:s${i} --query SecretString --output text`),
    'tini -- /usr/local/bin/jenkins.sh',
  ]);
  expect(readdirSync(join(home, 'plugins')).sort()).toEqual(Object.keys(JENKINS_PLUGINS).map((n) => `${n}.jpi`).sort());
});

test('the secrets folder is the task-local one JCasC is told about, not JENKINS_HOME on EFS', () => {
  // JCasC reads `${NAME}` from <$SECRETS>/NAME, trimmed (CASC_FILE_SECRETS): the CLI text output's trailing newline is dropped.
  expect(CASC_FILE_SECRETS.trimmed).toBe(true);
  expect(inputs.environment[CASC_FILE_SECRETS.folderVariable]).toBe(CASC_SECRETS_DIR);
  expect(CASC_SECRETS_DIR.startsWith('/tmp/')).toBe(true);
  expect(container.MountPoints).toEqual(expect.arrayContaining([expect.objectContaining({ ContainerPath: '/tmp' })]));
});

test.each([['../casc.yaml'], ['a/b'], ['lower_case']])('a tagged secret naming variable %s stops the start: no Jenkins', (variable) => {
  const { run, calls, home } = start({ extraSecrets: { [variable]: 'x' } });
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain(`refusing JCasC variable name [${variable}]`);
  expect(calls.some((c) => c.startsWith('tini'))).toBe(false);
  expect(readFileSync(join(home, 'casc.yaml'), 'utf8')).toBe(inputs.casc);
});

test('a failed configuration download starts no Jenkins and leaves the previous configuration', () => {
  const { run, calls, home } = start({ s3Fails: true });
  expect(run.status).not.toBe(0);
  expect(calls.some((c) => c.startsWith('tini'))).toBe(false);
  expect(readFileSync(join(home, 'casc.yaml'), 'utf8')).toBe('previous configuration');
});

test('the task carries no plugin list to download, and no JCasC document', () => {
  expect(container.Environment.map((e: { Name: string }) => e.Name)).not.toContain('PLUGINS');
  expect(script).not.toMatch(/jenkins-plugin-cli|curl|wget|install-plugins/);
  expect(JSON.stringify(container)).not.toMatch(/multibranchPipelineJob|CASC_GZIP/);
});

test('two starts install the same plugin files', () => {
  const read = (home: string) => Object.fromEntries(readdirSync(join(home, 'plugins')).map((f) => [f, readFileSync(join(home, 'plugins', f), 'utf8')]));
  expect(read(start().home)).toEqual(read(start().home));
});

test('an image without its plugins starts no Jenkins and keeps the previous plugins', () => {
  const { run, home, calls } = start({ imageHasPlugins: false });
  expect(run.status).not.toBe(0);
  expect(calls.some((c) => c.startsWith('tini'))).toBe(false);
  expect(existsSync(join(home, 'plugins', 'stale-plugin.jpi'))).toBe(true);
});
