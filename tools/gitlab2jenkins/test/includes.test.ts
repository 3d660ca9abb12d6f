import { join } from 'node:path';
import { translateFile } from '../src/index';
import { FIXTURES, translateError, translateYaml } from './helpers';

describe('include', () => {
  const dir = join(FIXTURES, 'includes');
  const t = translateFile(join(dir, '.gitlab-ci.yml'), { repoRoot: dir });

  test('merges nested local includes relative to the repo root; the including file wins', () => {
    expect(t.jenkinsfile).toContain("stage('compile')");
    expect(t.jenkinsfile).toContain("image 'gcc:13'");
    expect(t.jenkinsfile).toContain("label 'linux'");
    expect(t.jenkinsfile).toContain("gitlabSh('make unit-from-main')");
    expect(t.jenkinsfile).not.toContain("gitlabSh('make unit')");
  });

  test('remote, template and project includes warn and become failing placeholder stages', () => {
    expect(t.warnings.map((w) => [w.key, w.line])).toEqual([
      ['include', 4],
      ['include', 5],
      ['include', 6],
    ]);
    expect(t.warnings[0].message).toContain('include:remote "https://example.com/ci/shared.yml" cannot be resolved offline');
    expect(t.jenkinsfile).toContain("stage('include remote #1')");
    expect(t.jenkinsfile).toContain(
      "error('include:remote \"https://example.com/ci/shared.yml\" (.gitlab-ci.yml:4) cannot be resolved offline; inline it into the repository')",
    );
    expect(t.jenkinsfile).toContain('include:template "Security/SAST.gitlab-ci.yml"');
    expect(t.jenkinsfile).toContain('include:project "group/templates:deploy.yml"');
  });

  test('an include cycle is an error naming the chain', () => {
    const dir2 = join(FIXTURES, 'include-cycle');
    expect(() => translateFile(join(dir2, '.gitlab-ci.yml'), { repoRoot: dir2 })).toThrow(
      'ci/b.yml:2:5: error: include cycle: .gitlab-ci.yml -> ci/a.yml -> ci/b.yml -> ci/a.yml',
    );
  });

  test('a missing local file is an error at the include line', () => {
    expect(translateError('include: nope.yml\njob:\n  script: x\n').message).toBe('.gitlab-ci.yml:1:10: error: included file "nope.yml" does not exist');
  });

  test('paths outside the repository are rejected', () => {
    expect(translateError('include: ../x.yml\njob:\n  script: x\n').message).toContain('is outside the repository');
  });

  test('glob includes expand in sorted order and {local:} accepts globs', () => {
    const { jenkinsfile } = translateYaml('include:\n  - local: ci/*.yml\n', {
      'ci/b.yml': 'b:\n  script: echo b\n',
      'ci/a.yml': 'a:\n  script: echo a\n',
    });
    expect(jenkinsfile.indexOf("stage('a')")).toBeLessThan(jenkinsfile.indexOf("stage('b')"));
  });

  test('more than 150 includes is an error, as in GitLab (and no exponential fan-out)', () => {
    // Each level includes the next one twice: 2^10 loads without the limit.
    const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`l${i}.yml`, `include: [l${i + 1}.yml, l${i + 1}.yml]\n`]));
    const message = translateError('include: l0.yml\njob:\n  script: x\n', { ...files, 'l10.yml': 'a:\n  script: x\n' }).message;
    expect(message).toMatch(/^l\d\.yml:1:\d+: error: more than 150 includes \(GitLab's limit\)$/);
  });

  test('include:rules is warned about, not silently applied', () => {
    const { lines } = translateYaml('include:\n  - local: ci/a.yml\n    rules:\n      - if: $X\n', { 'ci/a.yml': 'a:\n  script: echo a\n' });
    expect(lines).toEqual(['.gitlab-ci.yml:3: key "include": include:rules is not evaluated; the file is always included']);
  });
});
