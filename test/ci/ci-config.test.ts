/** Config errors of the CI service: Git host keys and Jenkins approver ids, caught before any file is written. */
import { configWith, problemsOf } from '../fixtures/config-edit';

const setApprovers = (ids: string[]) => (d: import('yaml').Document) => d.setIn(['components', 0, 'cd', 'approvers'], ids);

test.each([
  ['a repository on a Git host without a host key', 'pilots/bravo.yaml', (d: import('yaml').Document) => d.setIn(['components', 0, 'repository'], 'git@bitbucket.org:bravo/cold-chain.git'),
    /bravo\.yaml:\d+:\d+ components\[0\]\.repository = "git@bitbucket\.org:bravo\/cold-chain\.git": no SSH host key for bitbucket\.org in ci\.gitHostKeys/],
  ['an ssh:// repository on a Git host without a host key', 'pilots/bravo.yaml', (d: import('yaml').Document) => d.setIn(['components', 0, 'repository'], 'ssh://git@git.bravo.example:2222/cold-chain.git'),
    /components\[0\]\.repository = "ssh:\/\/git@git\.bravo\.example:2222\/cold-chain\.git": no SSH host key for git\.bravo\.example/],
  ['a host key whose blob is of another type', 'platform.yaml', (d: import('yaml').Document) => d.setIn(['ci', 'gitHostKeys', 0], 'github.com ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'),
    /platform\.yaml:\d+:\d+ ci\.gitHostKeys\[0\] = "github\.com ssh-rsa AAAA\S*: the key is not a base64 SSH public key of the type named before it/],
  ['a host key line of an unknown type', 'platform.yaml', (d: import('yaml').Document) => d.setIn(['ci', 'gitHostKeys', 0], 'github.com ssh-dss AAAAB3NzaC1kc3M='),
    /ci\.gitHostKeys\[0\] = "github\.com ssh-dss AAAAB3NzaC1kc3M=": must be a known_hosts line "host\[,host\] type key" with type one of ssh-ed25519/],
  ['no host keys', 'platform.yaml', (d: import('yaml').Document) => d.setIn(['ci', 'gitHostKeys'], []),
    /ci\.gitHostKeys = \[\]: list the SSH host keys of every Git host/],
  ['the reserved approver id admin', 'pilots/acme.yaml', setApprovers(['Admin']), /acme\.yaml:\d+:\d+ components\[0\]\.cd\.approvers\[0\] = "Admin": is reserved in Jenkins \(ids are compared ignoring case\): not admin, anonymous, authenticated, system, unknown/],
  ['the reserved approver id SYSTEM', 'pilots/acme.yaml', setApprovers(['acme-lead', 'SYSTEM']), /components\[0\]\.cd\.approvers\[1\] = "SYSTEM": is reserved in Jenkins/],
  ['approver ids that are one Jenkins user', 'pilots/acme.yaml', setApprovers(['acme-lead', 'Acme-Lead']),
    /acme\.yaml:(\d+):\d+ components\[0\]\.cd\.approvers\[1\] = "Acme-Lead": approver "Acme-Lead" is the same Jenkins user as "acme-lead" \(ids ignore case\); one account per approver and owner \(also at \S+acme\.yaml:\d+ components\[0\]\.cd\.approvers\[0\]\)/],
])('%s is a config error naming file, line, field and value', (_what, file, edit, expected) => {
  expect(problemsOf(configWith({ [file]: edit }))).toMatch(expected);
});

test('an approver of two owners is an error naming both places, in both files', () => {
  // bravo's cold-chain delivers too once it has what CD needs; its approver collides with acme's.
  const dir = configWith({
    'pilots/bravo.yaml': (d) => {
      d.setIn(['components', 0, 'cd', 'approvers'], ['ACME-LEAD']);
    },
  });
  const problems = problemsOf(dir);
  expect(problems).toMatch(/bravo\.yaml:\d+:\d+ components\[0\]\.cd\.approvers\[0\] = "ACME-LEAD": approver "ACME-LEAD" approves for another owner too; one account per approver and owner \(also at \S+acme\.yaml:\d+ components\[0\]\.cd\.approvers\[0\]\)/);
});
