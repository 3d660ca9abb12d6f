/**
 * What the synthesized stacks do with the golden images: each fleet's launch template resolves its
 * AMI from the SSM parameter the rollout gate writes (at launch, so a rollout needs no redeploy);
 * the controller task runs the digest the gate wrote; build instances are IMDSv2 only; pipelines
 * scan, test and rebuild on a schedule; the controller repository is immutable and scans on push.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { FLEETS } from '../../lib/config/schema';
import { GOLDEN_IMAGE_VERSIONS } from '../../lib/constructs/image-components';
import { imageRollout } from '../../lib/functions/image-rollout';
import { ImageParameters } from '../../lib/stacks/images-stack';
import { configWith, problemsOf } from '../fixtures/config-edit';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { demoAssembly } from '../demo-assembly';

const { templates, outdir } = demoAssembly();
const ci = templates.get('Platform-Ci')!;
const images = templates.get('Platform-Images')!;
const PLATFORM = 'demo';

test('each fleet launches the newest rolled-out image of its own parameter, resolved at launch', () => {
  const ids = Object.values(ci.findResources('AWS::EC2::LaunchTemplate')).map((r) => r.Properties.LaunchTemplateData.ImageId).sort();
  expect(ids).toEqual(FLEETS.map((f) => `resolve:ssm:${ImageParameters.agent(PLATFORM, f)}`).sort());
  // IMDSv2 only on the agents.
  ci.allResourcesProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } }) });
});

test('agents install nothing at boot: the image has the tools', () => {
  for (const lt of Object.values(ci.findResources('AWS::EC2::LaunchTemplate'))) expect(lt.Properties.LaunchTemplateData.UserData).toEqual({ 'Fn::Base64': '#!/bin/bash' });
});

test('the controller task runs the image digest the gate wrote, from the platform repository', () => {
  const [task] = Object.values(ci.findResources('AWS::ECS::TaskDefinition'));
  const image = task.Properties.ContainerDefinitions[0].Image;
  const parameter = ci.toJSON().Parameters[image.Ref];
  expect(parameter).toEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: ImageParameters.controller(PLATFORM) });
});

test('build and test instances are IMDSv2 only', () => {
  images.allResourcesProperties('AWS::ImageBuilder::InfrastructureConfiguration', { InstanceMetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }, TerminateInstanceOnFailure: true });
});

test('four pipelines (three agent AMIs, the controller), each scanned, tested, scheduled on dependency updates', () => {
  images.resourceCountIs('AWS::ImageBuilder::ImagePipeline', 4);
  images.allResourcesProperties('AWS::ImageBuilder::ImagePipeline', {
    ImageScanningConfiguration: Match.objectLike({ ImageScanningEnabled: true }),
    ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: 60 },
    Schedule: { ScheduleExpression: Match.stringLikeRegexp('^cron\\('), PipelineExecutionStartCondition: 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE' },
  });
  images.resourceCountIs('AWS::ImageBuilder::ImageRecipe', 3);
  images.hasResourceProperties('AWS::ImageBuilder::ContainerRecipe', { ParentImage: 'jenkins/jenkins:2.555.3-lts-jdk21', ContainerType: 'DOCKER' });
});

test('the controller repository keeps tags immutable and scans on push; a failed first deploy can remove it, a later delete keeps it', () => {
  images.hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true } });
  images.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'RetainExceptOnCreate', Properties: Match.objectLike({ EmptyOnDelete: true }) });
});

test('every component and recipe of an image carries that image\'s version (GOLDEN_IMAGE_VERSIONS)', () => {
  const versionOf = (name: string) => (name.startsWith('iiot-jenkins-controller') ? GOLDEN_IMAGE_VERSIONS.controller : GOLDEN_IMAGE_VERSIONS.agent);
  const versioned = Object.values(resources).filter((r) => ['AWS::ImageBuilder::Component', 'AWS::ImageBuilder::ImageRecipe', 'AWS::ImageBuilder::ContainerRecipe'].includes(r.Type));
  // Per agent fleet: tools, hardening, version test, recipe; the controller: tools, plugins, recipe.
  expect(versioned).toHaveLength(3 * 4 + 3);
  for (const r of versioned) expect(`${r.Properties.Name}@${r.Properties.Version}`).toBe(`${r.Properties.Name}@${versionOf(r.Properties.Name)}`);
});

test('the gate runs on every ended build (available, failed, cancelled) and may write only the image parameters', () => {
  images.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.imagebuilder'], 'detail-type': ['EC2 Image Builder Image State Change'], detail: { state: { status: ['AVAILABLE', 'FAILED', 'CANCELLED'] } } } });
  const statements = Object.values(images.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  const puts = statements.filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
  expect(puts).toHaveLength(1);
  expect(JSON.stringify(puts[0].Resource)).toContain(`parameter/iiot/${PLATFORM}/images/`);
  expect(JSON.stringify(puts[0].Resource)).not.toContain('*');
});

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };
const resources = images.toJSON().Resources as Record<string, Resource>;
const idOf = (type: string, where: (r: Resource) => boolean) => Object.entries(resources).filter(([, r]) => r.Type === type && where(r)).map(([id]) => id);
const pipelines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ImageBuilder::ImagePipeline');
const recipeOf = (p: Resource) => resources[(p.Properties.ImageRecipeArn ?? p.Properties.ContainerRecipeArn)['Fn::GetAtt'][0]];

test('each pipeline builds on create and whenever its recipe version changes, after the pipeline itself is updated', () => {
  for (const [pipelineId, pipeline] of pipelines) {
    const builds = Object.values(resources).filter((r) => r.Type === 'Custom::ImageBuild' && r.Properties.PipelineArn['Fn::GetAtt']?.[0] === pipelineId);
    expect(builds).toHaveLength(1);
    // The property that changes with the recipe: its version (Image Builder versions are immutable).
    expect(builds[0].Properties.RecipeVersion).toBe(recipeOf(pipeline).Properties.Version);
    expect(builds[0].DependsOn).toContain(pipelineId);
  }
});

test('the first deploy waits for every first image, and only after its build started and the gate listens', () => {
  const [gateId] = idOf('AWS::Lambda::Function', (r) => 'TARGETS' in (r.Properties.Environment?.Variables ?? {}));
  const [ruleId] = idOf('AWS::Events::Rule', () => true);
  // The env value is a Fn::Join of text and handle Refs: resolve each Ref to its logical id, then read the JSON.
  const join = resources[gateId].Properties.Environment.Variables.FIRST_IMAGE_SIGNALS['Fn::Join'];
  const signals = JSON.parse(join[1].map((part: string | { Ref: string }) => (typeof part === 'string' ? part : `ref:${part.Ref}`)).join(join[0])) as Record<string, string>;
  const waits = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::WaitCondition');
  expect(waits).toHaveLength(pipelines.length);
  for (const [, pipeline] of pipelines) {
    const name = pipeline.Properties.Name;
    const [buildId] = idOf('Custom::ImageBuild', (r) => r.Properties.PipelineArn['Fn::GetAtt'][0] === pipelines.find(([, p]) => p === pipeline)![0]);
    const wait = waits.find(([, w]) => w.DependsOn?.includes(buildId));
    expect(wait?.[1].Properties).toMatchObject({ Count: 1, Timeout: '10800' });
    // The gate signals this image's outcome to this wait condition's handle (UniqueId = image name).
    expect(signals[name]).toBe(`ref:${wait![1].Properties.Handle.Ref}`);
    expect(resources[buildId].DependsOn).toEqual(expect.arrayContaining([gateId, ruleId]));
  }
});

test('Platform-Ci deploys after Platform-Images, so its controller digest and fleet AMI parameters exist', () => {
  // The order the CDK CLI deploys in: the stack artifact's dependencies in the assembly manifest.
  expect(new cxapi.CloudAssembly(outdir).getStackArtifact('Platform-Ci').dependencies.map((d) => d.id)).toContain('Platform-Images');
});

/**
 * The lifecycle rules evaluated the way the Image Builder user guide describes them ("Manage
 * Image Builder image lifecycle": a COUNT filter keeps the newest N images per selected recipe;
 * exclusion rules skip images that carry any of the listed tags), on images after rollouts.
 */
