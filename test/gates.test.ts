import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { demoAssembly } from './demo-assembly';
import { REPO_ROOT, synthesizePlatform } from './fixtures/demo-platform';

// The shared demo assembly is synthesized with cdk-nag (AwsSolutions) and cfn-guard (Control Tower
// rules) as validation plugins: any unacknowledged finding makes synth throw, so reaching the tests
// means both are at 0.
const first = demoAssembly();
const templateFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort();

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

  test('cfn-lint: no errors and no warnings beyond the documented ignores in .cfnlintrc.yaml', () => {
    const files = templateFiles(first.outdir).map((f) => path.join(first.outdir, f));
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(lint.error).toBeUndefined();
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  test('cfn-lint does fail on a broken template (the gate is live)', () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iiot-lint-')), 'broken.template.json');
    fs.writeFileSync(broken, JSON.stringify({ Resources: { Blobs: { Type: 'AWS::S3::Bucket', Properties: { NoSuchProperty: 1 } } } }));
    expect(spawnSync('cfn-lint', [broken], { cwd: REPO_ROOT }).status).not.toBe(0);
  });

  test('two synths produce byte-identical templates', () => {
    // The shared assembly may come from an earlier run; this synth is fresh, without the gates (they do not change templates).
    const second = synthesizePlatform(undefined, { gates: false });
    const files = templateFiles(first.outdir);
    expect(templateFiles(second.outdir)).toEqual(files);
    for (const f of files) {
      expect(fs.readFileSync(path.join(second.outdir, f), 'utf8')).toBe(fs.readFileSync(path.join(first.outdir, f), 'utf8'));
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
    // The CDK CLI hands context and the output folder to the app through these variables.
    const env = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ config }) };
    // The command cdk.json gives the CLI (the prebuilt bundle of bin/app.ts).
    const [command, ...args] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).app.split(' ');
    const run = spawnSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8' });
    return { ...run, outdir };
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

test('cfn-lint is installed where the tests run', () => {
  expect(execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' })).toMatch(/cfn-lint \d+\./);
});
