import { createHash } from 'crypto';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoAssembly, DEMO_CONTEXT } from './demo-assembly';
import { runCdkApp } from './fixtures/cdk-app';
import { REPO_ROOT } from './fixtures/demo-paths';

// The shared demo assembly is synthesized with cdk-nag (AwsSolutions) and cfn-guard (Control Tower
// rules) as validation plugins: any unacknowledged finding makes synth throw, so reaching the tests
// means both are at 0.
const first = demoAssembly();
const templateFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort();

const cfnLintVersion = () => execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' }).trim();

/** A template cfn-lint must refuse (E3002: a property the resource type does not have). */
const BROKEN = JSON.stringify({ Resources: { Blobs: { Type: 'AWS::S3::Bucket', Properties: { NoSuchProperty: 1 } } } });

interface LintVerdict {
  /** cfn-lint's exit code for the whole run. */
  readonly status: number | null;
  /** Its findings (parseable format), each line naming the file by its base name. */
  readonly findings: string[];
  readonly stderr: string;
}

/**
 * cfn-lint over every template of the shared assembly and the broken one, in one run (each run
 * costs a Python start and the loading of its schemas). A run whose only findings are the broken
 * template's is kept under node_modules/.cache, keyed by the cfn-lint version, .cfnlintrc.yaml and
 * every template's bytes: an unchanged assembly is not linted again by the same cfn-lint, and any
 * change (or a cold cache, as in CI) lints everything. Nothing else is kept.
 */
function lintOnce(version: string): LintVerdict {
  const files = templateFiles(first.outdir).map((f) => path.join(first.outdir, f));
  const key = createHash('sha256').update(version).update(BROKEN).update(fs.readFileSync(path.join(REPO_ROOT, '.cfnlintrc.yaml')));
  for (const f of files) key.update(path.basename(f)).update(fs.readFileSync(f));
  const cached = path.join(REPO_ROOT, 'node_modules', '.cache', 'iiot-cfn-lint', `${key.digest('hex').slice(0, 16)}.json`);
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8'));
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-lint-')), 'broken.template.json');
  fs.writeFileSync(broken, BROKEN);
  const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...files, broken], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (lint.error) throw lint.error;
  const byName = new Map([...files, broken].map((f) => [f, path.basename(f)]));
  const findings = lint.stdout.split('\n').filter(Boolean).map((line) => {
    const file = [...byName.keys()].find((f) => line.startsWith(`${f}:`));
    return file ? byName.get(file)! + line.slice(file.length) : line;
  });
  const verdict: LintVerdict = { status: lint.status, findings, stderr: lint.stderr };
  if (lint.status === 2 && lint.stderr === '' && findings.length > 0 && findings.every((l) => l.startsWith('broken.template.json:'))) {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, JSON.stringify(verdict));
  }
  return verdict;
}

describe('validation gates', () => {
  test('cdk-nag and cfn-guard report no unacknowledged finding; every acknowledgement has a reason', () => {
    const report = JSON.parse(fs.readFileSync(path.join(first.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.map((r: { pluginName: string }) => r.pluginName).sort()).toEqual(['AwsSolutions', 'cdk-validator-cfnguard']);
    for (const plugin of report.pluginReports) {
      expect({ plugin: plugin.pluginName, conclusion: plugin.conclusion, violations: plugin.violations }).toEqual({
        plugin: plugin.pluginName,
        conclusion: 'success',
        violations: [],
      });
      for (const acknowledged of plugin.suppressedViolations ?? []) {
        expect(JSON.stringify(acknowledged)).toMatch(/"reason":"[^"]{20,}/);
      }
    }
  });

  describe('cfn-lint', () => {
    let version: string;
    let lint: LintVerdict;
    beforeAll(() => {
      version = cfnLintVersion();
      lint = lintOnce(version);
    });

    test('is installed where the tests run', () => {
      expect(version).toMatch(/^cfn-lint \d+\./);
    });

    test('no errors and no warnings beyond the documented ignores in .cfnlintrc.yaml', () => {
      expect(lint.stderr).toBe('');
      expect(lint.findings.filter((l) => !l.startsWith('broken.template.json:'))).toEqual([]);
      // Exit 2: errors (the broken template's) and no warnings (4) nor informational findings (8).
      expect(lint.status).toBe(2);
    });

    test('fails a broken template in the same run (the gate is live)', () => {
      expect(lint.findings).toContainEqual(expect.stringMatching(/^broken\.template\.json:\d+:\d+:\d+:\d+:E3002:/));
    });
  });

  test('two synths produce byte-identical templates', () => {
    // The shared assembly may come from an earlier run; this synth is fresh, by the app as the CLI
    // runs it, without the gates (they do not change templates).
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-synth-'));
    const second = runCdkApp(outdir, { ...DEMO_CONTEXT, gates: 'false' });
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    const files = templateFiles(first.outdir);
    expect(templateFiles(outdir)).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(outdir, f), 'utf8')).toBe(fs.readFileSync(path.join(first.outdir, f), 'utf8'));
    }
  });

  test('templates stay within CloudFormation limits (500 resources, 1 MB)', () => {
    for (const f of templateFiles(first.outdir)) {
      const text = fs.readFileSync(path.join(first.outdir, f), 'utf8');
      expect(Object.keys(JSON.parse(text).Resources).length).toBeLessThanOrEqual(500);
      expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    }
  });
});

describe('the CDK app entry (bin/app.ts)', () => {
  const runApp = (config: string) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-app-'));
    return { ...runCdkApp(outdir, { config }), outdir };
  };

  test('bad config: exit 1, the problem on stderr, and no template written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-bad-'));
    fs.cpSync(path.join(REPO_ROOT, 'config'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pilots', 'zulu.yaml'), 'name: Zulu\ndisplayName: Z\n');
    const run = runApp(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/zulu\.yaml:1:7 name = "Zulu": a pilot name must be/);
    expect(fs.readdirSync(run.outdir)).toEqual([]);
  });

  test('-c config=<dir> selects another platform', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-other-'));
    fs.cpSync(path.join(REPO_ROOT, 'config'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pilots', 'charlie.yaml'), 'name: charlie\ndisplayName: Charlie Metals\n');
    const run = runApp(dir);
    expect(run.stderr).not.toMatch(/Invalid platform config|Error/);
    expect(run.status).toBe(0);
    expect(templateFiles(run.outdir)).toContain('Pilot-charlie-Registries.template.json');
  });
});