function deleted(policy: Resource['Properties'], images: readonly { arn: string; recipe: string; created: number; tags: Record<string, string> }[]): string[] {
  const recipes = policy.ResourceSelection.Recipes.map((r: { Name: string; SemanticVersion: string }) => (expect(r.SemanticVersion).toBe('x.x.x'), r.Name));
  const out: string[] = [];
  for (const detail of policy.PolicyDetails) {
    expect(detail.Filter.Type).toBe('COUNT');
    const excluded = (tags: Record<string, string>) => Object.entries(detail.ExclusionRules?.TagMap ?? {}).some(([k, v]) => tags[k] === v);
    for (const recipe of recipes) {
      const newestFirst = images.filter((i) => i.recipe === recipe && !excluded(i.tags)).sort((a, b) => b.created - a.created);
      out.push(...newestFirst.slice(detail.Filter.Value).map((i) => i.arn));
    }
  }
  return out;
}

test('old images are deleted beyond ci.images.keep, never the one the parameter names (the gate tags it)', async () => {
  const policies = Object.values(resources).filter((r) => r.Type === 'AWS::ImageBuilder::LifecyclePolicy');
  expect(policies.map((p) => p.Properties.ResourceType).sort()).toEqual(['AMI_IMAGE', 'CONTAINER_IMAGE']);
  const ami = policies.find((p) => p.Properties.ResourceType === 'AMI_IMAGE')!.Properties;
  expect(ami.PolicyDetails[0].Action).toEqual({ Type: 'DELETE', IncludeResources: { Amis: true, Snapshots: true } });
  expect(ami.ResourceSelection.Recipes.map((r: { Name: string }) => r.Name).sort()).toEqual(FLEETS.map((f) => `iiot-agent-${f}`).sort());
  expect(policies.find((p) => p.Properties.ResourceType === 'CONTAINER_IMAGE')!.Properties.ResourceSelection.Recipes).toEqual([{ Name: 'iiot-jenkins-controller', SemanticVersion: 'x.x.x' }]);
  expect(ami.PolicyDetails[0].Filter.Value).toBe(5);

  // Eight builds of the x64 agent; build 2 was the last clean one, every later one had a critical finding.
  const builds = Array.from({ length: 8 }, (_, i) => ({ arn: `arn:aws:imagebuilder:eu-central-1:111111111111:image/iiot-agent-linux-x64/1.0.${i}/1`, recipe: 'iiot-agent-linux-x64', created: i, tags: {} as Record<string, string> }));
  const gate = imageRollout({ 'iiot-agent-linux-x64': { parameterName: ImageParameters.agent(PLATFORM, 'linux-x64'), kind: 'ami' } }, 'eu-central-1', {
    getImage: async (arn) => ({ name: 'iiot-agent-linux-x64', status: 'AVAILABLE', scanStatus: 'COMPLETED', amis: [{ region: 'eu-central-1', image: `ami-${arn.split('/')[2]}` }], containerUris: [] }),
    criticalFindings: async (arn) => (builds.findIndex((b) => b.arn === arn) > 2 ? ['CVE-2026-9'] : []),
    digestUri: async () => undefined,
    putParameter: async () => undefined,
    inUseBuilds: async () => builds.filter((b) => b.tags['iiot:in-use']).map((b) => b.arn),
    setInUse: async (arn, inUse) => {
      const build = builds.find((b) => b.arn === arn)!;
      if (inUse) build.tags = { ...build.tags, 'iiot:in-use': 'true' };
      else delete build.tags['iiot:in-use'];
    },
    signal: async () => undefined,
    log: () => undefined,
  });
  for (const b of builds) await gate({ resources: [b.arn], detail: { state: { status: 'AVAILABLE' } } });
  const gone = deleted(ami, builds);
  expect(gone).not.toContain(builds[2].arn);
  expect(gone).toEqual([builds[1].arn, builds[0].arn]);
  // Without the gate's tag the in-use build would be deleted: the exclusion is what keeps it.
  expect(deleted(ami, builds.map((b) => ({ ...b, tags: {} })))).toContain(builds[2].arn);
});

test('ci.images.keep comes from the config and is checked there', () => {
  expect(problemsOf(configWith({ 'platform.yaml': (d) => d.setIn(['ci', 'images', 'keep'], 0) }))).toMatch(/platform\.yaml:\d+:\d+ ci\.images\.keep = 0: /);
});
