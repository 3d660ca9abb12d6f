/**
 * The JCasC document exactly as the synthesized controller receives it (its S3 asset object),
 * resolved as JCasC resolves it (real commons-text, JCasC's settings) over the task's environment
 * and secrets and the variables the start script writes into JCasC's secrets folder, then: every key against the pinned configurators' attributes, Git host
 * keys through OpenSSH, and the folders' Job DSL through Groovy against a recording stub:
 * credentials and approvers of each owner stay in that owner's folder, for every pair of owners.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import fingerprints from '../fixtures/jenkins/git-host-fingerprints.json';
import { CascVariables, repositoryCredentialId } from '../../lib/ci/jenkins-casc';
import { AwsCredentialIds } from '../../lib/ci/pipeline-credentials';
import { loadConfig } from '../../lib/config/load-config';
import { sshGitHost } from '../../lib/config/schema';
import { demoAssembly } from '../demo-assembly';
import { DEMO_CONFIG } from '../fixtures/demo-paths';
import { groovyTest } from '../../tools/gitlab2jenkins/test/groovy/parse-check';
import { resolvedDocument } from './casc-resolver';
import { cascVariables, controllerInputs } from './controller-inputs';
import { cascProblems } from './casc-schema';
import { argOf, childrenNamed, DslCall, runJobDsl } from './job-dsl-harness';
import { folderDslProblems } from './job-dsl-shape';

const { outdir, templates } = demoAssembly();
const inputs = controllerInputs(outdir, templates);
const raw = parse(inputs.casc);
const model = loadConfig(DEMO_CONFIG);
const owners = [{ name: 'platform', components: model.platform.components }, ...model.pilots];

/** What the task provides JCasC: plain variables as their (token) value, secrets as a marker. */
const secretMarker = (name: string) => `<secret ${name}>`;
const env = cascVariables(inputs, secretMarker);
/** The document as JCasC resolves it (one JVM, shared by the tests that read it). */
let resolvedOnce: typeof raw | undefined;
const resolved = () => (resolvedOnce ??= resolvedDocument(raw, env));

describe('the JCasC document the controller receives', () => {
  test('uses only attributes the pinned configurators accept, recursively', () => {
    expect(cascProblems(raw)).toEqual([]);
  });

  test('the check refuses what would stop Jenkins: an unknown key anywhere, an unknown symbol, trust-on-first-use', () => {
    const labelled = { ...raw, jenkins: { ...raw.jenkins, labelAtoms: [{ name: 'cd', description: 'CD agents' }] } };
    expect(cascProblems(labelled)).toEqual([expect.stringMatching(/^jenkins\.labelAtoms\[0\]\.description: unknown attribute of LabelAtom; known: name, properties$/)]);
    const firstUse = { ...raw, security: { gitHostKeyVerificationConfiguration: { sshHostKeyVerificationStrategy: { acceptFirstConnectionStrategy: {} } } } };
    expect(cascProblems(firstUse)).toEqual([expect.stringMatching(/acceptFirstConnectionStrategy: unknown GitHostKeyStrategy; known: manuallyProvidedKeyVerificationStrategy$/)]);
  });

  groovyTest()('resolved by JCasC, secrets land only where they are meant to', () => {
    const { jenkins, credentials, jobs } = resolved();
    const text = (node: unknown) => JSON.stringify(node);
    const users = jenkins.securityRealm.local.users as { id: string; password: string }[];
    expect(users.find((u) => u.id === 'admin')!.password).toBe(secretMarker('JENKINS_ADMIN_PASSWORD'));
    expect(credentials.system.domainCredentials[0].credentials[0].basicSSHUserPrivateKey.privateKeySource.directEntry.privateKey).toBe(secretMarker('AGENT_SSH_PRIVATE_KEY'));
    // Outside those two places neither secret appears, and job scripts get only their folder's keys.
    const { securityRealm, ...jenkinsRest } = jenkins;
    expect(text(jenkinsRest)).not.toMatch(/<secret /);
    expect(text(securityRealm.local.users.map((u: { id: string }) => u.id))).not.toMatch(/<secret /);
    expect(text(jobs)).not.toContain(secretMarker('JENKINS_ADMIN_PASSWORD'));
    expect(text(jobs)).not.toContain(secretMarker('AGENT_SSH_PRIVATE_KEY'));
  });
});

describe('Git host key verification', () => {
  const approved: string = raw.security.gitHostKeyVerificationConfiguration.sshHostKeyVerificationStrategy.manuallyProvidedKeyVerificationStrategy.approvedHostKeys;
  const knownHosts = join(mkdtempSync(join(tmpdir(), 'known-hosts-')), 'known_hosts');
  writeFileSync(knownHosts, `${approved}\n`);

  test('the approved keys are the ones GitHub and GitLab publish (fingerprints by ssh-keygen)', () => {
    const listed = spawnSync('ssh-keygen', ['-l', '-f', knownHosts], { encoding: 'utf8' });
    expect(listed.status).toBe(0);
    const byHost = new Map<string, string[]>();
    for (const line of listed.stdout.trim().split('\n')) {
      const [, fingerprint, host] = line.split(' ');
      byHost.set(host, [...(byHost.get(host) ?? []), fingerprint]);
    }
    for (const host of ['github.com', 'gitlab.com'] as const) expect(byHost.get(host)?.sort()).toEqual([...fingerprints[host].fingerprints].sort());
  });

  test('OpenSSH finds a key for the host of every SSH repository Jenkins checks out', () => {
    const hosts = [...new Set(owners.flatMap((o) => o.components.map((c) => sshGitHost(c.repository)).filter((h): h is string => h !== undefined)))];
    expect(hosts.length).toBeGreaterThan(1);
    for (const host of hosts) expect(spawnSync('ssh-keygen', ['-F', host, '-f', knownHosts]).status).toBe(0);
    expect(spawnSync('ssh-keygen', ['-F', 'bitbucket.org', '-f', knownHosts]).status).toBe(1);
  });
});

