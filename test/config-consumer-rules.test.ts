/**
 * Field rules checked against what each consumer accepts, one table per class of bad input, with
 * generated inputs. Git's rules are checked against the real `git check-ref-format`; the zone table
 * against moto's EC2 zone table (the installed moto_server's data).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Document } from 'yaml';
import { acmCertificateArnProblem, iamArnProblem } from '../lib/config/arn';
import { availabilityZonesOf } from '../lib/config/availability-zones';
import { parseCidr } from '../lib/config/cidr';
import { branchNameProblem, refNameProblem } from '../lib/config/git-ref';
import { AWS_REGIONS } from '../lib/config/regions';
import { fileNameProblem, repoPathProblem } from '../lib/config/repo-path';
import { publicSourceCidrProblem, vpcCidrProblem } from '../lib/config/vpc-ranges';
import { loadConfig } from '../lib/config/load-config';
import { configWith, problemsOf } from './fixtures/config-edit';
import { REPO_ROOT } from './fixtures/demo-paths';

/** A deterministic pseudo-random generator (mulberry32), so generated inputs are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generated(alphabet: readonly string[], count: number, maxLength: number, seed: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(next() * maxLength);
    return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  });
}

describe('git ref names agree with git check-ref-format', () => {
  const alphabet = ['a', 'b', 'v1', '.', '/', '-', '_', '.lock', '@', '{', '~', '^', ':', '?', '*', '[', '\\', ' ', 'ü', 'HEAD', '\t'];
  const names = [
    ...generated(alphabet, 400, 6, 17),
    'main', 'release/v1.2', 'v1.2.3', '-rf', 'HEAD', '@', 'a..b', 'a/.b', 'a.lock', 'a/b.lock/c', 'a/', '/a', 'a//b', 'a.', 'a@{1}', 'feature/x_y-z',
  ];
  /** git's verdict on every name: one shell runs `git check-ref-format [option] <prefix><name>` per name (cheaper than a spawn from node each). */
  const gitAccepts = (option: string, prefix: string): boolean[] => {
    const loop = 'for n do git check-ref-format $OPTION "$PREFIX$n" >/dev/null 2>&1 && echo 1 || echo 0; done';
    const run = spawnSync('sh', ['-c', loop, 'sh', ...names], { encoding: 'utf8', env: { ...process.env, OPTION: option, PREFIX: prefix } });
    const verdicts = run.stdout.split('\n').filter(Boolean).map((v) => v === '1');
    if (verdicts.length !== names.length) throw new Error(`git check-ref-format gave ${verdicts.length} verdicts for ${names.length} names: ${run.stderr}`);
    return verdicts;
  };

  test.each([
    ['branch', (n: string) => branchNameProblem(n), () => gitAccepts('--branch', '')],
    // A revision is checked as a ref one level below refs/ (a branch, tag or commit id).
    ['revision', (n: string) => refNameProblem(n), () => gitAccepts('', 'refs/x/')],
  ] as const)('%s: accepted only if git accepts, and refused inside our characters only if git refuses', (_kind, ours, git) => {
    const verdicts = git();
    const disagreements = names.flatMap((name, i) => {
      const accepted = ours(name) === undefined;
      const byGit = verdicts[i];
      if (accepted && !byGit) return [`accepted but git refuses: ${JSON.stringify(name)}`];
      // Outside letters, digits and _ . / - the platform is stricter than git on purpose; a leading - is an option to every tool.
      if (!accepted && byGit && /^[A-Za-z0-9_./-]+$/.test(name) && !name.startsWith('-')) return [`refused but git accepts: ${JSON.stringify(name)}: ${ours(name)}`];
      return [];
    });
    expect(disagreements).toEqual([]);
  });
});

