/**
 * Image Builder versions are immutable: a component document or recipe that changes under a
 * version already deployed (recorded in the config's image-recipes.lock.json) fails synth naming
 * the version to bump; a bumped version is a new recipe the trigger builds on deploy.
 * `npm run images:lock` records first-time versions and never rewrites one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Template } from 'aws-cdk-lib/assertions';
import { readPublishedImages, PUBLISHED_IMAGES_FILE } from '../../lib/config/published-recipes';
import { GoldenImagePipeline } from '../../lib/constructs/golden-image-pipeline';
import { ImageBuildTrigger } from '../../lib/constructs/image-build-trigger';
import { ImageBuildInfrastructure } from '../../lib/constructs/image-build-infrastructure';
import { GOLDEN_IMAGE_VERSIONS } from '../../lib/constructs/image-components';
import { configWith } from '../fixtures/config-edit';
import { REPO_ROOT } from '../fixtures/demo-paths';
import { runScript } from '../fixtures/run-script';

const DOC_V1 = 'name: t\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: A\n        action: ExecuteBash\n        inputs:\n          commands: [echo 1]\n';
const DOC_V2 = DOC_V1.replace('echo 1', 'echo 2');

function pipeline(document: string, version: string, published?: Record<string, string>) {
  // As bin/app.ts: without CDK's built-in template validation (cfn-lint runs in the gates suite).
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'S', { env: { account: '111111111111', region: 'eu-central-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const infrastructure = new ImageBuildInfrastructure(stack, 'Infra', { vpc, subnet: vpc.publicSubnets[0], instanceTypes: [new ec2.InstanceType('m7i.large')] });
  const distribution = new imagebuilder.CfnDistributionConfiguration(stack, 'Dist', { name: 'iiot-test-distribution', distributions: [{ region: 'eu-central-1' }] });
  const golden = new GoldenImagePipeline(stack, 'P', {
    name: 'iiot-test', description: 'test', version, versionSource: 'TEST_VERSION', published,
    infrastructure: infrastructure.configuration, components: [{ name: 'iiot-test-tools', document }],
    recipe: { kind: 'ami', properties: { parentImage: 'arn:aws:imagebuilder:eu-central-1:aws:image/amazon-linux-2023-x86/x.x.x' } },
    distribution, scanning: { imageScanningEnabled: true }, schedule: 'cron(0 3 ? * MON *)',
    trigger: new ImageBuildTrigger(stack, 'Trigger', { logKey: new kms.Key(stack, 'Key') }),
  });
  return { golden, template: () => Template.fromStack(stack) };
}

test('a document changed under a deployed version fails synth, naming the version to bump', () => {
  const deployed = Object.fromEntries(pipeline(DOC_V1, '1.0.0').golden.digests);
  expect(Object.keys(deployed).sort()).toEqual(['iiot-test-tools@1.0.0', 'iiot-test@1.0.0']);
  expect(() => pipeline(DOC_V1, '1.0.0', deployed)).not.toThrow();
  expect(() => pipeline(DOC_V2, '1.0.0', deployed)).toThrow(/iiot-test-tools@1\.0\.0: differs from the deployed one .*immutable.*image iiot-test \(bump 1\.0\.0, TEST_VERSION\)/);
});

test('a recipe changed under a deployed version fails too (not only documents)', () => {
  const deployed = Object.fromEntries(pipeline(DOC_V1, '1.0.0').golden.digests);
  const changed = { ...deployed, 'iiot-test@1.0.0': `sha256:${'0'.repeat(64)}` };
  expect(() => pipeline(DOC_V1, '1.0.0', changed)).toThrow(/iiot-test@1\.0\.0: differs .*bump 1\.0\.0/);
});

test('the bumped version is what the components, the recipe and the build trigger carry: the deploy builds it', () => {
  const deployed = Object.fromEntries(pipeline(DOC_V1, '1.0.0').golden.digests);
  const template = pipeline(DOC_V2, '1.1.0', deployed).template();
  template.hasResourceProperties('AWS::ImageBuilder::Component', { Name: 'iiot-test-tools', Version: '1.1.0', Data: DOC_V2 });
  template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', { Name: 'iiot-test', Version: '1.1.0' });
  template.hasResourceProperties('Custom::ImageBuild', { RecipeVersion: '1.1.0' });
});

test('the demo config\'s record is read; a malformed record is refused naming file, entry and the allowed form', () => {
  const recorded = readPublishedImages(path.join(REPO_ROOT, 'config'));
  expect(Object.keys(recorded)).toContain(`iiot-jenkins-controller@${GOLDEN_IMAGE_VERSIONS.controller}`);
  const bad = configWith({ [PUBLISHED_IMAGES_FILE]: JSON.stringify({ 'iiot-agent-cd@1.0': 'sha256:x' }) });
  expect(() => readPublishedImages(bad)).toThrow(/image-recipes\.lock\.json iiot-agent-cd@1\.0 = "sha256:x": entries map "<name>@<MAJOR\.MINOR\.PATCH>"/);
});

test('npm run images:lock adds first-time versions and keeps recorded ones', () => {
  const dir = configWith({});
  const file = path.join(dir, PUBLISHED_IMAGES_FILE);
  const full = JSON.parse(fs.readFileSync(file, 'utf8'));
  // An older version recorded earlier stays; one current version not yet recorded is added.
  const older = { 'iiot-agent-cd@0.9.0': `sha256:${'a'.repeat(64)}` };
  const current = `iiot-jenkins-controller@${GOLDEN_IMAGE_VERSIONS.controller}`;
  const { [current]: missing, ...rest } = full;
  fs.writeFileSync(file, JSON.stringify({ ...rest, ...older }));
  const run = runScript('scripts/lock-published.ts', ['images', '--config', dir]);
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe(`recorded ${current}`);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ ...full, ...older });
  expect(missing).toMatch(/^sha256:/);
}, 120_000);
