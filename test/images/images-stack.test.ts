/**
 * What the synthesized stacks do with the golden images: each fleet's launch template resolves its
 * AMI from the SSM parameter the rollout gate writes (at launch, so a rollout needs no redeploy);
 * the controller task runs the digest the gate wrote; build instances are IMDSv2 only; pipelines
 * scan, test and rebuild on a schedule; the controller repository is immutable and scans on push.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { FLEETS } from '../../lib/config/schema';
import { ImageParameters } from '../../lib/stacks/images-stack';
import { demoAssembly } from '../demo-assembly';

const { templates } = demoAssembly();
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

test('the controller repository keeps tags immutable and scans on push', () => {
  images.hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'IMMUTABLE', ImageScanningConfiguration: { ScanOnPush: true } });
});

test('a changed component document is a new component version (Image Builder versions are immutable)', () => {
  const versions = Object.values(images.findResources('AWS::ImageBuilder::Component')).map((c) => `${c.Properties.Name}@${c.Properties.Version}`);
  expect(new Set(versions).size).toBe(versions.length);
});

test('the gate runs on every available image and may write only the image parameters', () => {
  images.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.imagebuilder'], 'detail-type': ['EC2 Image Builder Image State Change'], detail: { state: { status: ['AVAILABLE'] } } } });
  const statements = Object.values(images.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
  const puts = statements.filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
  expect(puts).toHaveLength(1);
  expect(JSON.stringify(puts[0].Resource)).toContain(`parameter/iiot/${PLATFORM}/images/`);
  expect(JSON.stringify(puts[0].Resource)).not.toContain('*');
});