describe('repository paths and file names handed to command-line tools', () => {
  const bad: [string, string, boolean][] = [
    ...['-rf', 'charts/-x', '--values=/etc/passwd'].map((p): [string, string, boolean] => [p, 'must not start with -', false]),
    ...['/etc/passwd', 'a/../../b', './x', 'a//b', 'a/', '..'].map((p): [string, string, boolean] => [p, '', false]),
    ...['deploy/*', 'deploy/chart?', 'a b', 'a;rm -rf', '$(id)', 'a`id`', 'chart\n', 'ü'].map((p): [string, string, boolean] => [p, 'may use only', false]),
    ...['-report.xml', '../x.xml', 'a b.xml', '$(id).xml'].map((p): [string, string, boolean] => [p, '', true]),
  ];
  test.each(bad)('%j is refused (glob %#)', (p, rule, glob) => {
    const problem = repoPathProblem(p, { glob });
    expect(problem).toBeDefined();
    expect(problem).toContain(rule);
  });

  test.each(['deploy/chart', 'Dockerfile', 'docker/Dockerfile.arm64', 'a/b@c+d_e-f.g'])('%s is a plain path', (p) => {
    expect(repoPathProblem(p, { glob: false })).toBeUndefined();
  });

  test.each(['reports/**/*.xml', 'junit-?.xml', 'reports/unit.xml'])('%s is a report pattern', (p) => {
    expect(repoPathProblem(p, { glob: true })).toBeUndefined();
  });

  test.each(['.', '..', '-x.bin', 'a/b.bin', ''])('firmware file %j is refused', (f) => {
    expect(fileNameProblem(f)).toBeDefined();
  });
});

