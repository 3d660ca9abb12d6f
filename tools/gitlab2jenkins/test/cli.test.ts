import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli';
import { FIXTURES } from './helpers';
import { CORPUS, samples } from './samples';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('cli', () => {
  const dir = join(FIXTURES, 'basic');
  const input = join(dir, '.gitlab-ci.yml');

  test('--help exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: gitlab2jenkins');
  });

  test.each([[[]], [['--bogus', 'x']], [['a.yml', 'b.yml']], [['a.yml', '-o']]])('usage errors exit 2: %j', (args) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage:');
  });

  test('writes -o, warnings on stderr, exit 0; output is byte-identical across runs', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'g2j-cli-')), 'Jenkinsfile');
    const r = run([input, '--repo-root', dir, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe('.gitlab-ci.yml:5: key "variables": IMAGE_REF reads GitLab-only $CI_REGISTRY_IMAGE; kept literally\n');
    const first = readFileSync(out);
    run([input, '--repo-root', dir, '-o', out]);
    expect(readFileSync(out).equals(first)).toBe(true);
    expect(run([input, '--repo-root', dir]).out).toBe(first.toString());
  });

  test('invalid input exits 1 with file:line:col and writes nothing', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'g2j-cli-'));
    writeFileSync(join(tmp, '.gitlab-ci.yml'), 'job:\n  stage: nope\n  script: x\n');
    const out = join(tmp, 'Jenkinsfile');
    const r = run([join(tmp, '.gitlab-ci.yml'), '--repo-root', tmp, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('.gitlab-ci.yml:2:10: error: job "job" uses stage "nope", which is not in stages:\n');
    expect(existsSync(out)).toBe(false);
  });

  test('translates every corpus pipeline to its committed Jenkinsfiles (children next to -o), warnings on stderr', () => {
    for (const s of samples(CORPUS)) {
      const out = mkdtempSync(join(tmpdir(), 'g2j-cli-'));
      const r = run([join(s.dir, '.gitlab-ci.yml'), '--repo-root', s.dir, '-o', join(out, 'Jenkinsfile')]);
      const files = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).filter((f) => f.startsWith('Jenkinsfile')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
      expect({ name: s.name, code: r.code, files: files(out), err: r.err }).toEqual({ name: s.name, code: 0, files: files(s.dir), err: readFileSync(join(s.dir, 'warnings.txt'), 'utf8') });
    }
  });

  test('child pipelines need -o: without it nothing is written and the usage error names them', () => {
    const s = samples(CORPUS).find((c) => c.name === 'real-omnibus-gitlab')!;
    const r = run([join(s.dir, '.gitlab-ci.yml'), '--repo-root', s.dir]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('the pipeline has child pipelines (Jenkinsfile.gitlab-ci, Jenkinsfile.gitlab-ci-config-check-packages); give -o FILE');
  });

  test('a missing input file exits 1', () => {
    const r = run([join(dir, 'nope.yml'), '--repo-root', dir]);
    expect(r).toEqual({ code: 1, out: '', err: 'nope.yml:1:1: error: file "nope.yml" does not exist\n' });
  });

  test('the bin shim runs the CLI through tsx', () => {
    const bin = join(__dirname, '..', 'bin', 'gitlab2jenkins.js');
    expect(execFileSync(process.execPath, [bin, input, '--repo-root', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toContain('pipeline {');
    expect(spawnSync(process.execPath, [bin], { encoding: 'utf8' }).status).toBe(2);
  });
});