groovyTest()('owner folders, as the seed runs their Job DSL: only known DSL, and each owner sees only its own credentials and approvers', () => {
  const scripts: string[] = resolved().jobs.map((j: { script: string }) => j.script);
  const results = runJobDsl(scripts);
  const folders = new Map<string, DslCall>();
  for (const calls of results) for (const call of calls.filter((c) => c.method === 'folder')) folders.set(call.args[0] as string, call);
  expect([...folders.keys()]).toEqual(owners.map((o) => o.name));
  for (const folder of folders.values()) expect(folderDslProblems([folder])).toEqual([]);

  const credentialsOf = (owner: string) => childrenNamed(folders.get(owner)!, 'properties', 'folderCredentialsProperty', 'domainCredentials', 'domainCredentials', 'credentials')[0].body ?? [];
  const idsOf = (owner: string) => credentialsOf(owner).map((c) => argOf(c, 'id'));
  const approversOf = (owner: string) =>
    childrenNamed(folders.get(owner)!, 'properties', 'authorizationMatrix', 'entries', 'user').map((u) => ({ name: argOf(u, 'name'), permissions: argOf(u, 'permissions') }));
  const roleOf = (owner: string, id: string) => argOf(credentialsOf(owner).find((c) => argOf(c, 'id') === id)!, 'iamRoleArn');
  const publisherEnv = (owner: string) => env[`IIOT_PUBLISHER_ROLE_${owner.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];

  for (const owner of owners) {
    // The legitimate flow: the owner's jobs find their deploy keys and its roles in their folder.
    const delivers = owner.components.some((c) => c.cd);
    expect(idsOf(owner.name).sort()).toEqual(
      [...owner.components.map((c) => repositoryCredentialId(owner.name, c.name)), AwsCredentialIds.publish, AwsCredentialIds.report, ...(delivers ? [AwsCredentialIds.deploy, AwsCredentialIds.promote] : [])].sort(),
    );
    expect(publisherEnv(owner.name)).toMatch(/Arn|arn:aws:iam/);
    expect(roleOf(owner.name, AwsCredentialIds.publish)).toBe(publisherEnv(owner.name));
    // The reporter the controller binds for the owner's build records is the owner's own (its stack's parameter).
    expect(env[CascVariables.reporterRole(owner.name)]).toMatch(/Arn|arn:aws:iam/);
    expect(roleOf(owner.name, AwsCredentialIds.report)).toBe(env[CascVariables.reporterRole(owner.name)]);
    for (const c of credentialsOf(owner.name).filter((c) => c.method === 'awsCredentialsImpl')) {
      // No access key: the controller's task role assumes the role (AWSCredentialsImpl.resolveCredentials).
      expect([argOf(c, 'accessKey'), argOf(c, 'secretKey')]).toEqual(['', '']);
    }
    for (const c of owner.components) {
      const key = credentialsOf(owner.name).find((k) => argOf(k, 'id') === repositoryCredentialId(owner.name, c.name))!;
      expect(childrenNamed(key, 'privateKeySource', 'directEntryPrivateKeySource')[0].body![0].args[0]).toBe(
        secretMarker(CascVariables.repositoryKey(owner.name, c.name)),
      );
    }
    const ownApprovers = [...new Set(owner.components.flatMap((c) => c.cd?.approvers ?? []))].sort();
    expect(approversOf(owner.name)).toEqual(ownApprovers.map((name) => ({ name, permissions: ['Job/Read', 'Job/Build'] })));
  }
  // Across every pair: nothing of B in A's folder, neither a key, nor B's role, nor B's approvers.
  for (const a of owners) {
    for (const b of owners.filter((o) => o !== a)) {
      const inA = JSON.stringify(folders.get(a.name));
      for (const c of b.components) expect(idsOf(a.name)).not.toContain(repositoryCredentialId(b.name, c.name));
      expect(inA).not.toContain(publisherEnv(b.name));
      for (const approver of b.components.flatMap((c) => c.cd?.approvers ?? [])) expect(approversOf(a.name).map((u) => u.name)).not.toContain(approver);
      // A job of B's folder names its key by id; A's folder has no credential of that id to resolve.
      for (const c of b.components) expect(credentialsOf(a.name).some((k) => argOf(k, 'id') === repositoryCredentialId(b.name, c.name))).toBe(false);
    }
  }
  // Globally, approvers may only log in.
  for (const entry of resolved().jenkins.authorizationStrategy.globalMatrix.entries.filter((e: { user: { name: string } }) => e.user.name !== 'admin')) {
    expect(entry.user.permissions).toEqual(['Overall/Read']);
  }
});