describe('ARNs per service', () => {
  const name64 = 'r'.repeat(64);
  const roleArns: [string, boolean][] = [
    [`arn:aws:iam::123456789012:role/${name64}`, true],
    [`arn:aws:iam::123456789012:role/${name64}x`, false],
    ['arn:aws:iam::123456789012:role/team/ops/acme-developers', true],
    ['arn:aws:iam::123456789012:role//x', false],
    ['arn:aws:iam::123456789012:role/x/', false],
    ['arn:aws:iam::123456789012:role/', false],
    ['arn:aws:iam::123456789012:role/a b', false],
    ['arn:aws:iam::123456789012:role/a*', false],
    ['arn:aws-cn:iam::123456789012:role/x', false],
    ['arn:aws:iam::12345678901:role/x', false],
    ['arn:aws:iam:eu-central-1:123456789012:role/x', false],
    ['arn:aws:iam::123456789012:group/x', false],
    [`arn:aws:iam::123456789012:role/${'p/'.repeat(260)}x`, false],
    ['arn:aws:sts::123456789012:assumed-role/x/y', false],
  ];
  test.each(roleArns)('role ARN %s accepted: %s', (arn, ok) => {
    expect(iamArnProblem(arn, ['role']) === undefined).toBe(ok);
  });

  test('a user ARN is a principal but not a role', () => {
    expect(iamArnProblem('arn:aws:iam::123456789012:user/bob', ['role', 'user'])).toBeUndefined();
    expect(iamArnProblem('arn:aws:iam::123456789012:user/bob', ['role'])).toMatch(/not a user ARN/);
  });

  const uuid = '5b2e8f3a-7c1d-4e9b-a6f0-3d8c2b1e7f45';
  test.each([
    [`arn:aws:acm:eu-central-1:111111111111:certificate/${uuid}`, undefined],
    [`arn:aws:acm:eu-west-1:111111111111:certificate/${uuid}`, /region eu-west-1; a load balancer needs a certificate of its own region eu-central-1/],
    [`arn:aws:acm:eu-central-1:222222222222:certificate/${uuid}`, /account 222222222222/],
    [`arn:aws:acm:eu-central-1:111111111111:certificate/${uuid.toUpperCase()}`, /lowercase uuid/],
    [`arn:aws:acm:eu-central-1:111111111111:certificate/${uuid}/x`, /must be an ACM certificate ARN/],
  ])('certificate %s', (arn, expected) => {
    const problem = acmCertificateArnProblem(arn, '111111111111', 'eu-central-1');
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('CIDRs a VPC and the public endpoint may use', () => {
  test.each(['10.0.0.0/16', '172.16.0.0/16', '172.31.240.0/24', '192.168.0.0/16', '100.64.0.0/16', '198.19.0.0/16'])('VPC %s is allowed', (c) => {
    expect(vpcCidrProblem(parseCidr(c)!)).toBeUndefined();
  });
  test.each(['8.8.0.0/16', '169.254.0.0/16', '127.0.0.0/16', '224.0.0.0/16', '172.15.0.0/16', '172.17.0.0/16', '172.17.128.0/24', '0.0.0.0/16', '198.18.0.0/16'])(
    'VPC %s is refused',
    (c) => {
      expect(vpcCidrProblem(parseCidr(c)!)).toBeDefined();
    },
  );
  test.each([['0.0.0.0/0', true], ['203.0.112.0/24', true], ['10.1.0.0/16', false], ['192.168.1.0/24', false], ['100.64.0.0/10', false], ['127.0.0.1/32', false]] as const)(
    'public endpoint source %s allowed: %s',
    (c, ok) => {
      expect(publicSourceCidrProblem(parseCidr(c)!) === undefined).toBe(ok);
    },
  );
});

/**
 * moto's EC2 zone table, from the installed moto; importing its EC2 models takes seconds, so the
 * table is kept under node_modules/.cache by moto's version and read again while that is installed.
 */
function motoZones(): Record<string, string[]> {
  const python = (script: string) => {
    const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`python3 exited ${run.status}: ${run.error ?? ''}${run.stderr}`);
    return run.stdout;
  };
  const version = python("import importlib.metadata as m; print(m.version('moto'))").trim();
  const cached = path.join(REPO_ROOT, 'node_modules', '.cache', 'iiot-moto-zones', `${version}.json`);
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8'));
  const table = python(
    ['import json', 'from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend as R', 'print(json.dumps({r: sorted(z.name for z in zs) for r, zs in R.zones.items()}))'].join('\n'),
  );
  const zones = JSON.parse(table) as Record<string, string[]>;
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.writeFileSync(cached, table);
  return zones;
}

test('the zone table holds every zone of moto 5.2.1 for the allowed regions', () => {
  const moto = motoZones();
  const missing = AWS_REGIONS.flatMap((r) => (moto[r] ?? []).filter((z) => !availabilityZonesOf(r).includes(z)));
  expect(missing).toEqual([]);
  expect(AWS_REGIONS.filter((r) => !moto[r])).toEqual([]);
});

/** [class, file, edit, expected message]: each rule reaches the operator with file, line, field and value. */
const refusedInConfig: [string, string, (d: Document) => void, RegExp][] = [
  ['branch starting with -', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'branch'], '-main'), /acme\.yaml:\d+:\d+ components\[0\]\.branch = "-main": must not start with -/],
  ['branch with ..', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'branch'], 'a..b'), /components\[0\]\.branch = "a\.\.b": must not contain \.\./],
  ['revision ending .lock', 'platform.yaml', (d) => d.setIn(['gitops', 'revision'], 'main.lock'), /gitops\.revision = "main\.lock": no \/-separated part may end with \.lock/],
  ['chart path glob', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'cd', 'chart'], 'deploy/*'), /cd\.chart = "deploy\/\*": part "\*" may use only/],
  ['dockerfile option', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'dockerfile'], '-f'), /components\[0\]\.dockerfile = "-f": part "-f" must not start with -/],
  ['gitops path outside', 'platform.yaml', (d) => d.setIn(['gitops', 'path'], 'a/../../etc'), /gitops\.path = "a\/\.\.\/\.\.\/etc": must not contain \. or \.\. parts/],
  ['firmware file ..', 'pilots/acme.yaml', (d) => d.setIn(['edge', 'generations', 0, 'firmware', 'file'], '..'), /firmware\.file = "\.\.": must not contain \. or \.\. parts/],
  ['certificate of another region', 'platform.yaml', (d) => d.setIn(['ci', 'jenkins', 'certificateArn'], 'arn:aws:acm:us-east-1:111111111111:certificate/0d6f1c2e-4b7a-4c1e-9f3a-2b8e5d7c9a10'), /ci\.jenkins\.certificateArn = "arn:aws:acm:us-east-1:.*: is in region us-east-1/],
  ['certificate of another account', 'platform.yaml', (d) => d.setIn(['cluster', 'ingressCertificateArn'], 'arn:aws:acm:eu-central-1:222222222222:certificate/5b2e8f3a-7c1d-4e9b-a6f0-3d8c2b1e7f45'), /cluster\.ingressCertificateArn = .*: belongs to account 222222222222/],
  ['role name too long', 'platform.yaml', (d) => d.setIn(['cluster', 'adminRoles', 0], `arn:aws:iam::111111111111:role/${'x'.repeat(65)}`), /cluster\.adminRoles\[0\] = .*: the role name must be 1-64/],
  ['public VPC range', 'platform.yaml', (d) => d.setIn(['network', 'cidr'], '8.8.0.0/16'), /network\.cidr = "8\.8\.0\.0\/16": must lie inside private address space a VPC may use/],
  ['Docker bridge range', 'platform.yaml', (d) => d.setIn(['network', 'cidr'], '172.17.0.0/16'), /network\.cidr = "172\.17\.0\.0\/16": must not overlap 172\.17\.0\.0\/16/],
  ['private public-endpoint source', 'platform.yaml', (d) => d.setIn(['cluster', 'publicEndpointCidrs'], d.createNode(['10.0.0.0/8'])), /cluster\.publicEndpointCidrs\[0\] = "10\.0\.0\.0\/8": lies inside 10\.0\.0\.0\/8/],
  ['zone the region lacks', 'platform.yaml', (d) => d.setIn(['environment', 'availabilityZones', 1], 'eu-central-1d'), /environment\.availabilityZones\[1\] = "eu-central-1d": is not an availability zone of eu-central-1; its zones: eu-central-1a, eu-central-1b, eu-central-1c/],
  ['repeated developer', 'pilots/acme.yaml', (d) => d.setIn(['developers', 1], 'arn:aws:iam::111111111111:role/acme-developers'), /developers\[1\] = .*: repeats principal \[0\]/],
  ['repeated shared pilot', 'platform.yaml', (d) => d.setIn(['components', 0, 'sharedWith', 1], 'acme'), /components\[0\]\.sharedWith\[1\] = "acme": repeats pilot \[0\]/],
  ['repeated instance type', 'platform.yaml', (d) => d.setIn(['ci', 'fleets', 'cd', 'instanceTypes', 1], 'm7i.large'), /ci\.fleets\.cd\.instanceTypes\[1\] = "m7i\.large": repeats instance type \[0\]/],
  ['repeated approver', 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'cd', 'approvers', 1], 'acme-lead'), /cd\.approvers\[1\] = "acme-lead": repeats approver \[0\]/],
  ['CIDR with a leading zero', 'platform.yaml', (d) => d.setIn(['ci', 'jenkins', 'allowedCidrs', 0], '010.0.0.0/8'), /ci\.jenkins\.allowedCidrs\[0\] = "010\.0\.0\.0\/8": must be an IPv4 CIDR such as 10\.40\.0\.0\/16: decimal without leading zeros/],
  ...['ssh://-oProxyCommand:22/x/y.git', 'git@-oProxyCommand:x/y.git', 'git@github.com:-x/y.git', 'https://-x/y.git'].map(
    (url): [string, string, (d: Document) => void, RegExp] => [`option-like repository ${url}`, 'pilots/acme.yaml', (d) => d.setIn(['components', 0, 'repository'], url), /components\[0\]\.repository = .*: must be a git URL.*no host or path starting with -/],
  ),
  ['display name with a line break', 'pilots/acme.yaml', (d) => d.set('displayName', 'ACME\nPlant'), /displayName = "ACME\\nPlant": must be one line of text/],
  ['Keycloak admin realm as pilot', 'pilots/acme.yaml', (d) => d.set('name', 'master'), /name = "master": "master" is reserved: it is Keycloak's admin realm/],
];

describe('each rule is reported with file, line, field and value', () => {
  test.each(refusedInConfig)('%s', (_what, file, edit, expected) => {
    expect(problemsOf(configWith({ [file]: edit }))).toMatch(expected);
  });

  test('values at the limits pass: 64-character role name, zone letter d of us-east-1, the largest public endpoint source', () => {
    const dir = configWith({
      'platform.yaml': (d) => {
        d.setIn(['cluster', 'adminRoles', 0], `arn:aws:iam::111111111111:role/ops/${'x'.repeat(64)}`);
        d.setIn(['cluster', 'publicEndpointCidrs'], d.createNode(['0.0.0.0/0']));
      },
    });
    expect(loadConfig(dir).platform.cluster.adminRoles[0]).toMatch(/x{64}$/);
  });
});
