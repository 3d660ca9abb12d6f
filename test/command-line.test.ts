/**
 * Entry points as an operator runs them: flags, exit codes and what a failed run leaves behind.
 * Each CLI is started as its npm script starts it (`node bin/run-app.js <script>`), the CDK app as
 * cdk.json does, with bad flags and a bad config folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseFlags, UsageError } from '../lib/command-line';
import { clearFailedAssembly, renderFolder } from '../lib/synth-output';
import { runCdkApp } from './fixtures/cdk-app';
import { configWith } from './fixtures/config-edit';
import { runScript } from './fixtures/run-script';
import { REPO_ROOT } from './fixtures/demo-paths';

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = runScript(script, args, { ...process.env, ...env });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** A stack trace line as Node prints one. */
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe('flag parsing', () => {
  const flags = ['config', 'token'] as const;
  const usage: [string[], RegExp][] = [
    [['--bogus'], /^unknown flag --bogus$/],
    [['--bogus=1'], /^unknown flag --bogus$/],
    [['-c', 'x'], /^unknown flag -c$/],
    [['--CONFIG', 'x'], /^unknown flag --CONFIG$/],
    [['config'], /^unexpected argument "config"$/],
    [['--config'], /^--config needs a value$/],
    [['--config='], /^--config needs a value$/],
    [['--config', '--token', 'x'], /^--config needs a value$/],
    [['--config', '-x'], /^--config needs a value$/],
    [['--config', 'a', '--config', 'b'], /^--config given twice; give it once$/],
    [['--config', 'a', 'stray'], /^unexpected argument "stray"$/],
    [['--token', 'x', '--'], /^unknown flag --$/],
  ];
  test.each(usage)('%j is a usage error naming the flag', (argv, expected) => {
    let error: unknown;
    try {
      parseFlags(argv, flags);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(expected);
  });

  test.each([
    [[], {}],
    [['--config', 'cfg'], { config: 'cfg' }],
    [['--config=-odd-dir'], { config: '-odd-dir' }],
    [['--token', 't', '--config', 'c'], { token: 't', config: 'c' }],
  ] as const)('%j parses', (argv, expected) => {
    expect(parseFlags(argv, flags)).toEqual(expected);
  });
});

describe('every CLI: an unknown flag exits 2 naming it; a config error exits 1 with the located message and no stack', () => {
  const bad = configWith({ 'pilots/acme.yaml': (d) => d.setIn(['components', 0, 'branch'], '-main') });
  const configClis = ['bin/preflight.ts', 'scripts/maturity.ts', 'scripts/synth-k8s.ts', 'scripts/cost.ts', 'scripts/diagram.ts', 'scripts/rehearse.ts'];
  test.each([...configClis, 'scripts/smoke.ts'])('%s --bogus', (script) => {
    const r = run(script, ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: unknown flag --bogus\nusage: /);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  test.each(['bin/preflight.ts', 'scripts/maturity.ts', 'scripts/cost.ts'])('%s --config <bad folder>', (script) => {
    const r = run(script, ['--config', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Invalid platform config \(1 problem\):\n {2}- .*pilots\/acme\.yaml:\d+:\d+ components\[0\]\.branch = "-main": must not start with -/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  test('smoke: missing flags and an unreadable token file are one line each', () => {
    expect(run('scripts/smoke.ts', ['--endpoint', 'https://x']).stderr).toMatch(/^smoke: missing --tenant, --token\n/);
    const r = run('scripts/smoke.ts', ['--endpoint', 'https://x', '--tenant', 'acme', '--token', '/nonexistent/token']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('smoke: --token /nonexistent/token: cannot read the token file (ENOENT)\n');
  });
});

describe('a failed synth leaves nothing that looks current', () => {
  test('cdk app with a bad config: located message, exit 1, and the earlier run and its assets are gone', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-cdkout-'));
    for (const f of ['manifest.json', 'tree.json', 'cdk.out', 'Platform-Network.template.json', 'Pilot-zulu-Registries.template.json', 'Platform-Ci.assets.json', 'synth.lock']) {
      fs.writeFileSync(path.join(outdir, f), '{}');
    }
    fs.mkdirSync(path.join(outdir, 'asset.0123abcd'));
    fs.writeFileSync(path.join(outdir, 'asset.0123abcd', 'index.js'), '');
    const bad = configWith({ 'platform.yaml': (d) => d.setIn(['network', 'cidr'], '8.8.0.0/16') });
    const r = runCdkApp(outdir, { config: bad });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/platform\.yaml:\d+:\d+ network\.cidr = "8\.8\.0\.0\/16": must lie inside private address space/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(fs.readdirSync(outdir)).toEqual(['synth.lock']);
  });

  test('a failure midway removes what this run wrote, keeps lock files and its own validation report', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-cdkout-'));
    fs.writeFileSync(path.join(outdir, 'validation-report.json'), 'old');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(outdir, 'validation-report.json'), old, old);
    const started = Date.now();
    fs.writeFileSync(path.join(outdir, 'Platform-Edge.template.json'), '{');
    fs.writeFileSync(path.join(outdir, 'read.1234.lock'), '');
    clearFailedAssembly(outdir, started);
    expect(fs.readdirSync(outdir)).toEqual(['read.1234.lock']);
    fs.writeFileSync(path.join(outdir, 'validation-report.json'), 'new');
    clearFailedAssembly(outdir, started);
    expect(fs.readdirSync(outdir).sort()).toEqual(['read.1234.lock', 'validation-report.json']);
  });

  test('synth:k8s output holds exactly the last successful render; a failed render leaves none', () => {
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-k8s-')), 'dist');
    renderFolder(target, (dir) => ['acme', 'zulu'].forEach((p) => fs.writeFileSync(path.join(dir, `pilot-${p}.k8s.yaml`), p)));
    renderFolder(target, (dir) => fs.writeFileSync(path.join(dir, 'pilot-acme.k8s.yaml'), 'acme'));
    expect(fs.readdirSync(target)).toEqual(['pilot-acme.k8s.yaml']);
    expect(() =>
      renderFolder(target, (dir) => {
        fs.writeFileSync(path.join(dir, 'half.k8s.yaml'), '');
        throw new Error('chart failed');
      }),
    ).toThrow('chart failed');
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(path.dirname(target))).toEqual([]);
  });
});

describe('gitlab2jenkins: bad paths are one line, exit 1; a flag without its value is exit 2', () => {
  // In-process, as tools/gitlab2jenkins/test/cli.test.ts runs it.
  const { main } = require('../tools/gitlab2jenkins/src/cli') as typeof import('../tools/gitlab2jenkins/src/cli');
  const input = path.join(REPO_ROOT, 'tools', 'gitlab2jenkins', 'test', 'fixtures', 'basic', '.gitlab-ci.yml');
  const g2j = (args: string[]) => {
    let err = '';
    const code = main(args, { stdout: () => undefined, stderr: (t) => (err += t) });
    return { code, lines: err.trim().split('\n') };
  };

  test.each([
    ['-o names a folder', [input, '--repo-root', path.dirname(input), '-o', os.tmpdir()], /^gitlab2jenkins: .*: is a folder, not a file$/],
    ['-o inside a missing folder', [input, '--repo-root', path.dirname(input), '-o', '/nonexistent/dir/Jenkinsfile'], /^gitlab2jenkins: \/nonexistent\/dir\/Jenkinsfile: no such file or folder$/],
    ['the input is missing', ['/nonexistent/.gitlab-ci.yml'], /does not exist$/],
  ])('%s', (_what, args, expected) => {
    const r = g2j(args);
    expect(r.code).toBe(1);
    expect(r.lines[r.lines.length - 1]).toMatch(expected);
    expect(r.lines.join('\n')).not.toMatch(STACK_LINE);
  });

  test.each([[['x.yml', '-o', '--repo-root', '.']], [['x.yml', '--repo-root']], [['x.yml', '--output=']]])('%j', (args) => {
    const r = g2j(args);
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatch(/^gitlab2jenkins: (--repo-root|-o) needs a value$|^gitlab2jenkins: unknown option --output=$/);
  });
});
