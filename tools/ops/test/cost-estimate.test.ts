import { estimateCost } from '../src/cost-estimate';
import { PriceTable } from '../src/price-table';
import { resource, stack } from './stack-fixtures';

/** Round numbers so expected totals can be worked out by hand. */
const prices: PriceTable = {
  region: 'eu-central-1',
  currency: 'USD',
  date: 'test',
  source: 'test',
  hoursPerMonth: 100,
  unitPrices: {
    eksClusterHour: 0.1,
    natGatewayHour: 0.05,
    publicIpv4Hour: 0.01,
    interfaceEndpointAzHour: 0.01,
    albHour: 0.02,
    nlbHour: 0.02,
    loadBalancerCapacityUnitHour: 0.01,
    fargateVcpuHourX86: 0.04,
    fargateGbHourX86: 0.005,
    fargateVcpuHourArm: 0.03,
    fargateGbHourArm: 0.004,
    efsStandardGbMonth: 0.3,
    kmsKeyMonth: 1,
    secretMonth: 0.4,
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.05,
    ecrStorageGbMonth: 0.1,
    s3StandardGbMonth: 0.02,
    ebsGp3GbMonth: 0.1,
    alarmMetricMonth: 0.1,
    backupGbMonth: 0.05,
    ebsSnapshotGbMonth: 0.05,
  },
  instances: { 'm.big': 0.2, 'c.big': 0.1 },
  assumptions: {
    spotFactor: 0.5,
    imageBuildsPerMonth: 4,
    imageBuildHours: 1,
    imageSnapshotGb: 10,
    logGroupGbPerMonth: 1,
    flowLogGbPerMonth: 2,
    eksControlPlaneLogGbPerMonth: 2,
    efsGb: 10,
    ecrRepositoryGb: 2,
    s3BucketGb: 5,
    loadBalancerCapacityUnits: 1,
    defaultNodeVolumeGb: 20,
    backupGb: 100,
  },
  zeroWhenIdle: { 'AWS::IAM::Role': 'free', 'AWS::EC2::LaunchTemplate': 'free', 'Custom::*': 'deploy time only' },
};

const platform = stack('Platform', {
  Nat: resource('AWS::EC2::NatGateway', 'Platform/Net/Nat'),
  Endpoint: resource('AWS::EC2::VPCEndpoint', 'Platform/Net/Ep', { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] }),
  S3Endpoint: resource('AWS::EC2::VPCEndpoint', 'Platform/Net/S3', { VpcEndpointType: 'Gateway' }),
  Nodes: resource('AWS::EKS::Nodegroup', 'Platform/Cluster/Nodes', { InstanceTypes: ['m.big'], ScalingConfig: { DesiredSize: 2 } }),
  Template: resource('AWS::EC2::LaunchTemplate', 'Platform/Fleet/Lt', {
    LaunchTemplateData: { BlockDeviceMappings: [{ Ebs: { VolumeSize: 100 } }] },
  }),
  Group: resource('AWS::AutoScaling::AutoScalingGroup', 'Platform/Fleet/Group', {
    MinSize: '0',
    MixedInstancesPolicy: {
      InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 0 },
      LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Template' } }, Overrides: [{ InstanceType: 'c.big' }, { InstanceType: 'm.big' }] },
    },
  }),
  Role: resource('AWS::IAM::Role', 'Platform/Fleet/Role'),
  Helm: resource('Custom::AWSCDK-EKS-HelmChart', 'Platform/Mesh/Chart'),
  Mystery: resource('AWS::Timestream::Database', 'Platform/Db/Resource'),
});
const pilot = stack('Pilot-a-Registries', { Repo: resource('AWS::ECR::Repository', 'Pilot-a-Registries/Registry/Repo'), Key: resource('AWS::KMS::Key', 'Pilot-a-Registries/Registry/Key') }, { pilot: 'a' });

test('a known template gives a known total, per stack and per pilot', () => {
  const estimate = estimateCost([platform, pilot], prices);
  // NAT 5 + endpoint 2 AZ x 0.01 x 100 = 2 + nodes 2 x (0.2 x 100 + 20 GB x 0.1) = 44; fleet idles at zero.
  expect(estimate.byStack.get('Platform')).toBeCloseTo(51);
  // ECR 2 GB x 0.1 + KMS 1
  expect(estimate.byPart.get('a')).toBeCloseTo(1.2);
  expect(estimate.total).toBeCloseTo(52.2);
});

test('unknown types are listed, never priced at zero silently; zero-cost types are not', () => {
  expect(estimateCost([platform, pilot], prices).unknown).toEqual([{ stack: 'Platform', logicalId: 'Mystery', type: 'AWS::Timestream::Database' }]);
});

test('each fleet idling at zero gets a build-hour rate: first instance type plus root volume, spot when configured', () => {
  const [fleet] = estimateCost([platform], prices).fleets;
  expect(fleet).toMatchObject({ fleet: 'Fleet', instanceType: 'c.big' });
  expect(fleet.onDemandHour).toBeCloseTo(0.1 + (100 * 0.1) / 100);
  expect(fleet.spotHour).toBeCloseTo(0.05 + 0.1);
});

test('a price table for another region is refused', () => {
  expect(() => estimateCost([platform], { ...prices, region: 'us-east-1' })).toThrow(/Platform is in eu-central-1/);
});
