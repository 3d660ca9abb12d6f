import { expectedResources, motoTemplate, readParameters, rehearsalPlan, resolveStackOutputs, retainedResources, stubbedOutputs } from '../src/rehearsal-plan';
import { resource, stack } from './stack-fixtures';

test('stacks with an EKS control plane are stubbed with the reason; stacks depending on them are still deployed', () => {
  const network = stack('Net', { Vpc: resource('AWS::EC2::VPC', 'Net/Vpc') });
  const cluster = stack('Cluster', { Cluster: resource('AWS::EKS::Cluster', 'Cluster/C') }, { dependencies: ['Net'] });
  const charts = stack('Charts', { Chart: resource('Custom::AWSCDK-EKS-HelmChart', 'Charts/H') });
  const ci = stack('Ci', { Role: resource('AWS::IAM::Role', 'Ci/R') }, { dependencies: ['Net', 'Cluster'] });
  const pilot = stack('Pilot-a', { Repo: resource('AWS::ECR::Repository', 'Pilot-a/R') }, { pilot: 'a' });
  expect(rehearsalPlan([network, cluster, charts, ci, pilot])).toEqual({
    deploy: ['Net', 'Ci', 'Pilot-a'],
    stubbed: [
      { stack: 'Cluster', reason: 'needs a live EKS control plane' },
      { stack: 'Charts', reason: 'needs a live EKS control plane' },
    ],
  });
});

test("a stubbed stack's outputs stand in with the shape of their resource; deployed stacks' outputs are read back", () => {
  const cluster = stack(
    'Cluster',
    { Cluster: resource('AWS::EKS::Cluster', 'Cluster/C'), Deployer: resource('AWS::IAM::Role', 'Cluster/D'), Repo: resource('AWS::ECR::Repository', 'Cluster/R') },
    { outputs: { Name: { Value: { Ref: 'Cluster' } }, DeployerArn: { Value: { 'Fn::GetAtt': ['Deployer', 'Arn'] } }, RepoArn: { Value: { 'Fn::GetAtt': ['Repo', 'Arn'] } } } },
  );
  const stubs = stubbedOutputs(cluster, '111111111111');
  expect(stubs).toEqual({
    Name: 'rehearsal-stub-Cluster',
    DeployerArn: 'arn:aws:iam::111111111111:role/rehearsal-stub-Deployer',
    RepoArn: 'arn:aws:ecr:eu-central-1:111111111111:repository/rehearsal-stub-Repo',
  });
  const consumer = {
    Resources: {
      Fn: resource('AWS::Lambda::Function', 'Ci/F', {
        Environment: { Variables: { CLUSTER: { 'Fn::GetStackOutput': { StackName: 'Cluster', OutputName: 'Name' } }, VPC: { 'Fn::GetStackOutput': { StackName: 'Net', OutputName: 'VpcId' } } } },
      }),
    },
  };
  const { template, resolved } = resolveStackOutputs(consumer, (s, o) => (s === 'Net' && o === 'VpcId' ? 'vpc-0123' : undefined), new Map([['Cluster', stubs]]));
  expect(template.Resources!.Fn.Properties!.Environment).toEqual({ Variables: { CLUSTER: 'rehearsal-stub-Cluster', VPC: 'vpc-0123' } });
  expect(resolved).toEqual([
    { stack: 'Cluster', output: 'Name', value: 'rehearsal-stub-Cluster', stub: true },
    { stack: 'Net', output: 'VpcId', value: 'vpc-0123', stub: false },
  ]);
  expect(() => resolveStackOutputs({ Resources: { X: resource('AWS::SNS::Topic', 'X', { A: { 'Fn::GetStackOutput': { StackName: 'Gone', OutputName: 'O' } } }) } }, () => undefined, new Map())).toThrow(
    /Gone has no output O, neither deployed nor stubbed/,
  );
});

test('what moto cannot take is rewritten and reported: unmodelled types, attributes it lacks, properties it refuses or requires', () => {
  const served = new Set(['AWS::EFS::FileSystem', 'AWS::IAM::Policy', 'AWS::SSM::Document']);
  const { template, removed } = motoTemplate(
    {
      Resources: {
        Home: { ...resource('AWS::EFS::FileSystem', 'S/H', { FileSystemPolicy: { Statement: [] } }), DeletionPolicy: 'RetainExceptOnCreate' },
        Secret: resource('AWS::SecretsManager::Secret', 'S/S'),
        Doc: resource('AWS::SSM::Document', 'S/D', { Content: {} }),
        Policy: resource('AWS::IAM::Policy', 'S/P', { PolicyDocument: { Statement: [{ Resource: [{ Ref: 'Secret' }, { 'Fn::GetAtt': ['Home', 'Arn'] }] }] } }),
      },
    },
    served,
  );
  const r = template.Resources!;
  expect(r.Policy.Properties!.PolicyDocument).toEqual({
    Statement: [
      {
        Resource: [
          { 'Fn::Join': ['', ['arn:aws:secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret/rehearsal-stub-Secret-Ref']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticfilesystem:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':file-system/', { Ref: 'Home' }]] },
        ],
      },
    ],
  });
  expect(r.Home.Properties).toEqual({});
  expect(r.Home.DeletionPolicy).toBe('Retain');
  expect(r.Doc.Properties).toEqual({ Content: {}, DocumentFormat: 'JSON' });
  expect(removed.map((x) => `${x.logicalId}: ${x.reason}`).sort()).toEqual([
    'Doc: property DocumentFormat set to AWS\'s default "JSON": moto has no default',
    'Home: moto cannot resolve its Arn: read as the documented format instead',
    'Home: property FileSystemPolicy dropped: moto validates it as an identity policy and wants a Resource, which EFS file system policies may omit',
    'Secret: moto cannot resolve its Ref: moto has no model of the type (not created), a stand-in is read',
  ]);
  expect(retainedResources('S', template)).toEqual([{ stack: 'S', logicalId: 'Home' }]);
});

test("the SSM parameters a template's parameters read are listed, so missing ones can be stubbed", () => {
  expect(
    readParameters({
      Parameters: {
        Image: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/iiot/demo/images/jenkins-controller' },
        Plain: { Type: 'String', Default: 'x' },
      },
    }),
  ).toEqual(['/iiot/demo/images/jenkins-controller']);
});

test('stacks with IoT Core, Greengrass or Image Builder resources are stubbed: moto does not serve them', () => {
  const edge = stack('Edge', { Alias: resource('AWS::IoT::RoleAlias', 'Edge/A') });
  const fleet = stack('Pilot-a-Edge', { Deployment: resource('AWS::GreengrassV2::Deployment', 'Pilot-a-Edge/D') }, { pilot: 'a' });
  const images = stack('Images', { Recipe: resource('AWS::ImageBuilder::ImageRecipe', 'Images/R') });
  expect(rehearsalPlan([edge, fleet, images]).stubbed).toEqual([
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
