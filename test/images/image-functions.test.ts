/**
 * The image functions as deployed, through their AWS SDK adapters: Image Builder on a local fake
 * of its REST API (test/images/fake-image-builder.ts; moto has no Image Builder), SSM and ECR on
 * moto_server, CloudFormation's presigned URLs on the fake's reply receiver.
 */
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handler as trigger } from '../../lib/functions/image-build-trigger-handler';
import { handler as gate } from '../../lib/functions/image-rollout-handler';
import { FakeImageBuilder, startFakeImageBuilder } from './fake-image-builder';
import { MOTO_ACCOUNT, MOTO_REGION, useMotoServer } from '../functions/moto';

useMotoServer();
let fake: FakeImageBuilder;
beforeAll(async () => {
  fake = await startFakeImageBuilder();
  process.env.AWS_ENDPOINT_URL_IMAGEBUILDER = fake.endpoint;
  process.env.TARGETS = JSON.stringify({
    'iiot-agent-linux-x64': { parameterName: '/iiot/demo/images/agent-linux-x64', kind: 'ami' },
    'iiot-jenkins-controller': { parameterName: '/iiot/demo/images/jenkins-controller', kind: 'container' },
  });
  process.env.FIRST_IMAGE_SIGNALS = JSON.stringify({ 'iiot-agent-linux-x64': `${fake.endpoint}/reply/x64`, 'iiot-jenkins-controller': `${fake.endpoint}/reply/controller` });
});
afterAll(async () => {
  await fake.close();
  for (const key of ['AWS_ENDPOINT_URL_IMAGEBUILDER', 'TARGETS', 'FIRST_IMAGE_SIGNALS']) delete process.env[key];
});
beforeEach(() => {
  fake.replies.length = 0;
});

const PIPELINE = `arn:aws:imagebuilder:${MOTO_REGION}:${MOTO_ACCOUNT}:image-pipeline/iiot-agent-linux-x64`;
const STACK = `arn:aws:cloudformation:${MOTO_REGION}:${MOTO_ACCOUNT}:stack/Platform-Images/0f0f`;
function cfnEvent(type: 'Create' | 'Update' | 'Delete', version: string, oldVersion?: string): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-central-1:111111111111:function:trigger',
    ResponseURL: `${fake.endpoint}/reply/cfn`,
    StackId: STACK,
    RequestId: `request-${type}-${version}`,
    LogicalResourceId: 'Agentlinuxx64Build',
    ResourceType: 'Custom::ImageBuild',
    ResourceProperties: { ServiceToken: 'x', PipelineArn: PIPELINE, RecipeVersion: version },
  };
  if (type === 'Create') return { ...common, RequestType: 'Create' };
  if (type === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: PIPELINE, OldResourceProperties: { ServiceToken: 'x', PipelineArn: PIPELINE, RecipeVersion: oldVersion! } };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: PIPELINE };
}

describe('build trigger', () => {
  test('create starts the pipeline and answers CloudFormation (empty content type, pipeline as physical id)', async () => {
    await trigger(cfnEvent('Create', '1.0.1'));
    expect(fake.executions).toHaveLength(1);
    expect(fake.executions[0].pipeline).toBe(PIPELINE);
    expect(fake.replies).toEqual([{
      path: '/reply/cfn',
      contentType: '',
      body: {
        Status: 'SUCCESS', Reason: `started ${fake.executions[0].arn}`, PhysicalResourceId: PIPELINE, StackId: STACK, RequestId: 'request-Create-1.0.1',
        LogicalResourceId: 'Agentlinuxx64Build', Data: { ImageBuildVersionArn: fake.executions[0].arn },
      },
    }]);
  });

  test('an update with the same recipe version starts nothing; a new version starts a build; a rollback to a built version does not build again', async () => {
    await trigger(cfnEvent('Update', '1.0.1', '1.0.1'));
    expect(fake.executions).toHaveLength(1);
    await trigger(cfnEvent('Update', '1.0.2', '1.0.1'));
    expect(fake.executions).toHaveLength(2);
    await trigger(cfnEvent('Update', '1.0.1', '1.0.2'));
    expect(fake.executions).toHaveLength(2);
    expect(fake.replies.map((r) => r.body.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(fake.replies[2].body.Data).toEqual({ ImageBuildVersionArn: fake.executions[0].arn });
  });

  test('delete starts nothing (built images stay for the lifecycle policy)', async () => {
    await trigger(cfnEvent('Delete', '1.0.2'));
    expect(fake.executions).toHaveLength(2);
    expect(fake.replies[0].body.Status).toBe('SUCCESS');
  });

  test('a pipeline that cannot start fails the deploy with the service\'s reason', async () => {
    const event = cfnEvent('Update', '1.0.3', '1.0.2');
    (event.ResourceProperties as Record<string, string>).PipelineArn = '';
    await trigger(event);
    expect(fake.replies[0].body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/imagePipelineArn and clientToken/) });
  });
});

