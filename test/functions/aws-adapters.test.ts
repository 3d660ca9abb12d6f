/**
 * The adapters onto the AWS SDK the Lambda runtime ships: the SDK is not installed here, so
 * virtual modules record the commands sent and play back the service's answers.
 */
import { awsDeviceRegistry } from '../../lib/functions/device-registry';
import { dynamoDbTestRecordStore, RETIRED_RUN } from '../../lib/functions/test-record-store';
import { record } from './fakes';

const sent: { command: string; input: Record<string, unknown> }[] = [];
let answer: (command: string, input: Record<string, unknown>) => unknown = () => ({});

/** What any fake client's `send` does: record the command, play back the answer (or throw it). */
async function send(command: { name: string; input: Record<string, unknown> }) {
  sent.push({ command: command.name, input: command.input });
  const result = answer(command.name, command.input);
  if (result instanceof Error) throw result;
  return result;
}
class FakeClient {
  public readonly send = send;
}
/** Command classes that remember their name and input. */
function commands(...names: string[]) {
  return Object.fromEntries(
    names.map((name) => [
      name,
      class {
        public readonly name = name;
        constructor(public readonly input: Record<string, unknown>) {}
      },
    ]),
  );
}

// The adapters require the SDK lazily (esbuild's transform does not hoist jest.mock; it need not).
jest.mock('@aws-sdk/client-dynamodb', () => ({ DynamoDBClient: FakeClient }), { virtual: true });
jest.mock('@aws-sdk/lib-dynamodb', () => ({ ...commands('PutCommand', 'QueryCommand'), DynamoDBDocumentClient: { from: () => new FakeClient() } }), { virtual: true });
jest.mock(
  '@aws-sdk/client-iot',
  () => ({
    IoTClient: FakeClient,
    ...commands(
      'ListThingPrincipalsCommand',
      'DetachThingPrincipalCommand',
      'ListAttachedPoliciesCommand',
      'DetachPolicyCommand',
      'UpdateCertificateCommand',
      'DeleteCertificateCommand',
      'ListThingGroupsForThingCommand',
      'RemoveThingFromThingGroupCommand',
      'DeleteThingCommand',
    ),
  }),
  { virtual: true },
);
jest.mock('@aws-sdk/client-greengrassv2', () => ({ GreengrassV2Client: FakeClient, ...commands('DeleteCoreDeviceCommand') }), { virtual: true });

const failure = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  sent.length = 0;
  answer = () => ({});
});

describe('DynamoDB test record store', () => {
  test('adds with a condition that the key does not exist yet', async () => {
    expect(await dynamoDbTestRecordStore('records').add(record())).toBe(true);
    expect(sent).toEqual([
      {
        command: 'PutCommand',
        input: { TableName: 'records', Item: { ...record(), run: '2026-03-01T08:15:00Z#supply-voltage#eol-3' }, ConditionExpression: 'attribute_not_exists(serial)' },
      },
    ]);
  });

  test('a failed condition means the run exists: false, nothing overwritten', async () => {
    answer = () => failure('ConditionalCheckFailedException');
    expect(await dynamoDbTestRecordStore('records').add(record())).toBe(false);
  });

  test('other errors propagate', async () => {
    answer = () => failure('ProvisionedThroughputExceededException');
    await expect(dynamoDbTestRecordStore('records').add(record())).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  test('history pages through the serial and separates the retirement marker', async () => {
    answer = (_c, input) =>
      input.ExclusiveStartKey
        ? { Items: [{ serial: 'SN-0001', run: RETIRED_RUN, retiredAt: '2026-05-01T00:00:00Z', retiredBy: 'ops' }] }
        : { Items: [{ ...record(), run: 'r1' }], LastEvaluatedKey: { serial: 'SN-0001', run: 'r1' } };
    const history = await dynamoDbTestRecordStore('records').history('SN-0001');
    expect(history).toEqual({ records: [record()], retiredAt: '2026-05-01T00:00:00Z' });
    expect(sent).toHaveLength(2);
  });
});

describe('AWS device registry', () => {
  const cert = 'arn:aws:iot:eu-central-1:111111111111:cert/abc123';

  test('releasing a certificate: detach from thing and policies, deactivate, delete', async () => {
    answer = (command) => (command === 'ListAttachedPoliciesCommand' ? { policies: [{ policyName: 'core' }] } : {});
    await awsDeviceRegistry().releaseCertificate('acme_SN-0001', cert);
    expect(sent.map((s) => [s.command, s.input])).toEqual([
      ['DetachThingPrincipalCommand', { thingName: 'acme_SN-0001', principal: cert }],
      ['ListAttachedPoliciesCommand', { target: cert }],
      ['DetachPolicyCommand', { policyName: 'core', target: cert }],
      ['UpdateCertificateCommand', { certificateId: 'abc123', newStatus: 'INACTIVE' }],
      ['DeleteCertificateCommand', { certificateId: 'abc123' }],
    ]);
  });

  test('a thing that is already gone counts as released', async () => {
    answer = () => failure('ResourceNotFoundException');
    const registry = awsDeviceRegistry();
    expect(await registry.certificatesOf('acme_SN-0001')).toEqual([]);
    await expect(registry.deleteThing('acme_SN-0001')).resolves.toBeUndefined();
    await expect(registry.deleteCoreDevice('acme_SN-0001')).resolves.toBeUndefined();
  });
});
