import { expectedResources, motoTemplate, rehearsalPlan } from '../src/rehearsal-plan';
import { resource, stack } from './stack-fixtures';

test('stacks with an EKS control plane, and stacks depending on them, are skipped with the reason', () => {
  const network = stack('Net', { Vpc: resource('AWS::EC2::VPC', 'Net/Vpc') });
  const cluster = stack('Cluster', { Cluster: resource('AWS::EKS::Cluster', 'Cluster/C') }, { dependencies: ['Net'] });
  const charts = stack('Charts', { Chart: resource('Custom::AWSCDK-EKS-HelmChart', 'Charts/H') });
  const ci = stack('Ci', { Role: resource('AWS::IAM::Role', 'Ci/R') }, { dependencies: ['Net', 'Cluster'] });
  const pilot = stack('Pilot-a', { Repo: resource('AWS::ECR::Repository', 'Pilot-a/R') }, { pilot: 'a' });
  expect(rehearsalPlan([network, cluster, charts, ci, pilot])).toEqual({
    deploy: ['Net', 'Pilot-a'],
    skipped: [
      { stack: 'Cluster', reason: 'needs a live EKS control plane' },
      { stack: 'Charts', reason: 'needs a live EKS control plane' },
      { stack: 'Ci', reason: 'depends on Cluster, which is not rehearsed' },
    ],
  });
});

test('stacks with IoT Core, Greengrass or Image Builder resources are skipped: moto does not serve them', () => {
  const edge = stack('Edge', { Alias: resource('AWS::IoT::RoleAlias', 'Edge/A') });
  const fleet = stack('Pilot-a-Edge', { Deployment: resource('AWS::GreengrassV2::Deployment', 'Pilot-a-Edge/D') }, { pilot: 'a' });
  const images = stack('Images', { Recipe: resource('AWS::ImageBuilder::ImageRecipe', 'Images/R') });
  expect(rehearsalPlan([edge, fleet, images]).skipped).toEqual([
    { stack: 'Edge', reason: 'uses IoT Core or Greengrass, which moto does not serve' },
    { stack: 'Pilot-a-Edge', reason: 'uses IoT Core or Greengrass, which moto does not serve' },
    { stack: 'Images', reason: 'uses EC2 Image Builder, which moto does not serve' },
  ]);
});

test('custom resources and what refers to them are cut from the template, and reported', () => {
  const { template, removed } = motoTemplate({
    Resources: {
      Vpc: resource('AWS::EC2::VPC', 'S/Vpc'),
      Restrict: resource('Custom::VpcRestrictDefaultSG', 'S/Restrict', { VpcId: { Ref: 'Vpc' } }),
      Waiter: { ...resource('AWS::SSM::Parameter', 'S/Waiter', { Value: { 'Fn::GetAtt': ['Restrict', 'Out'] } }) },
      After: { ...resource('AWS::SNS::Topic', 'S/After'), DependsOn: ['Waiter'] },
    },
    Outputs: { VpcId: { Value: { Ref: 'Vpc' } }, Out: { Value: { 'Fn::GetAtt': ['Restrict', 'Out'] } } },
  });
  expect(Object.keys(template.Resources ?? {})).toEqual(['Vpc']);
  expect(Object.keys(template.Outputs ?? {})).toEqual(['VpcId']);
  expect(removed.map((r) => [r.logicalId, r.reason])).toEqual([
    ['Restrict', 'custom resource (moto needs Docker to run its Lambda)'],
    ['Waiter', 'refers to removed Restrict'],
    ['After', 'refers to removed Waiter'],
  ]);
});

test('key resources to check after deploy carry the physical names the template fixes', () => {
  expect(
    expectedResources('S', {
      Resources: {
        Repo: resource('AWS::ECR::Repository', 'S/Repo', { RepositoryName: 'acme/dev/x' }),
        Bucket: resource('AWS::S3::Bucket', 'S/B', { BucketName: { 'Fn::Join': ['', ['b-', { Ref: 'AWS::AccountId' }]] } }),
        Key: resource('AWS::KMS::Key', 'S/K'),
      },
    }),
  ).toEqual([
    { stack: 'S', logicalId: 'Repo', type: 'AWS::ECR::Repository', name: 'acme/dev/x' },
    { stack: 'S', logicalId: 'Bucket', type: 'AWS::S3::Bucket', name: undefined },
  ]);
});