describe('rollout gate', () => {
  const ssm = () => new SSMClient({});
  const parameter = async (name: string) => (await ssm().send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  const REGISTRY = `${MOTO_ACCOUNT}.dkr.ecr.${MOTO_REGION}.amazonaws.com`;
  const ctrArn = (build: number) => `arn:aws:imagebuilder:${MOTO_REGION}:${MOTO_ACCOUNT}:image/iiot-jenkins-controller/1.0.9/${build}`;
  const amiArn = `arn:aws:imagebuilder:${MOTO_REGION}:${MOTO_ACCOUNT}:image/iiot-agent-linux-x64/1.0.5/1`;

  beforeAll(async () => {
    await ssm().send(new PutParameterCommand({ Name: '/iiot/demo/images/agent-linux-x64', Value: 'ami-0123456789abcdef0', Type: 'String', DataType: 'aws:ec2:image' }));
    const ecr = new ECRClient({});
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'platform-images-controller' }));
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 7023, digest: `sha256:${'b'.repeat(64)}` }, layers: [] });
    await ecr.send(new PutImageCommand({ repositoryName: 'platform-images-controller', imageManifest: manifest, imageTag: '1.0.9-2' }));
    fake.images.set(ctrArn(1), { arn: ctrArn(1), name: 'iiot-jenkins-controller', state: { status: 'AVAILABLE' }, scanState: { status: 'COMPLETED' }, tags: { 'iiot:in-use': 'true' } });
    fake.images.set(ctrArn(2), {
      arn: ctrArn(2), name: 'iiot-jenkins-controller', state: { status: 'AVAILABLE' }, scanState: { status: 'COMPLETED' },
      outputResources: { containers: [{ region: MOTO_REGION, imageUris: [`${REGISTRY}/platform-images-controller:1.0.9-2`] }] }, tags: {},
      findings: [{ severity: 'HIGH', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-7' } }],
    });
    fake.images.set(amiArn, {
      arn: amiArn, name: 'iiot-agent-linux-x64', state: { status: 'AVAILABLE' }, scanState: { status: 'COMPLETED' },
      outputResources: { amis: [{ region: MOTO_REGION, image: 'ami-0fedcba9876543210' }] }, tags: {},
      findings: [{ severity: 'CRITICAL', packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2026-1234' } }],
    });
  });

  test('a clean controller build: parameter = digest from ECR, in-use tag moved to it, SUCCESS signalled to its wait condition', async () => {
    const result = await gate({ resources: [ctrArn(2)], detail: { state: { status: 'AVAILABLE' } } });
    const value = await parameter('/iiot/demo/images/jenkins-controller');
    expect(value).toMatch(new RegExp(`^${REGISTRY}/platform-images-controller@sha256:[0-9a-f]{64}$`));
    expect(result).toEqual({ rolledOut: true, parameter: '/iiot/demo/images/jenkins-controller', value });
    expect([fake.images.get(ctrArn(1))!.tags, fake.images.get(ctrArn(2))!.tags]).toEqual([{}, { 'iiot:in-use': 'true' }]);
    expect(fake.replies).toEqual([{ path: '/reply/controller', contentType: '', body: { Status: 'SUCCESS', Reason: `/iiot/demo/images/jenkins-controller = ${value}`, UniqueId: 'iiot-jenkins-controller', Data: value } }]);
  });

  test('an AMI with a critical finding: the parameter keeps the previous AMI, FAILURE with the finding is signalled', async () => {
    const result = await gate({ resources: [amiArn], detail: { state: { status: 'AVAILABLE' } } });
    expect(result.rolledOut).toBe(false);
    expect(await parameter('/iiot/demo/images/agent-linux-x64')).toBe('ami-0123456789abcdef0');
    expect(fake.images.get(amiArn)!.tags).toEqual({});
    expect(fake.replies).toHaveLength(1);
    expect(fake.replies[0]).toMatchObject({ path: '/reply/x64', contentType: '', body: { Status: 'FAILURE', UniqueId: 'iiot-agent-linux-x64', Data: amiArn } });
    expect(fake.replies[0].body.Reason).toMatch(/CVE-2026-1234.*keeps the previous image/);
  });
});

test('an undeliverable wait-condition signal (expired after the first deploy) does not fail the rollout; the log says so', async () => {
  const arn = `arn:aws:imagebuilder:${MOTO_REGION}:${MOTO_ACCOUNT}:image/iiot-agent-linux-x64/1.0.6/1`;
  fake.images.set(arn, {
    arn, name: 'iiot-agent-linux-x64', state: { status: 'AVAILABLE' }, scanState: { status: 'COMPLETED' },
    outputResources: { amis: [{ region: MOTO_REGION, image: 'ami-0aaaabbbbccccdddd' }] }, tags: {},
  });
  const signals = JSON.parse(process.env.FIRST_IMAGE_SIGNALS!);
  const log = jest.spyOn(console, 'log');
  // The receiver answers 403 to this path, as S3 does to an expired presigned URL.
  fake.refuseReplies = true;
  try {
    const result = await gate({ resources: [arn], detail: { state: { status: 'AVAILABLE' } } });
    expect(result).toEqual({ rolledOut: true, parameter: '/iiot/demo/images/agent-linux-x64', value: 'ami-0aaaabbbbccccdddd' });
    expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/first-image signal not delivered.*iiot-agent-linux-x64.*answered 403/);
    expect(signals['iiot-agent-linux-x64']).toMatch(/\/reply\/x64$/);
  } finally {
    fake.refuseReplies = false;
    log.mockRestore();
  }
});
